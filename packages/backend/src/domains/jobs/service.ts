/**
 * The durable job table: create (one unfinished job per store and kind), the lease a worker holds
 * while it runs one (claim, renew), and every write of a runner fenced on that lease, so a worker
 * presumed dead that wakes up cannot overwrite what its successor did.
 */
import { and, count, desc, eq, inArray, sql, type SQL } from "drizzle-orm";
import type { Database } from "../../infra/db";
import { postgresFailure, SQLSTATE } from "../../infra/pg-errors";
import { JobAlreadyRunning } from "./errors";
import type { JobRow } from "./runner";
import { type JobKind, type JobProgress, type JobState, jobs } from "./schema";

export interface CreateJob {
  kind: JobKind;
  storeId: string | null;
  params?: Record<string, unknown>;
  createdBy?: string | null;
  maxAttempts?: number;
}

export interface JobFilter {
  storeId?: string;
  kind?: JobKind;
  state?: JobState;
  limit: number;
  offset: number;
}

/** How a runner's attempt ended when it did not succeed. */
export interface JobFailureRecord {
  code: string;
  message: string;
  /** Queued again while attempts remain; FAILED at once otherwise. */
  retry: boolean;
}

/** One (kind, state) of unfinished jobs; the ages are null where no job of the group has one. */
export interface JobBacklog {
  kind: JobKind;
  state: JobState;
  count: number;
  waitingSeconds: number | null;
  leaseExpiredSeconds: number | null;
}

const ACTIVE: JobState[] = ["QUEUED", "RUNNING"];
const MESSAGE_MAX = 500;
/** A retried job waits this many seconds per attempt so far before it is claimable again, at most the cap. */
const RETRY_STEP_SECONDS = 5;
const RETRY_CAP_SECONDS = 300;

export function createJobService(deps: { db: Database; now?: () => number }) {
  const { db } = deps;
  const now = () => new Date((deps.now ?? Date.now)());
  const created = new Set<(job: JobRow) => void>();
  /** The lease as a WHERE: still this owner's, still running. */
  const held = (id: string, owner: string): SQL | undefined => and(eq(jobs.id, id), eq(jobs.leaseOwner, owner), eq(jobs.state, "RUNNING"));

  async function active(kind: JobKind, storeId: string | null): Promise<JobRow | undefined> {
    const storeMatch = storeId === null ? sql`${jobs.storeId} is null` : eq(jobs.storeId, storeId);
    const [row] = await db.select().from(jobs).where(and(eq(jobs.kind, kind), storeMatch, inArray(jobs.state, ACTIVE))).limit(1);
    return row;
  }

  return {
    /** Queues a job; a second unfinished one of the kind for the store is refused naming the first (the unique index decides, across replicas). */
    async create(input: CreateJob): Promise<JobRow> {
      try {
        const [row] = await db
          .insert(jobs)
          .values({
            kind: input.kind,
            storeId: input.storeId,
            params: input.params ?? {},
            createdBy: input.createdBy ?? null,
            ...(input.maxAttempts !== undefined && { maxAttempts: input.maxAttempts }),
            createdAt: now(),
            updatedAt: now(),
          })
          .returning();
        if (!row) throw new Error("job insert returned no row");
        for (const listener of created) listener(row);
        return row;
      } catch (error) {
        const failure = postgresFailure(error);
        if (failure?.sqlState !== SQLSTATE.UNIQUE_VIOLATION || failure.constraint !== "jobs_one_active_per_store_kind") throw error;
        const running = await active(input.kind, input.storeId);
        // Finished between the refusal and the read: the caller may simply ask again.
        throw new JobAlreadyRunning(input.kind, input.storeId, running?.id ?? "unknown");
      }
    },

    /** Called after each create in this process (the worker is kicked instead of waiting for its poll). */
    onCreated(listener: (job: JobRow) => void): void {
      created.add(listener);
    },

    async find(id: string): Promise<JobRow | undefined> {
      const [row] = await db.select().from(jobs).where(eq(jobs.id, id));
      return row;
    },

    /** Newest first. */
    async list(filter: JobFilter): Promise<{ items: JobRow[]; total: number }> {
      const where = and(
        filter.storeId === undefined ? undefined : eq(jobs.storeId, filter.storeId),
        filter.kind === undefined ? undefined : eq(jobs.kind, filter.kind),
        filter.state === undefined ? undefined : eq(jobs.state, filter.state),
      );
      const [items, [counted]] = await Promise.all([
        db.select().from(jobs).where(where).orderBy(desc(jobs.createdAt), desc(jobs.id)).limit(filter.limit).offset(filter.offset),
        db.select({ total: count() }).from(jobs).where(where),
      ]);
      return { items, total: counted?.total ?? 0 };
    },

    /**
     * Takes the oldest claimable job of these kinds in one statement: queued, or running with its
     * lease run out (its worker died). Each claim is an attempt; a job claimed past maxAttempts
     * (its workers kept dying) is FAILED instead and answered so, and the caller claims again.
     */
    async claim(owner: string, leaseMs: number, kinds: readonly JobKind[]): Promise<JobRow | undefined> {
      if (kinds.length === 0) return undefined;
      const at = now();
      const until = new Date(at.getTime() + leaseMs);
      const exhausted = sql`${jobs.attempts} + 1 > ${jobs.maxAttempts}`;
      const [row] = await db
        .update(jobs)
        .set({
          attempts: sql`${jobs.attempts} + 1`,
          state: sql`case when ${exhausted} then 'FAILED' else 'RUNNING' end`,
          errorCode: sql`case when ${exhausted} then 'JOB_ATTEMPTS_EXHAUSTED' else ${jobs.errorCode} end`,
          error: sql`case when ${exhausted} then 'The job was started ' || ${jobs.maxAttempts} || ' times without finishing' else ${jobs.error} end`,
          leaseOwner: sql`case when ${exhausted} then null else ${owner} end`,
          leaseUntil: sql`case when ${exhausted} then null else ${until.toISOString()}::timestamptz end`,
          finishedAt: sql`case when ${exhausted} then ${at.toISOString()}::timestamptz else null end`,
          startedAt: sql`coalesce(${jobs.startedAt}, ${at.toISOString()}::timestamptz)`,
          updatedAt: at,
        })
        .where(
          sql`${jobs.id} = (
            select j.id from jobs j
            where j.state in ('QUEUED', 'RUNNING')
              -- RUNNING: its lease ran out; QUEUED: new (no lease), or its retry wait is over.
              and (j.lease_until is null or j.lease_until <= ${at.toISOString()}::timestamptz)
              and j.kind in (${sql.join(kinds.map((k) => sql`${k}`), sql`, `)})
            order by j.created_at
            limit 1
            for update skip locked
          )`,
        )
        .returning();
      return row;
    },

    /** Extends the lease; false when it is no longer this owner's. */
    async renew(id: string, owner: string, leaseMs: number): Promise<boolean> {
      const at = now();
      const rows = await db
        .update(jobs)
        .set({ leaseUntil: new Date(at.getTime() + leaseMs) })
        .where(held(id, owner))
        .returning({ id: jobs.id });
      return rows.length > 0;
    },

    /** Cursor and progress under the lease; false when the lease is lost. */
    async save(id: string, owner: string, cursor: Record<string, unknown> | null, progress: JobProgress): Promise<boolean> {
      const rows = await db.update(jobs).set({ cursor, progress, updatedAt: now() }).where(held(id, owner)).returning({ id: jobs.id });
      return rows.length > 0;
    },

    /**
     * One step of a runner: `work` and the save of cursor and progress in one transaction, under
     * the lease. The job's row is locked first while the lease is still this owner's, so a takeover
     * skips the job until the step commits; `lost` answers when the lease is not this owner's.
     */
    async step<T>(
      id: string,
      owner: string,
      work: (tx: Database) => Promise<T>,
      next: (result: T) => { cursor: Record<string, unknown> | null; progress: JobProgress },
      lost: () => Error,
    ): Promise<T> {
      return db.transaction(async (tx) => {
        const locked = await tx.select({ id: jobs.id }).from(jobs).where(held(id, owner)).for("update");
        if (locked.length === 0) throw lost();
        const result = await work(tx);
        const { cursor, progress } = next(result);
        const saved = await tx.update(jobs).set({ cursor, progress, updatedAt: now() }).where(held(id, owner)).returning({ id: jobs.id });
        if (saved.length === 0) throw lost();
        return result;
      });
    },

    async finish(id: string, owner: string, result: Record<string, unknown>): Promise<boolean> {
      const at = now();
      const rows = await db
        .update(jobs)
        .set({ state: "SUCCEEDED", result, errorCode: null, error: null, leaseOwner: null, leaseUntil: null, finishedAt: at, updatedAt: at })
        .where(held(id, owner))
        .returning({ id: jobs.id });
      return rows.length > 0;
    },

    /** Records a failed attempt: queued again while attempts remain and the failure may pass, FAILED otherwise. */
    async fail(id: string, owner: string, failure: JobFailureRecord): Promise<JobState | undefined> {
      const at = now();
      const final = failure.retry ? sql`${jobs.attempts} >= ${jobs.maxAttempts}` : sql`true`;
      const [row] = await db
        .update(jobs)
        .set({
          state: sql`case when ${final} then 'FAILED' else 'QUEUED' end`,
          errorCode: failure.code,
          error: failure.message.slice(0, MESSAGE_MAX),
          leaseOwner: null,
          // A retried job waits a little (longer each attempt) before it can be claimed again, so a
          // failure is not taken straight back by the same claim loop while its cause persists.
          leaseUntil: sql`case when ${final} then null else ${at.toISOString()}::timestamptz + make_interval(secs => least(${RETRY_CAP_SECONDS}, ${RETRY_STEP_SECONDS} * ${jobs.attempts})) end`,
          finishedAt: sql`case when ${final} then ${at.toISOString()}::timestamptz else null end`,
          updatedAt: at,
        })
        .where(held(id, owner))
        .returning({ state: jobs.state });
      return row?.state;
    },

    /** A worker stopping hands its job back without spending the attempt (a deploy is not the job's fault). */
    async release(id: string, owner: string): Promise<boolean> {
      const rows = await db
        .update(jobs)
        .set({ state: "QUEUED", attempts: sql`greatest(${jobs.attempts} - 1, 0)`, leaseOwner: null, leaseUntil: null, updatedAt: now() })
        .where(held(id, owner))
        .returning({ id: jobs.id });
      return rows.length > 0;
    },

    /**
     * Unfinished jobs by kind and state, for the gauges, in one statement over the claim index:
     * how many, how long the oldest QUEUED one has waited since it was queued (created, failed
     * and queued again, or handed back; updated_at moves only then while queued), and how long
     * ago the lease of the oldest RUNNING one ran out when nobody has taken it over.
     */
    async activeCounts(): Promise<JobBacklog[]> {
      const at = sql`${now().toISOString()}::timestamptz`;
      return db
        .select({
          kind: jobs.kind,
          state: jobs.state,
          count: count(),
          waitingSeconds: sql<number | null>`extract(epoch from ${at} - min(${jobs.updatedAt}) filter (where ${jobs.state} = 'QUEUED'))`.mapWith(Number),
          leaseExpiredSeconds: sql<number | null>`extract(epoch from ${at} - min(${jobs.leaseUntil}) filter (where ${jobs.state} = 'RUNNING' and ${jobs.leaseUntil} < ${at}))`.mapWith(Number),
        })
        .from(jobs)
        .where(inArray(jobs.state, ACTIVE))
        .groupBy(jobs.kind, jobs.state);
    },
  };
}

export type JobService = ReturnType<typeof createJobService>;

/**
 * When drift checks run: every LISTING_DRIFT_INTERVAL_MS per pushing marketplace store, once more
 * when a lower shown quantity can be confirmed (LISTING_DRIFT_CONFIRM_MS), and on demand. Both only queue a LISTING_DRIFT_CHECK job; the job worker runs it (drift.ts). The unique
 * partial index on jobs (one queued or running job per store and kind) makes a second replica's
 * schedule, or a second click, a no-op rather than a second check.
 */
import type { Stores } from "@pazarsync/shared";
import { sql } from "drizzle-orm";
import { queryRows, type Database } from "../../infra/db";
import { isForeignKeyViolation } from "../../infra/pg-errors";
import { StoreNotFound } from "../catalog/errors";
import { JobAlreadyRunning } from "../jobs/errors";
import { StoreNotMarketplace } from "./errors";

const KIND = "LISTING_DRIFT_CHECK";

/**
 * Queues a check for every active marketplace store that sends stock and whose last check finished
 * longer than `intervalMs` before `now` (or never ran; 0 turns this part off), and a follow-up for
 * a store with a suspected listing (shown lower than told) first seen at least `confirmMs` ago,
 * unless a check finished after that suspicion could be confirmed (so a suspicion that stays, say
 * behind a mark, is looked at once, not every minute). Answers the queued jobs' ids.
 */
export async function scheduleDriftChecks(db: Database, now: Date | number, intervalMs: number, confirmMs: number): Promise<string[]> {
  const at = new Date(now).getTime();
  const due = intervalMs > 0 ? sql`not exists (
              select 1 from jobs j where j.store_id = s.id and j.kind = ${KIND}
                and j.finished_at > ${new Date(at - intervalMs).toISOString()}::timestamptz)` : sql`false`;
  const rows = await queryRows<{ id: string }>(
    db,
    sql`insert into jobs (kind, store_id, state)
        select ${KIND}, s.id, 'QUEUED' from stores s
        where s.type <> 'WEB' and s.active and s.send_stock
          and not exists (select 1 from jobs j where j.store_id = s.id and j.kind = ${KIND} and j.state in ('QUEUED', 'RUNNING'))
          and (${due} or exists (
            select 1 from listings l
            -- A listing the marketplace fulfils is never compared: its moving stock must not queue checks.
            where l.store_id = s.id and l.last_seen_quantity < l.last_pushed_quantity and not l.fulfilled_by_marketplace
              and l.last_seen_at <= ${new Date(at - confirmMs).toISOString()}::timestamptz
              and not exists (
                select 1 from jobs j where j.store_id = s.id and j.kind = ${KIND}
                  and j.finished_at > l.last_seen_at + ${confirmMs} * interval '1 millisecond')))
        on conflict do nothing
        returning id::text as id`,
  );
  return rows.map((r) => r.id);
}

export interface DriftRequestDeps {
  db: Database;
  findStore(id: string): Promise<Stores.Store | undefined>;
  /** Wakes the job worker (its kick); absent: the worker's poll finds the job. */
  queued?: (jobId: string) => void;
}

/** A check asked for now; a web store has no marketplace to read, and one already queued or running is named in the 409. */
export async function requestDriftCheck(deps: DriftRequestDeps, storeId: string, createdBy: string | null): Promise<{ jobId: string; state: "QUEUED" }> {
  const store = await deps.findStore(storeId);
  if (!store) throw new StoreNotFound(storeId);
  if (store.type === "WEB") throw new StoreNotMarketplace(storeId);
  const [created] = await queryRows<{ id: string }>(
    deps.db,
    sql`insert into jobs (kind, store_id, state, created_by) values (${KIND}, ${storeId}::uuid, 'QUEUED', ${createdBy}::uuid)
        on conflict do nothing returning id::text as id`,
  ).catch((error: unknown) => {
    // The store (or the caller's account) was deleted meanwhile.
    throw isForeignKeyViolation(error, "jobs_store_id_stores_id_fk") ? new StoreNotFound(storeId) : error;
  });
  if (created) {
    deps.queued?.(created.id);
    return { jobId: created.id, state: "QUEUED" };
  }
  const [active] = await queryRows<{ id: string }>(
    deps.db,
    sql`select id::text as id from jobs where store_id = ${storeId}::uuid and kind = ${KIND} and state in ('QUEUED', 'RUNNING') limit 1`,
  );
  // Finished between the two statements: the caller may simply ask again.
  throw new JobAlreadyRunning(KIND, storeId, active?.id ?? "");
}

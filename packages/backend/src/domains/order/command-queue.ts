/**
 * The outbox's rows as the worker and staff move them. A claim takes the due commands that are
 * the lowest open one of their order (FOR UPDATE SKIP LOCKED: replicas claim disjoint rows) and
 * leases them: until the lease ends no other worker takes them, and every outcome is written only
 * while the lease it was claimed with still holds, so a worker that lost its lease changes nothing.
 */
import { and, desc, eq, inArray, lte, sql, type SQL } from "drizzle-orm";
import type { Database } from "../../infra/db";
import type { CommandRow } from "./command-records";
import { orderCommands } from "./schema";

type CommandState = CommandRow["state"];

export const OPEN_STATES: readonly CommandState[] = ["PENDING", "SENDING", "SENT"];

export interface Claimed {
  row: CommandRow;
  /** The state before the claim: PENDING is sent; SENDING (a send with no answer, or a crash) and SENT are observed first. */
  prior: CommandState;
  /** The lease this claim holds: every outcome is written only while it still holds. */
  lease: Date;
}

/** Claims up to `limit` due commands, each the lowest open seq of its order. */
export async function claimDue(db: Database, now: Date, leaseMs: number, limit: number): Promise<Claimed[]> {
  const lease = new Date(now.getTime() + leaseMs);
  return db.transaction(async (tx) => {
    const due = await tx
      .select()
      .from(orderCommands)
      .where(
        and(
          inArray(orderCommands.state, [...OPEN_STATES]),
          lte(orderCommands.nextAttemptAt, now),
          sql`not exists (select 1 from order_commands e where e.order_id = ${orderCommands.orderId} and e.seq < ${orderCommands.seq} and e.state in ('PENDING', 'SENDING', 'SENT'))`,
        ),
      )
      .orderBy(orderCommands.nextAttemptAt)
      .limit(limit)
      .for("update", { skipLocked: true });
    if (due.length === 0) return [];
    const claimed = await tx
      .update(orderCommands)
      .set({
        state: sql`case when ${orderCommands.state} = 'PENDING' then 'SENDING' else ${orderCommands.state} end`,
        leaseUntil: lease,
        nextAttemptAt: lease,
        updatedAt: now,
      })
      .where(inArray(orderCommands.id, due.map((row) => row.id)))
      .returning();
    const prior = new Map(due.map((row) => [row.id, row.state]));
    return claimed.map((row) => ({ row, prior: prior.get(row.id) ?? row.state, lease }));
  });
}

export interface Outcome {
  state: CommandState;
  /** When the worker may take it again (open states). */
  nextAttemptAt?: Date;
  /** SENDING kept in doubt: its lease runs until the next look, so no one sends it meanwhile. */
  leaseUntil?: Date | null;
  reason?: string | null;
  httpStatus?: number | null;
  reference?: string | null;
  sentAt?: Date;
  confirmedAt?: Date;
  /** A send was made (its answer, or its refusal, recorded here). */
  sent?: boolean;
}

/** Writes an outcome while the claim's lease still holds; false when another worker took the command over. */
export async function settle(db: Database, claimed: Claimed, outcome: Outcome, now: Date): Promise<boolean> {
  const rows = await db
    .update(orderCommands)
    .set({
      state: outcome.state,
      nextAttemptAt: outcome.nextAttemptAt ?? now,
      leaseUntil: outcome.leaseUntil ?? null,
      ...(outcome.reason !== undefined && { reason: outcome.reason }),
      ...(outcome.httpStatus !== undefined && { httpStatus: outcome.httpStatus }),
      ...(outcome.reference !== undefined && outcome.reference !== null && { reference: outcome.reference }),
      ...(outcome.sentAt && { sentAt: outcome.sentAt }),
      ...(outcome.confirmedAt && { confirmedAt: outcome.confirmedAt }),
      ...(outcome.sent && { attempts: sql`${orderCommands.attempts} + 1` }),
      updatedAt: now,
    })
    .where(and(eq(orderCommands.id, claimed.row.id), eq(orderCommands.leaseUntil, claimed.lease)))
    .returning({ id: orderCommands.id });
  return rows.length > 0;
}

export async function commandById(db: Database, id: string): Promise<CommandRow | undefined> {
  const [row] = await db.select().from(orderCommands).where(eq(orderCommands.id, id));
  return row;
}

/** Staff's list (the dead letters: state FAILED), latest change first. */
export async function listCommands(db: Database, filter: { state?: CommandState; storeId?: string }, limit: number): Promise<CommandRow[]> {
  const conditions: SQL[] = [];
  if (filter.state) conditions.push(eq(orderCommands.state, filter.state));
  if (filter.storeId) conditions.push(eq(orderCommands.storeId, filter.storeId));
  return db
    .select()
    .from(orderCommands)
    .where(conditions.length > 0 ? and(...conditions) : undefined)
    .orderBy(desc(orderCommands.updatedAt), desc(orderCommands.id))
    .limit(limit);
}

/** A FAILED command back to PENDING with a fresh retry budget; undefined when it was not FAILED (anymore). */
export async function retryFailed(db: Database, id: string, now: Date): Promise<CommandRow | undefined> {
  const [row] = await db
    .update(orderCommands)
    .set({ state: "PENDING", attempts: 0, nextAttemptAt: now, leaseUntil: null, updatedAt: now })
    .where(and(eq(orderCommands.id, id), eq(orderCommands.state, "FAILED")))
    .returning();
  return row;
}

/** FAILED commands per store, and the oldest open command's creation: the gauges. */
export async function queueHealth(db: Database): Promise<{ failed: { storeId: string; count: number }[]; oldestOpen: Date | null }> {
  const failed = await db
    .select({ storeId: orderCommands.storeId, count: sql<number>`count(*)::int`.mapWith(Number) })
    .from(orderCommands)
    .where(eq(orderCommands.state, "FAILED"))
    .groupBy(orderCommands.storeId);
  const [oldest] = await db
    .select({ at: sql<string | Date | null>`min(${orderCommands.createdAt})` })
    .from(orderCommands)
    .where(inArray(orderCommands.state, [...OPEN_STATES]));
  return { failed, oldestOpen: oldest?.at ? new Date(oldest.at) : null };
}

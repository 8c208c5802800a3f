/** Receipts of asynchronous marketplace batches: recorded after a push, claimed and polled on a schedule. */
import { and, asc, count, eq, getTableColumns, lte, min, ne, sql } from "drizzle-orm";
import type { Database } from "../../infra/db";
import type { MarketplaceName, SubmissionReceipt } from "../marketplace/types";
import { marketplaceSubmissions as submissions, type SubmittedItem } from "./schema";

export type SubmissionRow = typeof submissions.$inferSelect;

export interface NewSubmission {
  storeId: string;
  marketplace: MarketplaceName;
  batchId: string;
  items: SubmittedItem[];
  submittedAt: Date;
  /** The first poll: a few seconds after submitting (MARKETPLACES.md: never block a request on it). */
  nextPollAt: Date;
  /** submittedAt + the marketplace's result retention minus a margin; the caller decides. */
  expiresAt: Date;
}

interface PendingSummary {
  storeId: string;
  pending: number;
  oldestSubmittedAt: Date;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Inserts the receipts in one statement; one already recorded (same store and batch id) is left as it is. Answers the new rows. */
export async function recordSubmissions(db: Database, rows: readonly NewSubmission[]): Promise<SubmissionRow[]> {
  if (rows.length === 0) return [];
  return db
    .insert(submissions)
    .values(rows.map((row) => ({ ...row, itemCount: row.items.length, status: "PENDING" as const })))
    .onConflictDoNothing({ target: [submissions.storeId, submissions.batchId] })
    .returning();
}

/**
 * Claims up to `limit` pending receipts due at `now`, most overdue first, by pushing their next
 * poll `leaseMs` ahead in the same statement. SKIP LOCKED lets two replicas claim at once
 * without waiting on or sharing a row; a poller that dies leaves the row due again after the lease.
 */
export async function dueSubmissions(db: Database, now: Date, limit: number, leaseMs = 60_000): Promise<SubmissionRow[]> {
  if (limit <= 0) return [];
  // A locking CTE runs once. As an `IN (subquery)` the planner may rescan it, skip the rows this
  // statement just updated and claim more than `limit`.
  const due = db.$with("due").as(
    db
      .select({ dueId: submissions.id })
      .from(submissions)
      .where(and(eq(submissions.status, "PENDING"), lte(submissions.nextPollAt, now)))
      .orderBy(asc(submissions.nextPollAt), asc(submissions.id))
      .limit(limit)
      .for("update", { skipLocked: true }),
  );
  const claimed = await db
    .with(due)
    .update(submissions)
    .set({ nextPollAt: new Date(now.getTime() + leaseMs), pollCount: sql`${submissions.pollCount} + 1`, updatedAt: sql`now()` })
    .from(due)
    .where(eq(submissions.id, due.dueId))
    .returning(getTableColumns(submissions));
  return claimed.sort((a, b) => a.submittedAt.getTime() - b.submittedAt.getTime() || a.id.localeCompare(b.id));
}

/** Not finished yet: poll again at `nextPollAt`; `error` records why the last poll failed (null when it did not). */
export async function reschedule(db: Database, id: string, nextPollAt: Date, error?: string): Promise<boolean> {
  if (!UUID.test(id)) return false;
  const rows = await db
    .update(submissions)
    .set({ nextPollAt, lastError: error ?? null, updatedAt: sql`now()` })
    .where(and(eq(submissions.id, id), eq(submissions.status, "PENDING")))
    .returning({ id: submissions.id });
  return rows.length > 0;
}

/** Every item has a final outcome. Only a pending receipt completes; answers whether this call did it. */
export async function complete(db: Database, id: string, at: Date = new Date()): Promise<boolean> {
  return finish(db, id, { status: "COMPLETE", completedAt: at });
}

/** The marketplace no longer keeps the result: stop polling; its items are re-marked by the caller. */
export async function expire(db: Database, id: string, error?: string): Promise<boolean> {
  return finish(db, id, { status: "EXPIRED", ...(error !== undefined && { lastError: error }) });
}

/**
 * The store's marketplace account was replaced: the results its pending batches wait for will never
 * come from the new one, and they would hold the store's cap of pending batches until they time
 * out. Their items are re-marked by the caller.
 */
export async function expireStoreSubmissions(db: Database, storeId: string): Promise<number> {
  if (!UUID.test(storeId)) return 0;
  const rows = await db
    .update(submissions)
    .set({ status: "EXPIRED", lastError: "the store's marketplace account was replaced", updatedAt: sql`now()` })
    .where(and(eq(submissions.storeId, storeId), eq(submissions.status, "PENDING")))
    .returning({ id: submissions.id });
  return rows.length;
}

async function finish(db: Database, id: string, columns: Partial<Pick<SubmissionRow, "status" | "completedAt" | "lastError">>): Promise<boolean> {
  if (!UUID.test(id)) return false;
  const rows = await db
    .update(submissions)
    .set({ ...columns, updatedAt: sql`now()` })
    .where(and(eq(submissions.id, id), eq(submissions.status, "PENDING")))
    .returning({ id: submissions.id });
  return rows.length > 0;
}

/** How many receipts of one store are still pending. */
export async function pendingFor(db: Database, storeId: string): Promise<number> {
  if (!UUID.test(storeId)) return 0;
  const [row] = await db.select({ n: count() }).from(submissions).where(and(eq(submissions.storeId, storeId), eq(submissions.status, "PENDING")));
  return row?.n ?? 0;
}

/** Per store with anything pending: how many receipts and the oldest one's submission time. */
export async function pendingCounts(db: Database): Promise<PendingSummary[]> {
  const rows = await db
    .select({ storeId: submissions.storeId, pending: count(), oldest: min(submissions.submittedAt) })
    .from(submissions)
    .where(eq(submissions.status, "PENDING"))
    .groupBy(submissions.storeId)
    .orderBy(asc(submissions.storeId));
  return rows.flatMap((row) => (row.oldest ? [{ storeId: row.storeId, pending: row.pending, oldestSubmittedAt: row.oldest }] : []));
}

/** Finished receipts (complete or expired) submitted before `olderThan`; answers how many went. */
export async function purgeFinishedSubmissions(db: Database, olderThan: Date): Promise<number> {
  const rows = await db
    .delete(submissions)
    .where(and(ne(submissions.status, "PENDING"), lte(submissions.submittedAt, olderThan)))
    .returning({ id: submissions.id });
  return rows.length;
}

/** Polls may not outlive the marketplace's memory of a batch: stop at 3/4 of its retention. */
const RETENTION_MARGIN = 0.75;

/** The receipts of asynchronous batches, for the poller (receipts.ts); each with the items it carried, first polled `firstPollDelayMs` after `at`. */
export async function recordReceipts(
  db: Database,
  receipts: readonly SubmissionReceipt[],
  items: readonly SubmittedItem[],
  timing: { storeId: string; retentionMs: number; firstPollDelayMs: number; at: number },
): Promise<void> {
  if (receipts.length === 0) return;
  const byBarcode = new Map(items.map((i) => [i.barcode, i]));
  const { at } = timing;
  await recordSubmissions(
    db,
    receipts.map((receipt) => ({
      storeId: timing.storeId,
      marketplace: receipt.marketplace,
      batchId: receipt.batchId,
      items: receipt.barcodes.flatMap((b, index) => {
        const item = byBarcode.get(b);
        const key = receipt.keys?.[index];
        return item ? [{ ...item, ...(key !== undefined && key !== b && { key }) }] : [];
      }),
      submittedAt: new Date(receipt.submittedAt),
      nextPollAt: new Date(at + timing.firstPollDelayMs),
      expiresAt: new Date(new Date(receipt.submittedAt).getTime() + timing.retentionMs * RETENTION_MARGIN),
    })),
  );
}

/** Listings that failed past their retry budget: one OPEN letter per (store, product) for admins. */
import { and, count, desc, eq, sql } from "drizzle-orm";
import type { Database } from "../../infra/db";
import type { Logger } from "../../infra/logger";
import type { StoreService } from "../catalog/service";
import { clearAttempts, distinctPairs, inPairs } from "./attempts";
import type { StoreProduct } from "./dirty-buffer";
import { syncDeadLetters as letters } from "./schema";

type DeadLetterRow = typeof letters.$inferSelect;

export interface NewDeadLetter extends StoreProduct {
  barcode: string;
  quantity: number | null;
  salePrice: number | null;
  reasons: string[];
  attempts: number;
}

interface OpenLetterQuery {
  storeId?: string;
  limit: number;
  offset?: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Opens a letter per pair, or updates the pair's OPEN one (latest values and reasons; attempts
 * add up while it stays open). One statement; answers the rows as they now stand.
 */
export async function upsertDeadLetters(db: Database, rows: readonly NewDeadLetter[]): Promise<DeadLetterRow[]> {
  const distinct = distinctPairs(rows);
  if (distinct.length === 0) return [];
  return db
    .insert(letters)
    .values(distinct.map((row) => ({ ...row, status: "OPEN" as const })))
    .onConflictDoUpdate({
      target: [letters.storeId, letters.productId],
      // Names the partial unique index (sync_dead_letters_open_unique) as the arbiter.
      targetWhere: sql`status = 'OPEN'`,
      set: {
        barcode: sql`excluded.barcode`,
        quantity: sql`excluded.quantity`,
        salePrice: sql`excluded.sale_price`,
        reasons: sql`excluded.reasons`,
        attempts: sql`${letters.attempts} + excluded.attempts`,
        updatedAt: sql`now()`,
      },
    })
    .returning();
}

/** An item of one store given up on: refused locally, failed permanently, or out of retries. */
export interface DeadItem {
  productId: string;
  barcode: string;
  quantity: number | null;
  reasons: string[];
  attempts: number;
}

/** Items given up on: a letter each, their retry budget forgotten, and the listing shown as DEAD. */
export async function addDeadLetters(
  deps: { db: Database; stores: Pick<StoreService, "recordPushOutcomes">; log: Logger; now: () => number },
  storeId: string,
  rows: readonly DeadItem[],
): Promise<void> {
  await upsertDeadLetters(
    deps.db,
    rows.map((r) => ({ storeId, productId: r.productId, barcode: r.barcode, quantity: r.quantity, salePrice: null, reasons: r.reasons, attempts: r.attempts })),
  );
  await clearAttempts(deps.db, rows.map((r) => ({ storeId, productId: r.productId })));
  await deps.stores.recordPushOutcomes(rows.map((r) => ({ storeId, productId: r.productId, quantity: null, price: null, status: "DEAD" as const, at: new Date(deps.now()) })));
  deps.log.warn({ storeId, items: rows.length, reasons: rows.slice(0, 3).map((r) => r.reasons) }, "stock sync dead letters");
}

/** Open letters, newest first, of one store or all. */
export async function openDeadLetters(db: Database, query: OpenLetterQuery): Promise<DeadLetterRow[]> {
  if (query.storeId !== undefined && !UUID.test(query.storeId)) return [];
  const conditions = [eq(letters.status, "OPEN")];
  if (query.storeId !== undefined) conditions.push(eq(letters.storeId, query.storeId));
  return db
    .select()
    .from(letters)
    .where(and(...conditions))
    .orderBy(desc(letters.createdAt), desc(letters.id))
    .limit(query.limit)
    .offset(query.offset ?? 0);
}

/** storeId -> open letters; stores without any are absent. */
export async function countOpenByStore(db: Database): Promise<Map<string, number>> {
  const rows = await db
    .select({ storeId: letters.storeId, open: count() })
    .from(letters)
    .where(eq(letters.status, "OPEN"))
    .groupBy(letters.storeId);
  return new Map(rows.map((row) => [row.storeId, row.open]));
}

/**
 * An admin asked to try again: the OPEN letter becomes RETRIED and the caller re-marks its
 * (store, product). Undefined when there is no such open letter (already retried, resolved, unknown).
 */
export async function markRetried(db: Database, id: string): Promise<DeadLetterRow | undefined> {
  if (!UUID.test(id)) return undefined;
  const [row] = await db
    .update(letters)
    .set({ status: "RETRIED", updatedAt: sql`now()` })
    .where(and(eq(letters.id, id), eq(letters.status, "OPEN")))
    .returning();
  return row;
}

/** A later success heals the pair: its OPEN letters become RESOLVED. Answers how many. */
export async function resolveForPairs(db: Database, pairs: readonly StoreProduct[]): Promise<number> {
  if (pairs.length === 0) return 0;
  const rows = await db
    .update(letters)
    .set({ status: "RESOLVED", updatedAt: sql`now()` })
    .where(and(eq(letters.status, "OPEN"), inPairs(letters.storeId, letters.productId, pairs)))
    .returning({ id: letters.id });
  return rows.length;
}

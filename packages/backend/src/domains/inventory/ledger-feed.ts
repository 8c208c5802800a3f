/**
 * The ledger as an outbox (DESIGN "Crash safety"): every stock change writes its ledger rows in
 * the same transaction, so reading rows past a saved position finds every change, even one whose
 * after-commit mark was lost. The stock-sync sweep keeps the position; inventory answers the rows.
 */
import { asc, gt, lt, max } from "drizzle-orm";
import type { Database } from "../../infra/db";
import { stockMovements } from "./schema";

export interface LedgerChanges {
  productIds: string[];
  warehouseIds: string[];
  /** The highest id read (null when nothing was past the position). */
  lastId: number | null;
  /** The highest id read whose row is older than the settle time: safe to move a cursor to. */
  settledId: number | null;
  rows: number;
}

/**
 * Up to `limit` rows past `position`. Ids come from a sequence, so a slow transaction can commit a
 * lower id after a higher one is visible: a cursor may only move to rows older than `settledBefore`,
 * and rows after it are read (and re-marked, which is harmless) again next time.
 */
export async function ledgerChangesSince(db: Database, position: number, limit: number, settledBefore: Date): Promise<LedgerChanges> {
  const rows = await db
    .select({
      id: stockMovements.id,
      productId: stockMovements.productId,
      warehouseId: stockMovements.warehouseId,
      settled: lt(stockMovements.createdAt, settledBefore).mapWith(Boolean),
    })
    .from(stockMovements)
    .where(gt(stockMovements.id, position))
    .orderBy(asc(stockMovements.id))
    .limit(limit);
  let settledId: number | null = null;
  for (const row of rows) {
    if (!row.settled) break;
    settledId = row.id;
  }
  const last = rows.at(-1);
  return {
    productIds: [...new Set(rows.map((r) => r.productId))],
    warehouseIds: [...new Set(rows.map((r) => r.warehouseId))],
    lastId: last ? last.id : null,
    settledId,
    rows: rows.length,
  };
}

/** The newest ledger id: where a sweep starts when it has no position yet. */
export async function latestLedgerId(db: Database): Promise<number> {
  const [row] = await db.select({ id: max(stockMovements.id) }).from(stockMovements);
  return row?.id ?? 0;
}

/** Reading and writing stock_movements, the append-only ledger; no rules here, only rows. */
import type { Inventory } from "@pazarsync/shared";
import { and, count, desc, eq, inArray, ne, sql } from "drizzle-orm";
import type { Database } from "../../infra/db";
import type { PageRequest } from "../../http/pagination";
import { stockMovements } from "./schema";

export type NewMovement = typeof stockMovements.$inferInsert;

/**
 * Appends ledger rows in one statement, in the given order; answers their ids in that order
 * (the sequence numbers the rows as they are listed, so sorted ids follow the list).
 */
export async function appendMovements(tx: Database, movements: readonly NewMovement[]): Promise<number[]> {
  if (movements.length === 0) return [];
  const rows = await tx.insert(stockMovements).values([...movements]).returning({ id: stockMovements.id });
  return rows.map((row) => row.id).sort((a, b) => a - b);
}

/** A product's ledger, newest first (served by stock_movements_product_idx). */
export async function listMovements(db: Database, productId: string, page: PageRequest): Promise<Inventory.MovementPage> {
  const rows = await db
    .select()
    .from(stockMovements)
    .where(eq(stockMovements.productId, productId))
    .orderBy(desc(stockMovements.id))
    .limit(page.limit)
    .offset(page.offset);
  const [total] = await db.select({ n: count() }).from(stockMovements).where(eq(stockMovements.productId, productId));
  return {
    items: rows.map((row) => ({ ...row, createdAt: row.createdAt.toISOString() })),
    page: page.page,
    limit: page.limit,
    total: total?.n ?? 0,
  };
}

/** Per (product, warehouse): the sum of the ledger's quarantine changes, where it is not 0 (served by stock_movements_quarantine_idx). */
export async function quarantineSums(db: Database, productIds?: readonly string[]): Promise<{ productId: string; warehouseId: string; quarantined: number }[]> {
  const sum = sql<number>`sum(${stockMovements.quarantineDelta})::bigint`;
  return db
    .select({ productId: stockMovements.productId, warehouseId: stockMovements.warehouseId, quarantined: sum.mapWith(Number) })
    .from(stockMovements)
    .where(and(ne(stockMovements.quarantineDelta, 0), productIds ? inArray(stockMovements.productId, [...productIds]) : undefined))
    .groupBy(stockMovements.productId, stockMovements.warehouseId)
    .having(sql`${sum} <> 0`);
}

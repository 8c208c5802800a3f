import type { Inventory } from "@pazarsync/shared";
import { count, desc, eq } from "drizzle-orm";
import type { Database } from "../../infra/db";
import type { PageRequest } from "../../http/pagination";
import { stockMovements } from "./schema";

export type NewMovement = typeof stockMovements.$inferInsert;

/** Appends one ledger row; always called inside the transaction that changed the levels. */
export async function appendMovement(tx: Database, movement: NewMovement): Promise<number> {
  const [row] = await tx.insert(stockMovements).values(movement).returning({ id: stockMovements.id });
  if (!row) throw new Error("movement insert returned nothing");
  return row.id;
}

/** Appends several ledger rows in one statement, in the given order (ids ascend with it). */
export async function appendMovements(tx: Database, movements: readonly NewMovement[]): Promise<void> {
  if (movements.length === 0) return;
  await tx.insert(stockMovements).values([...movements]);
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

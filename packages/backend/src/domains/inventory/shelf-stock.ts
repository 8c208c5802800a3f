/** Reading and writing shelf_stock; no rules here, only rows (stock-mutations.ts decides what moves). */
import { and, asc, eq, gt, gte, inArray, lt, sql } from "drizzle-orm";
import type { Database } from "../../infra/db";
import { shelfStock, shelves } from "./schema";

export interface ShelfKey {
  shelfId: string;
  productId: string;
}

/** Adds to a shelf, creating its row when the shelf never held the product. Answers the quantity after. */
export async function addToShelf(tx: Database, key: ShelfKey, quantity: number, now: Date): Promise<number> {
  const [row] = await tx
    .insert(shelfStock)
    .values({ ...key, quantity, updatedAt: now })
    .onConflictDoUpdate({
      target: [shelfStock.shelfId, shelfStock.productId],
      set: { quantity: sql`${shelfStock.quantity} + ${quantity}`, updatedAt: now },
    })
    .returning({ quantity: shelfStock.quantity });
  if (!row) throw new Error("shelf stock upsert returned nothing");
  return row.quantity;
}

/** Takes units off the shelf only if that many lie there: the WHERE is the guard, not a prior read. Undefined when they do not. */
export async function takeFromShelf(tx: Database, key: ShelfKey, quantity: number, now: Date): Promise<number | undefined> {
  const [row] = await tx
    .update(shelfStock)
    .set({ quantity: sql`${shelfStock.quantity} - ${quantity}`, updatedAt: now })
    .where(and(eq(shelfStock.shelfId, key.shelfId), eq(shelfStock.productId, key.productId), gte(shelfStock.quantity, quantity)))
    .returning({ quantity: shelfStock.quantity });
  return row?.quantity;
}

/** What lies on one shelf of one product; 0 when there is no row. */
export async function shelfQuantity(db: Database, key: ShelfKey): Promise<number> {
  const [row] = await db
    .select({ quantity: shelfStock.quantity })
    .from(shelfStock)
    .where(and(eq(shelfStock.shelfId, key.shelfId), eq(shelfStock.productId, key.productId)));
  return row?.quantity ?? 0;
}

export interface ShelfTake {
  shelfId: string;
  /** The shelf's quantity before the take. */
  before: number;
  take: number;
}

/**
 * Takes `quantity` of a product off a warehouse's shelves, largest first (ties by shelf id), in
 * one statement: the first CTE locks the stocked shelves, the second gives each shelf what the
 * larger ones before it left to take, and the update subtracts exactly that. Answers the takes in
 * that order; together they are less than `quantity` when the shelves hold less.
 */
export async function takeLargestFirst(tx: Database, productId: string, warehouseId: string, quantity: number, now: Date): Promise<ShelfTake[]> {
  const stocked = tx.$with("stocked").as(
    tx
      .select({ shelfId: shelfStock.shelfId, onShelf: sql<number>`${shelfStock.quantity}`.as("on_shelf") })
      .from(shelfStock)
      .innerJoin(shelves, eq(shelves.id, shelfStock.shelfId))
      .where(and(eq(shelfStock.productId, productId), eq(shelves.warehouseId, warehouseId), gt(shelfStock.quantity, 0)))
      .for("update", { of: shelfStock }),
  );
  const larger = sql`coalesce(sum(${stocked.onShelf}) over (order by ${stocked.onShelf} desc, ${stocked.shelfId} rows between unbounded preceding and 1 preceding), 0)`;
  const picks = tx.$with("picks").as(
    tx
      .select({
        shelfId: stocked.shelfId,
        before: sql<number>`${stocked.onShelf}`.as("before"),
        take: sql<number>`greatest(least(${stocked.onShelf}, ${quantity}::integer - ${larger}), 0)::integer`.as("take"),
      })
      .from(stocked),
  );
  const rows = await tx
    .with(stocked, picks)
    .update(shelfStock)
    .set({ quantity: sql`${shelfStock.quantity} - ${picks.take}`, updatedAt: now })
    .from(picks)
    .where(and(eq(shelfStock.shelfId, picks.shelfId), eq(shelfStock.productId, productId), gt(picks.take, 0)))
    .returning({ shelfId: shelfStock.shelfId, before: picks.before, take: picks.take });
  return rows.sort((a, b) => b.before - a.before || (a.shelfId < b.shelfId ? -1 : 1));
}

export interface ShelfRow {
  productId: string;
  warehouseId: string;
  shelfId: string;
  quantity: number;
}

const shelfRow = { productId: shelfStock.productId, warehouseId: shelves.warehouseId, shelfId: shelfStock.shelfId, quantity: shelfStock.quantity };

/** A product's shelf rows in every warehouse, locked FOR UPDATE (shelf rows only). */
export function lockShelvesOf(tx: Database, productId: string): Promise<ShelfRow[]> {
  return tx
    .select(shelfRow)
    .from(shelfStock)
    .innerJoin(shelves, eq(shelves.id, shelfStock.shelfId))
    .where(eq(shelfStock.productId, productId))
    .orderBy(asc(shelfStock.shelfId))
    .for("update", { of: shelfStock });
}

/** Shelf rows below 0: the CHECK forbids them, so only a database restored without its CHECKs holds one. */
export function negativeShelves(db: Database, productIds?: readonly string[]): Promise<ShelfRow[]> {
  return db
    .select(shelfRow)
    .from(shelfStock)
    .innerJoin(shelves, eq(shelves.id, shelfStock.shelfId))
    .where(and(lt(shelfStock.quantity, 0), productIds ? inArray(shelfStock.productId, [...productIds]) : undefined));
}

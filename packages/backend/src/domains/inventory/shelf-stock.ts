/** Reading and writing shelf_stock; no rules here, only rows (stock-mutations.ts decides what moves). */
import { and, asc, eq, gt, gte, inArray, lt, type SQL, type SQLWrapper, sql } from "drizzle-orm";
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
 * The pick rule, written once for the take below and the plan after it: `wanted` units of a
 * product leave a warehouse's shelves largest first (ties by shelf id), each shelf giving all it
 * holds until the larger shelves before it covered the rest. Over rows of several products, each
 * product is taken on its own.
 */
function largestFirstTake(shelf: { productId: SQLWrapper; shelfId: SQLWrapper; onShelf: SQLWrapper }, wanted: SQL): SQL<number> {
  const larger = sql`coalesce(sum(${shelf.onShelf}) over (partition by ${shelf.productId} order by ${shelf.onShelf} desc, ${shelf.shelfId} rows between unbounded preceding and 1 preceding), 0)`;
  return sql<number>`greatest(least(${shelf.onShelf}, ${wanted} - ${larger}), 0)::integer`;
}

/** The same rule's order, for answers read back from SQL. */
const largestFirst = (a: { before: number; shelfId: string }, b: { before: number; shelfId: string }) => b.before - a.before || (a.shelfId < b.shelfId ? -1 : 1);

/**
 * Takes `quantity` of a product off a warehouse's shelves by the pick rule, in one statement: the
 * first CTE locks the stocked shelves, the second gives each shelf its take, and the update
 * subtracts exactly that. Answers the takes in that order; together they are less than
 * `quantity` when the shelves hold less.
 */
export async function takeLargestFirst(tx: Database, productId: string, warehouseId: string, quantity: number, now: Date): Promise<ShelfTake[]> {
  const stocked = tx.$with("stocked").as(
    tx
      .select({ productId: shelfStock.productId, shelfId: shelfStock.shelfId, onShelf: sql<number>`${shelfStock.quantity}`.as("on_shelf") })
      .from(shelfStock)
      .innerJoin(shelves, eq(shelves.id, shelfStock.shelfId))
      .where(and(eq(shelfStock.productId, productId), eq(shelves.warehouseId, warehouseId), gt(shelfStock.quantity, 0)))
      .for("update", { of: shelfStock }),
  );
  const picks = tx.$with("picks").as(
    tx
      .select({
        shelfId: stocked.shelfId,
        before: sql<number>`${stocked.onShelf}`.as("before"),
        take: largestFirstTake(stocked, sql`${quantity}::integer`).as("take"),
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
  return rows.sort(largestFirst);
}

export interface PlannedTake extends ShelfTake {
  productId: string;
  shelfCode: string;
}

/**
 * What takeLargestFirst would take of each product in `wanted` (product id -> units) from a
 * warehouse's shelves as they stand, taking nothing and locking nothing: the pick list. Per
 * product in the take's order; less than wanted when the shelves hold less.
 */
export async function planLargestFirst(db: Database, warehouseId: string, wanted: ReadonlyMap<string, number>): Promise<PlannedTake[]> {
  if (wanted.size === 0) return [];
  const stocked = db.$with("stocked").as(
    db
      .select({
        productId: shelfStock.productId,
        shelfId: shelfStock.shelfId,
        shelfCode: sql<string>`${shelves.code}`.as("shelf_code"),
        onShelf: sql<number>`${shelfStock.quantity}`.as("on_shelf"),
      })
      .from(shelfStock)
      .innerJoin(shelves, eq(shelves.id, shelfStock.shelfId))
      .where(and(inArray(shelfStock.productId, [...wanted.keys()]), eq(shelves.warehouseId, warehouseId), gt(shelfStock.quantity, 0))),
  );
  const units = sql`(${JSON.stringify(Object.fromEntries(wanted))}::jsonb ->> ${stocked.productId}::text)::integer`;
  const rows = await db
    .with(stocked)
    .select({
      productId: stocked.productId,
      shelfId: stocked.shelfId,
      shelfCode: stocked.shelfCode,
      before: sql<number>`${stocked.onShelf}`.mapWith(Number),
      take: largestFirstTake(stocked, units).mapWith(Number),
    })
    .from(stocked);
  return rows.filter((row) => row.take > 0).sort((a, b) => (a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : largestFirst(a, b)));
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

import { Inventory } from "@pazarsync/shared";
import { and, eq, gte, sql } from "drizzle-orm";
import type { Database } from "../../infra/db";
import { InvalidField } from "../../infra/errors";
import { InsufficientStock, QuantityOutOfRange } from "./errors";
import { appendMovement } from "./ledger";
import { SQLSTATE, sqlState } from "../../infra/pg-errors";
import { inventoryLevels, shelfStock } from "./schema";

export interface ShelfStockRequest {
  shelfId: string;
  warehouseId: string;
  productId: string;
  delta: number;
  reason: string;
  actorId: string | null;
  correlationId: string;
}

/** A conditional update found too little stock; the transaction is rolled back by throwing it. */
class Shortfall extends Error {}

/** Refuses what the schema cannot say (a zero delta) for callers that do not come through HTTP. */
export function assertValidDelta(delta: number): void {
  if (!Number.isInteger(delta) || delta === 0 || Math.abs(delta) > Inventory.MAX_STOCK_DELTA) {
    throw new InvalidField({ in: "body", path: "/delta", message: `must be a non-zero integer within ±${Inventory.MAX_STOCK_DELTA}` });
  }
}

/** Adds to a shelf, creating its row when the shelf never held the product. Restock uses it too. */
export async function addToShelf(tx: Database, req: Pick<ShelfStockRequest, "shelfId" | "productId" | "delta">, now: Date): Promise<number> {
  const [row] = await tx
    .insert(shelfStock)
    .values({ shelfId: req.shelfId, productId: req.productId, quantity: req.delta, updatedAt: now })
    .onConflictDoUpdate({
      target: [shelfStock.shelfId, shelfStock.productId],
      set: { quantity: sql`${shelfStock.quantity} + ${req.delta}`, updatedAt: now },
    })
    .returning({ quantity: shelfStock.quantity });
  if (!row) throw new Error("shelf stock upsert returned nothing");
  return row.quantity;
}

/** Takes units off the shelf only if that many lie there: the WHERE is the guard, not a prior read. */
async function takeFromShelf(tx: Database, req: ShelfStockRequest, now: Date): Promise<number> {
  const [row] = await tx
    .update(shelfStock)
    .set({ quantity: sql`${shelfStock.quantity} + ${req.delta}`, updatedAt: now })
    .where(and(eq(shelfStock.shelfId, req.shelfId), eq(shelfStock.productId, req.productId), gte(shelfStock.quantity, -req.delta)))
    .returning({ quantity: shelfStock.quantity });
  if (!row) throw new Shortfall();
  return row.quantity;
}

/** Adds to a warehouse's on hand, creating the level row when needed. Restock uses it too. */
export async function addToLevel(tx: Database, req: Pick<ShelfStockRequest, "warehouseId" | "productId" | "delta">, now: Date) {
  const [row] = await tx
    .insert(inventoryLevels)
    .values({ productId: req.productId, warehouseId: req.warehouseId, onHand: req.delta, reserved: 0, updatedAt: now })
    .onConflictDoUpdate({
      target: [inventoryLevels.productId, inventoryLevels.warehouseId],
      set: { onHand: sql`${inventoryLevels.onHand} + ${req.delta}`, updatedAt: now },
    })
    .returning({ onHand: inventoryLevels.onHand, reserved: inventoryLevels.reserved });
  if (!row) throw new Error("inventory level upsert returned nothing");
  return row;
}

/** Removal may not dip into what open orders have reserved (DESIGN: on_hand - reserved >= n). */
async function takeFromLevel(tx: Database, req: ShelfStockRequest, now: Date) {
  const [row] = await tx
    .update(inventoryLevels)
    .set({ onHand: sql`${inventoryLevels.onHand} + ${req.delta}`, updatedAt: now })
    .where(
      and(
        eq(inventoryLevels.productId, req.productId),
        eq(inventoryLevels.warehouseId, req.warehouseId),
        sql`${inventoryLevels.onHand} - ${inventoryLevels.reserved} >= ${-req.delta}`,
      ),
    )
    .returning({ onHand: inventoryLevels.onHand, reserved: inventoryLevels.reserved });
  if (!row) throw new Shortfall();
  return row;
}

/** How much could have been removed: the smaller of the shelf's units and the warehouse's free stock. Only for the 409's details. */
async function removable(db: Database, req: ShelfStockRequest): Promise<number> {
  const [shelf] = await db
    .select({ quantity: shelfStock.quantity })
    .from(shelfStock)
    .where(and(eq(shelfStock.shelfId, req.shelfId), eq(shelfStock.productId, req.productId)));
  const [level] = await db
    .select({ free: sql<number>`${inventoryLevels.onHand} - ${inventoryLevels.reserved}`.mapWith(Number) })
    .from(inventoryLevels)
    .where(and(eq(inventoryLevels.productId, req.productId), eq(inventoryLevels.warehouseId, req.warehouseId)));
  return Math.max(0, Math.min(shelf?.quantity ?? 0, level?.free ?? 0));
}

/**
 * Shelf, warehouse level and ledger row change in one transaction, each change a conditional
 * increment. The caller holds the product's stock lock; the WHEREs and the CHECKs still hold
 * if that lock expired early.
 */
export async function applyShelfStockChange(db: Database, req: ShelfStockRequest): Promise<Inventory.ShelfStockChange> {
  try {
    return await db.transaction(async (tx) => {
      const now = new Date();
      const adding = req.delta > 0;
      const shelfQuantity = adding ? await addToShelf(tx, req, now) : await takeFromShelf(tx, req, now);
      const level = adding ? await addToLevel(tx, req, now) : await takeFromLevel(tx, req, now);
      const movementId = await appendMovement(tx, {
        productId: req.productId,
        warehouseId: req.warehouseId,
        shelfId: req.shelfId,
        kind: adding ? "RECEIPT" : "ADJUSTMENT",
        delta: req.delta,
        onHandBefore: level.onHand - req.delta,
        onHandAfter: level.onHand,
        reservedBefore: level.reserved,
        reservedAfter: level.reserved,
        reason: req.reason,
        actorId: req.actorId,
        correlationId: req.correlationId,
        createdAt: now,
      });
      return {
        shelfId: req.shelfId,
        productId: req.productId,
        shelfQuantity,
        warehouse: { id: req.warehouseId, onHand: level.onHand, reserved: level.reserved },
        movementId,
      };
    });
  } catch (error) {
    if (error instanceof Shortfall) {
      const details = { productId: req.productId, shelfId: req.shelfId, requested: -req.delta, available: await removable(db, req) };
      throw new InsufficientStock(details);
    }
    if (sqlState(error) === SQLSTATE.NUMERIC_OUT_OF_RANGE) throw new QuantityOutOfRange({ productId: req.productId, shelfId: req.shelfId });
    throw error;
  }
}

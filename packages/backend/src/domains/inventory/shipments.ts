import { and, eq, gt, gte, sql } from "drizzle-orm";
import { appendMovement } from "./ledger";
import type { Allocation, ShelfPick, StockContext, Transaction } from "./reservation-types";
import { inventoryLevels, shelfStock, shelves } from "./schema";
import { assertQuantities, byProductThen, StockBookkeepingError, sumBy } from "./stock-checks";

/** Reserved and on hand go down together, only if that much is reserved (on hand >= reserved by CHECK). */
async function takeReserved(tx: Transaction, allocation: Allocation, now: Date) {
  const { productId, warehouseId, quantity } = allocation;
  const [row] = await tx
    .update(inventoryLevels)
    .set({ onHand: sql`${inventoryLevels.onHand} - ${quantity}`, reserved: sql`${inventoryLevels.reserved} - ${quantity}`, updatedAt: now })
    .where(and(eq(inventoryLevels.productId, productId), eq(inventoryLevels.warehouseId, warehouseId), gte(inventoryLevels.reserved, quantity)))
    .returning({ onHand: inventoryLevels.onHand, reserved: inventoryLevels.reserved });
  return row;
}

/**
 * Picks `quantity` off the warehouse's shelves, largest first (ties by shelf id), in one
 * statement: the first CTE locks the stocked shelves, the second gives each shelf what the
 * larger ones before it left to take, and the update subtracts exactly that.
 */
async function pickFromShelves(tx: Transaction, allocation: Allocation, now: Date) {
  const { productId, warehouseId, quantity } = allocation;
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

/**
 * Turns reservations into a shipment: per (product, warehouse) the level loses the quantity from
 * reserved and on hand, and the shelves give it up, largest first. One SHIP ledger row per shelf
 * pick, each with the level as it stood before and after that pick.
 */
export async function shipInTransaction(tx: Transaction, allocations: readonly Allocation[], context: StockContext): Promise<ShelfPick[]> {
  assertQuantities(allocations);
  const now = new Date();
  const result: ShelfPick[] = [];
  const merged = sumBy(allocations, (a) => `${a.productId}|${a.warehouseId}`).sort(byProductThen((a) => a.warehouseId));
  for (const allocation of merged) {
    const { productId, warehouseId, quantity } = allocation;
    const level = await takeReserved(tx, allocation, now);
    if (!level) throw new StockBookkeepingError("shipment of more than is reserved", { ...allocation, correlationId: context.correlationId });
    const picks = await pickFromShelves(tx, allocation, now);
    const picked = picks.reduce((sum, pick) => sum + pick.take, 0);
    if (picked !== quantity) {
      throw new StockBookkeepingError("shelves do not hold what on hand says", { ...allocation, picked, correlationId: context.correlationId });
    }
    let still = quantity;
    for (const pick of picks) {
      await appendMovement(tx, {
        productId,
        warehouseId,
        shelfId: pick.shelfId,
        kind: "SHIP",
        delta: -pick.take,
        onHandBefore: level.onHand + still,
        onHandAfter: level.onHand + still - pick.take,
        reservedBefore: level.reserved + still,
        reservedAfter: level.reserved + still - pick.take,
        reason: context.reason,
        actorId: context.actorId,
        correlationId: context.correlationId,
        createdAt: now,
      });
      still -= pick.take;
      result.push({ productId, warehouseId, shelfId: pick.shelfId, quantity: pick.take });
    }
  }
  return result;
}

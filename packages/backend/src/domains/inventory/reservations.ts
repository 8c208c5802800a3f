import { and, eq, gt, gte, sql } from "drizzle-orm";
import { appendMovement, appendMovements, type NewMovement } from "./ledger";
import type { Allocation, Demand, Shortage, StockContext, Transaction } from "./reservation-types";
import { inventoryLevels } from "./schema";
import { assertQuantities, byProductThen, StockBookkeepingError, sumBy } from "./stock-checks";

/**
 * Reserves up to `need` of one product in one warehouse: the CTE locks the level row and reads
 * `least(need, on_hand - reserved)` from the row as it is once locked, and the update adds just
 * that. A concurrent reserver waits on the row lock and then sees what this one left.
 */
async function reserveUpTo(tx: Transaction, productId: string, warehouseId: string, need: number, now: Date) {
  const free = tx.$with("free").as(
    tx
      .select({
        productId: inventoryLevels.productId,
        warehouseId: inventoryLevels.warehouseId,
        take: sql<number>`least(${need}::bigint, ${inventoryLevels.onHand} - ${inventoryLevels.reserved})::integer`.as("take"),
      })
      .from(inventoryLevels)
      .where(
        and(
          eq(inventoryLevels.productId, productId),
          eq(inventoryLevels.warehouseId, warehouseId),
          gt(inventoryLevels.onHand, inventoryLevels.reserved),
        ),
      )
      .for("update"),
  );
  const [row] = await tx
    .with(free)
    .update(inventoryLevels)
    .set({ reserved: sql`${inventoryLevels.reserved} + ${free.take}`, updatedAt: now })
    .from(free)
    .where(and(eq(inventoryLevels.productId, free.productId), eq(inventoryLevels.warehouseId, free.warehouseId)))
    .returning({ take: free.take, onHand: inventoryLevels.onHand, reserved: inventoryLevels.reserved });
  return row && row.take > 0 ? row : undefined;
}

/**
 * Reserves every demand from the warehouses in the given order (the first is drained first),
 * products in sorted id order. A short product does not stop the others, so `shortages` names
 * every short product; its `available` is what the warehouses held free, which a short product
 * has taken in full. With shortages the caller must roll back: rows have been updated.
 */
export async function reserveInTransaction(
  tx: Transaction,
  demands: readonly Demand[],
  warehouseIds: readonly string[],
  context: StockContext,
): Promise<{ allocations: Allocation[]; shortages: Shortage[] }> {
  assertQuantities(demands);
  const now = new Date();
  const warehouses = [...new Set(warehouseIds)];
  const allocations: Allocation[] = [];
  const shortages: Shortage[] = [];
  const movements: NewMovement[] = [];
  for (const demand of sumBy(demands, (d) => d.productId).sort(byProductThen(() => ""))) {
    let reserved = 0;
    for (const warehouseId of warehouses) {
      if (reserved === demand.quantity) break;
      const row = await reserveUpTo(tx, demand.productId, warehouseId, demand.quantity - reserved, now);
      if (!row) continue;
      reserved += row.take;
      allocations.push({ productId: demand.productId, warehouseId, quantity: row.take });
      movements.push({
        productId: demand.productId,
        warehouseId,
        kind: "RESERVE",
        delta: 0,
        onHandBefore: row.onHand,
        onHandAfter: row.onHand,
        reservedBefore: row.reserved - row.take,
        reservedAfter: row.reserved,
        reason: context.reason,
        actorId: context.actorId,
        correlationId: context.correlationId,
        createdAt: now,
      });
    }
    if (reserved < demand.quantity) shortages.push({ productId: demand.productId, requested: demand.quantity, available: reserved });
  }
  // One multi-row insert: every level changed above has its row, shortages or not.
  await appendMovements(tx, movements);
  return { allocations, shortages };
}

/** Gives back exactly these allocations; a level holding less than is released is a bookkeeping bug. */
export async function releaseInTransaction(tx: Transaction, allocations: readonly Allocation[], context: StockContext): Promise<void> {
  assertQuantities(allocations);
  const now = new Date();
  const merged = sumBy(allocations, (a) => `${a.productId}|${a.warehouseId}`).sort(byProductThen((a) => a.warehouseId));
  for (const allocation of merged) {
    const { productId, warehouseId, quantity } = allocation;
    const [row] = await tx
      .update(inventoryLevels)
      .set({ reserved: sql`${inventoryLevels.reserved} - ${quantity}`, updatedAt: now })
      .where(and(eq(inventoryLevels.productId, productId), eq(inventoryLevels.warehouseId, warehouseId), gte(inventoryLevels.reserved, quantity)))
      .returning({ onHand: inventoryLevels.onHand, reserved: inventoryLevels.reserved });
    if (!row) throw new StockBookkeepingError("release of more than is reserved", { ...allocation, correlationId: context.correlationId });
    await appendMovement(tx, {
      productId,
      warehouseId,
      kind: "RELEASE",
      delta: 0,
      onHandBefore: row.onHand,
      onHandAfter: row.onHand,
      reservedBefore: row.reserved + quantity,
      reservedAfter: row.reserved,
      reason: context.reason,
      actorId: context.actorId,
      correlationId: context.correlationId,
      createdAt: now,
    });
  }
}

/** Reading and writing the order tables; no rules here, only rows. */
import type { Orders } from "@pazarsync/shared";
import { and, asc, count, desc, eq, inArray, sql, type SQL } from "drizzle-orm";
import type { Database } from "../../infra/db";
import type { Allocation } from "../inventory/service";
import { dueBeforeCondition } from "./dispatch-deadlines";
import { type MarketplacePackage, orderAllocations, orderAttentionLines, orderItems, orders } from "./schema";

export type OrderRow = typeof orders.$inferSelect;
export type ItemRow = typeof orderItems.$inferSelect;
export type AttentionLineRow = typeof orderAttentionLines.$inferSelect;
export type NewAttentionLine = Omit<typeof orderAttentionLines.$inferInsert, "orderId">;
export type AllocationRow = typeof orderAllocations.$inferSelect;
export type NewOrder = typeof orders.$inferInsert;
export type NewItem = Omit<typeof orderItems.$inferInsert, "orderId">;
type AllocationState = Orders.AllocationState;

export async function insertOrder(tx: Database, order: NewOrder, items: readonly NewItem[]): Promise<{ order: OrderRow; items: ItemRow[] }> {
  const orderId = order.id;
  if (!orderId) throw new Error("an order is inserted with its id chosen");
  // Sent together: the items name the order by the id chosen here, not by what the insert returns.
  const [[row], itemRows] = await Promise.all([tx.insert(orders).values(order).returning(), insertItems(tx, orderId, items)]);
  if (!row) throw new Error("order insert returned nothing");
  return { order: row, items: itemRows.sort((a, b) => a.lineNo - b.lineNo) };
}

/**
 * A NEEDS_ATTENTION order may have no item it could match. Not async on purpose: the query is
 * only sent when awaited, so insertOrder's Promise.all sends the order's insert first.
 */
export function insertItems(tx: Database, orderId: string, items: readonly NewItem[]): PromiseLike<ItemRow[]> {
  if (items.length === 0) return Promise.resolve([]);
  return tx
    .insert(orderItems)
    .values(items.map((item) => ({ ...item, orderId })))
    .returning();
}

export async function insertAttentionLines(tx: Database, orderId: string, lines: readonly NewAttentionLine[]): Promise<void> {
  if (lines.length === 0) return;
  await tx.insert(orderAttentionLines).values(lines.map((line) => ({ ...line, orderId })));
}

export async function attentionLinesOf(db: Database, orderIds: readonly string[]): Promise<AttentionLineRow[]> {
  if (orderIds.length === 0) return [];
  return db
    .select()
    .from(orderAttentionLines)
    .where(inArray(orderAttentionLines.orderId, [...orderIds]))
    .orderBy(asc(orderAttentionLines.orderId), asc(orderAttentionLines.lineNo));
}

/**
 * A NEEDS_ATTENTION order intake can now read: its lines replaced by the priced items, its totals
 * and status set (CREATED; the caller reserves next). Only under the order's row lock.
 */
export async function takeInOrder(
  tx: Database,
  orderId: string,
  taken: { currency: string; total: number; vatTotal: number; items: readonly NewItem[] },
): Promise<OrderRow> {
  await tx.delete(orderAttentionLines).where(eq(orderAttentionLines.orderId, orderId));
  await tx.delete(orderItems).where(eq(orderItems.orderId, orderId));
  await insertItems(tx, orderId, taken.items);
  const [row] = await tx
    .update(orders)
    .set({ status: "CREATED", currency: taken.currency, total: taken.total, vatTotal: taken.vatTotal, attentionReasons: null, updatedAt: sql`now()` })
    .where(eq(orders.id, orderId))
    .returning();
  if (!row) throw new Error("order take-in found no row");
  return row;
}

/** Orders in NEEDS_ATTENTION per store (served by orders_status_store_idx). */
export async function needingAttentionCounts(db: Database): Promise<{ storeId: string; orders: number }[]> {
  return db
    .select({ storeId: orders.storeId, orders: count() })
    .from(orders)
    .where(eq(orders.status, "NEEDS_ATTENTION"))
    .groupBy(orders.storeId);
}

export async function insertAllocations(tx: Database, orderId: string, allocations: readonly Allocation[]): Promise<void> {
  if (allocations.length === 0) return;
  await tx.insert(orderAllocations).values(allocations.map((a) => ({ orderId, ...a, state: "RESERVED" as const })));
}

export async function orderRow(db: Database, orderId: string): Promise<OrderRow | undefined> {
  const [row] = await db.select().from(orders).where(eq(orders.id, orderId));
  return row;
}

/** The row locked until the transaction ends: concurrent transitions of one order queue here. */
export async function lockOrder(tx: Database, orderId: string): Promise<OrderRow | undefined> {
  const [row] = await tx.select().from(orders).where(eq(orders.id, orderId)).for("update");
  return row;
}

export async function orderByExternalId(db: Database, storeId: string, externalOrderId: string): Promise<OrderRow | undefined> {
  const [row] = await db
    .select()
    .from(orders)
    .where(and(eq(orders.storeId, storeId), eq(orders.externalOrderId, externalOrderId)));
  return row;
}

export async function itemsOf(db: Database, orderIds: readonly string[]): Promise<ItemRow[]> {
  if (orderIds.length === 0) return [];
  return db
    .select()
    .from(orderItems)
    .where(inArray(orderItems.orderId, [...orderIds]))
    .orderBy(asc(orderItems.orderId), asc(orderItems.lineNo));
}

export async function allocationsOf(db: Database, orderId: string, state?: AllocationState): Promise<AllocationRow[]> {
  const conditions: SQL[] = [eq(orderAllocations.orderId, orderId)];
  if (state) conditions.push(eq(orderAllocations.state, state));
  return db
    .select()
    .from(orderAllocations)
    .where(and(...conditions))
    .orderBy(asc(orderAllocations.productId), asc(orderAllocations.warehouseId));
}

/** Every product the order ever held stock of: the stock locks a transition takes. */
export async function allocatedProductIds(db: Database, orderId: string): Promise<string[]> {
  const rows = await db
    .selectDistinct({ productId: orderAllocations.productId })
    .from(orderAllocations)
    .where(eq(orderAllocations.orderId, orderId));
  return rows.map((row) => row.productId);
}

/** Moves the order's allocations from one state to the next; answers how many moved. */
export async function moveAllocations(tx: Database, orderId: string, from: AllocationState, to: AllocationState): Promise<number> {
  const moved = await tx
    .update(orderAllocations)
    .set({ state: to, updatedAt: sql`now()` })
    .where(and(eq(orderAllocations.orderId, orderId), eq(orderAllocations.state, from)))
    .returning({ id: orderAllocations.id });
  return moved.length;
}

/** `shortages` null clears them (an OVERSOLD order filled after all); absent leaves them. */
export async function setStatus(tx: Database, orderId: string, status: Orders.OrderStatus, shortages?: Orders.Shortage[] | null): Promise<OrderRow> {
  const [row] = await tx
    .update(orders)
    .set({ status, updatedAt: sql`now()`, ...(shortages !== undefined && { shortages }) })
    .where(eq(orders.id, orderId))
    .returning();
  if (!row) throw new Error("order status update found no row");
  return row;
}

/** Writes the marketplace's other order number only where it differs (a repeat intake writes nothing). */
export async function setMarketplaceOrderNumber(db: Database, orderId: string, number: string): Promise<void> {
  await db
    .update(orders)
    .set({ marketplaceOrderNumber: number, updatedAt: sql`now()` })
    .where(and(eq(orders.id, orderId), sql`${orders.marketplaceOrderNumber} is distinct from ${number}`));
}

export interface OrderFilter {
  customerId?: string;
  status?: Orders.OrderStatus;
  storeId?: string;
  /** Open orders due for dispatch before this instant, soonest first. */
  dueBefore?: Date;
}

export async function orderRowsPage(db: Database, filter: OrderFilter, limit: number, offset: number): Promise<{ rows: OrderRow[]; total: number }> {
  const conditions: SQL[] = [];
  if (filter.customerId) conditions.push(eq(orders.customerId, filter.customerId));
  if (filter.status) conditions.push(eq(orders.status, filter.status));
  if (filter.storeId) conditions.push(eq(orders.storeId, filter.storeId));
  if (filter.dueBefore) conditions.push(dueBeforeCondition(filter.dueBefore));
  const where = conditions.length > 0 ? and(...conditions) : undefined;
  // Newest first, or soonest deadline first for dueBefore; the number breaks ties between orders of the same instant.
  const order = filter.dueBefore ? [asc(orders.dispatchBy), asc(orders.number)] : [desc(orders.createdAt), desc(orders.number)];
  const rows = await db.select().from(orders).where(where).orderBy(...order).limit(limit).offset(offset);
  const [counted] = await db.select({ total: count() }).from(orders).where(where);
  return { rows, total: counted?.total ?? 0 };
}

/** Open (RESERVED) allocations summed per product and warehouse: what inventory's reserved must equal. */
export async function openAllocationSums(
  db: Database,
  productIds?: readonly string[],
): Promise<{ productId: string; warehouseId: string; reserved: number }[]> {
  const conditions: SQL[] = [eq(orderAllocations.state, "RESERVED")];
  if (productIds) {
    if (productIds.length === 0) return [];
    conditions.push(inArray(orderAllocations.productId, [...productIds]));
  }
  return db
    .select({
      productId: orderAllocations.productId,
      warehouseId: orderAllocations.warehouseId,
      reserved: sql<number>`sum(${orderAllocations.quantity})::bigint`.mapWith(Number),
    })
    .from(orderAllocations)
    .where(and(...conditions))
    .groupBy(orderAllocations.productId, orderAllocations.warehouseId)
    .orderBy(asc(orderAllocations.productId), asc(orderAllocations.warehouseId));
}

export async function setPackages(tx: Database, orderId: string, packages: readonly MarketplacePackage[]): Promise<void> {
  await tx.update(orders).set({ packages: [...packages], updatedAt: sql`now()` }).where(eq(orders.id, orderId));
}

/** Units of one line a cancelled package took back (intake keeps them at most the line's quantity). */
export async function cancelItemUnits(tx: Database, orderId: string, lineNo: number, units: number): Promise<void> {
  await tx
    .update(orderItems)
    .set({ cancelledQuantity: sql`${orderItems.cancelledQuantity} + ${units}` })
    .where(and(eq(orderItems.orderId, orderId), eq(orderItems.lineNo, lineNo)));
}

export async function cancelAttentionLineUnits(tx: Database, orderId: string, lineNo: number, units: number): Promise<void> {
  await tx
    .update(orderAttentionLines)
    .set({ cancelledQuantity: sql`${orderAttentionLines.cancelledQuantity} + ${units}` })
    .where(and(eq(orderAttentionLines.orderId, orderId), eq(orderAttentionLines.lineNo, lineNo)));
}

/** Units a cancelled package took back that a live package lists again (package-partition.ts). */
export async function restoreItemUnits(tx: Database, orderId: string, lineNo: number, units: number): Promise<void> {
  await tx
    .update(orderItems)
    .set({ cancelledQuantity: sql`${orderItems.cancelledQuantity} - ${units}` })
    .where(and(eq(orderItems.orderId, orderId), eq(orderItems.lineNo, lineNo)));
}

export async function restoreAttentionLineUnits(tx: Database, orderId: string, lineNo: number, units: number): Promise<void> {
  await tx
    .update(orderAttentionLines)
    .set({ cancelledQuantity: sql`${orderAttentionLines.cancelledQuantity} - ${units}` })
    .where(and(eq(orderAttentionLines.orderId, orderId), eq(orderAttentionLines.lineNo, lineNo)));
}

export async function deleteAttentionLine(tx: Database, orderId: string, lineNo: number): Promise<void> {
  await tx.delete(orderAttentionLines).where(and(eq(orderAttentionLines.orderId, orderId), eq(orderAttentionLines.lineNo, lineNo)));
}

/** Why the order (still) needs attention, and its totals: after lines were added or mapped. */
export async function setAttention(
  tx: Database,
  orderId: string,
  values: { attentionReasons: string[] | null; total?: number; vatTotal?: number },
): Promise<OrderRow> {
  const [row] = await tx
    .update(orders)
    .set({ ...values, updatedAt: sql`now()` })
    .where(eq(orders.id, orderId))
    .returning();
  if (!row) throw new Error("order attention update found no row");
  return row;
}

/** A NEEDS_ATTENTION order with nothing left to resolve: its totals, no reasons, the status intake took it in with. */
export async function takenIn(
  tx: Database,
  orderId: string,
  values: { status: "CREATED" | "OVERSOLD"; total: number; vatTotal: number; shortages: Orders.Shortage[] | null },
): Promise<OrderRow> {
  const [row] = await tx
    .update(orders)
    .set({ ...values, attentionReasons: null, updatedAt: sql`now()` })
    .where(eq(orders.id, orderId))
    .returning();
  if (!row) throw new Error("order take-in found no row");
  return row;
}

/**
 * Takes so many units per product out of the order's RESERVED allocations (a row giving part of
 * its quantity is split: the part released becomes its own RELEASED row), warehouse by warehouse.
 * Answers what was taken, for inventory to release (or ship: `to` SHIPPED, a step naming some
 * lines). Only under the order's row lock.
 */
export async function releaseAllocationUnits(tx: Database, orderId: string, units: ReadonlyMap<string, number>, to: "RELEASED" | "SHIPPED" = "RELEASED"): Promise<Allocation[]> {
  return moveAllocationUnits(tx, orderId, units, "RESERVED", to);
}

/**
 * Moves so many units per product from allocations in one state to another (a row giving part of
 * its quantity is split, the part moved becoming its own row), warehouse by warehouse in id order.
 * Answers what was moved. Only under the order's row lock.
 */
export async function moveAllocationUnits(tx: Database, orderId: string, units: ReadonlyMap<string, number>, from: AllocationState, to: AllocationState): Promise<Allocation[]> {
  if (units.size === 0) return [];
  const open = await tx
    .select()
    .from(orderAllocations)
    .where(and(eq(orderAllocations.orderId, orderId), eq(orderAllocations.state, from), inArray(orderAllocations.productId, [...units.keys()])))
    .orderBy(asc(orderAllocations.productId), asc(orderAllocations.warehouseId), asc(orderAllocations.id));
  const left = new Map(units);
  const taken: Allocation[] = [];
  for (const row of open) {
    const take = Math.min(row.quantity, left.get(row.productId) ?? 0);
    if (take <= 0) continue;
    left.set(row.productId, (left.get(row.productId) ?? 0) - take);
    taken.push({ productId: row.productId, warehouseId: row.warehouseId, quantity: take });
    if (take === row.quantity) {
      await tx.update(orderAllocations).set({ state: to, updatedAt: sql`now()` }).where(eq(orderAllocations.id, row.id));
    } else {
      await tx.update(orderAllocations).set({ quantity: row.quantity - take, updatedAt: sql`now()` }).where(eq(orderAllocations.id, row.id));
      await tx.insert(orderAllocations).values({ orderId, productId: row.productId, warehouseId: row.warehouseId, quantity: take, state: to });
    }
  }
  return taken;
}

/** Each line's own status (null: the order's), where a step named some of its lines. */
export async function setItemStatuses(tx: Database, orderId: string, statuses: ReadonlyMap<number, Orders.OrderStatus | null>): Promise<void> {
  for (const [lineNo, status] of statuses) {
    await tx.update(orderItems).set({ status }).where(and(eq(orderItems.orderId, orderId), eq(orderItems.lineNo, lineNo)));
  }
}

export async function clearItemStatuses(tx: Database, orderId: string): Promise<void> {
  await tx.update(orderItems).set({ status: null }).where(and(eq(orderItems.orderId, orderId), sql`${orderItems.status} is not null`));
}

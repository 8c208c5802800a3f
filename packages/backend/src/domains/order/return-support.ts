/**
 * What the returns domain needs of an order, without reading the order tables itself: the order
 * and its lines, its row lock (the same one every transition takes), and the shipped units a
 * return takes back. Units come back from the SHIPPED allocations, so a return can never restock
 * more than left the shelves, and the order becomes RETURNED once none is left out.
 */
import type { Database } from "../../infra/db";
import type { Allocation } from "../inventory/service";
import * as repo from "./repository";
import { canTransition } from "./status";

export interface ReturnableOrder {
  id: string;
  storeId: string;
  number: number;
  status: repo.OrderRow["status"];
  /** The marketplace's order number; null for a web order. */
  externalOrderId: string | null;
  items: { lineNo: number; productId: string; quantity: number; externalLineId: string | null }[];
}

async function withItems(db: Database, row: repo.OrderRow | undefined): Promise<ReturnableOrder | undefined> {
  if (!row) return undefined;
  const items = await repo.itemsOf(db, [row.id]);
  return {
    id: row.id,
    storeId: row.storeId,
    number: row.number,
    status: row.status,
    externalOrderId: row.externalOrderId,
    items: items.map(({ lineNo, productId, quantity, externalLineId }) => ({ lineNo, productId, quantity, externalLineId })),
  };
}

export const returnableOrder = async (db: Database, orderId: string) => withItems(db, await repo.orderRow(db, orderId));

export const marketplaceOrder = async (db: Database, storeId: string, orderNumber: string) =>
  withItems(db, await repo.orderByExternalId(db, storeId, orderNumber));

/** The order row locked until the transaction ends: returns queue behind transitions of the order and each other. */
export const lockReturnableOrder = async (tx: Database, orderId: string) => withItems(tx, await repo.lockOrder(tx, orderId));

/** Units per product still out with the buyer: the SHIPPED allocations summed. */
export async function shippedUnits(db: Database, orderId: string): Promise<Map<string, number>> {
  const units = new Map<string, number>();
  for (const row of await repo.allocationsOf(db, orderId, "SHIPPED")) units.set(row.productId, (units.get(row.productId) ?? 0) + row.quantity);
  return units;
}

/**
 * Takes so many units per product out of the order's SHIPPED allocations (a row giving part of its
 * quantity is split, the part back becoming its own RETURNED row), warehouse by warehouse in id
 * order. Answers what was taken (the warehouse it shipped from), or the products short of units.
 * Only under the order's row lock.
 */
export async function takeBackShipped(
  tx: Database,
  orderId: string,
  units: ReadonlyMap<string, number>,
): Promise<{ taken: Allocation[]; short: { productId: string; requested: number; shipped: number }[] }> {
  const shipped = await shippedUnits(tx, orderId);
  const short = [...units]
    .filter(([productId, quantity]) => (shipped.get(productId) ?? 0) < quantity)
    .map(([productId, requested]) => ({ productId, requested, shipped: shipped.get(productId) ?? 0 }));
  if (short.length > 0) return { taken: [], short };
  return { taken: await repo.moveAllocationUnits(tx, orderId, units, "SHIPPED", "RETURNED"), short: [] };
}

/** Once nothing shipped is still out the order is RETURNED (when its status allows); answers whether it changed. */
export async function markReturnedWhenAllBack(tx: Database, order: ReturnableOrder): Promise<boolean> {
  if (!canTransition(order.status, "RETURNED")) return false;
  if ((await shippedUnits(tx, order.id)).size > 0) return false;
  await repo.setStatus(tx, order.id, "RETURNED");
  return true;
}

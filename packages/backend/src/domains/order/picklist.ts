/**
 * The pick list: what the open orders hold reserved in one warehouse, shelf by shelf, as the ship
 * step would take it. Inventory plans the shelves by the very rule ship takes them by
 * (shelf-stock.ts: largest first), for every open order at once; the units are then handed to the
 * orders in the order they are likely shipped (soonest dispatch deadline first, then by number),
 * so the first order shipped is shown exactly the shelves ship takes for it.
 */
import type { Fulfilment } from "@pazarsync/shared";
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { Database } from "../../infra/db";
import type { ProductService } from "../catalog/service";
import type { InventoryService, PlannedTake } from "../inventory/service";
import { orderAllocations, orders } from "./schema";
import type { OrderStatus } from "./status";

/** Orders whose reservation still waits on the shelves: placed, and not yet shipped or cancelled. */
export const PICKABLE_STATUSES: readonly OrderStatus[] = ["CREATED", "CONFIRMED", "PICKING", "INVOICED"];

export interface PickListDeps {
  db: Database;
  inventory: Pick<InventoryService, "planPicks">;
  products: Pick<ProductService, "findProducts">;
  now?: () => Date;
}

interface OpenAllocation {
  orderId: string;
  number: number;
  storeId: string;
  externalOrderId: string | null;
  dispatchBy: Date | null;
  productId: string;
  quantity: number;
}

/**
 * Open allocations of the warehouse, in the order their orders are handed units. Served by
 * order_allocations_open_idx (RESERVED rows only): the open working set, not the history.
 */
function openAllocations(db: Database, warehouseId: string): Promise<OpenAllocation[]> {
  return db
    .select({
      orderId: orders.id,
      number: orders.number,
      storeId: orders.storeId,
      externalOrderId: orders.externalOrderId,
      dispatchBy: orders.dispatchBy,
      productId: orderAllocations.productId,
      quantity: orderAllocations.quantity,
    })
    .from(orderAllocations)
    .innerJoin(orders, eq(orders.id, orderAllocations.orderId))
    .where(and(eq(orderAllocations.warehouseId, warehouseId), eq(orderAllocations.state, "RESERVED"), inArray(orders.status, [...PICKABLE_STATUSES])))
    .orderBy(sql`${orders.dispatchBy} asc nulls last`, asc(orders.number), asc(orderAllocations.productId));
}

/** Units per product, each order's merged into one claim (an order may hold a product through two lines). */
function claimsByProduct(rows: readonly OpenAllocation[]): Map<string, { order: OpenAllocation; quantity: number }[]> {
  const claims = new Map<string, { order: OpenAllocation; quantity: number }[]>();
  for (const row of rows) {
    const list = claims.get(row.productId) ?? [];
    const same = list.find((claim) => claim.order.orderId === row.orderId);
    if (same) same.quantity += row.quantity;
    else list.push({ order: row, quantity: row.quantity });
    claims.set(row.productId, list);
  }
  return claims;
}

const pickedOrder = (order: OpenAllocation, quantity: number): Fulfilment.PickedOrder => ({
  orderId: order.orderId,
  number: order.number,
  storeId: order.storeId,
  externalOrderId: order.externalOrderId,
  dispatchBy: order.dispatchBy?.toISOString() ?? null,
  quantity,
});

/** Hands a product's planned shelf takes to its claims, first claim first: (shelf, order, units) triples. */
function handOut(picks: readonly PlannedTake[], claims: { order: OpenAllocation; quantity: number }[]): { pick: PlannedTake; order: OpenAllocation; quantity: number }[] {
  const left = claims.map((claim) => ({ ...claim }));
  const handed: { pick: PlannedTake; order: OpenAllocation; quantity: number }[] = [];
  let next = 0;
  for (const pick of picks) {
    let room = pick.take;
    while (room > 0 && next < left.length) {
      const claim = left[next];
      if (!claim) break;
      const quantity = Math.min(room, claim.quantity);
      handed.push({ pick, order: claim.order, quantity });
      room -= quantity;
      claim.quantity -= quantity;
      if (claim.quantity === 0) next += 1;
    }
  }
  return handed;
}

const bySku = (a: { sku: string; productId: string }, b: { sku: string; productId: string }) => a.sku.localeCompare(b.sku) || a.productId.localeCompare(b.productId);

export function createPickList(deps: PickListDeps) {
  const now = deps.now ?? (() => new Date());
  return {
    /** The warehouse's pick list; 404 WAREHOUSE_NOT_FOUND for an unknown warehouse, empty lists when nothing is open. */
    async pickList(warehouseId: string): Promise<Fulfilment.PickList> {
      const id = warehouseId.toLowerCase();
      const rows = await openAllocations(deps.db, id);
      const claims = claimsByProduct(rows);
      const wanted = new Map([...claims].map(([productId, list]) => [productId, list.reduce((sum, claim) => sum + claim.quantity, 0)]));
      const [{ warehouse, picks }, products] = await Promise.all([deps.inventory.planPicks(id, wanted), deps.products.findProducts([...wanted.keys()])]);
      const named = new Map(products.map((p) => [p.id, { sku: p.sku, name: p.name }]));
      const nameOf = (productId: string) => named.get(productId) ?? { sku: "", name: "" };

      const shelves = new Map<string, Fulfilment.PickShelf>();
      const totals: Fulfilment.PickTotal[] = [];
      for (const [productId, quantity] of wanted) {
        const own = picks.filter((pick) => pick.productId === productId);
        for (const { pick, order, quantity: units } of handOut(own, claims.get(productId) ?? [])) {
          const shelf = shelves.get(pick.shelfId) ?? { shelfId: pick.shelfId, shelfCode: pick.shelfCode, lines: [] };
          shelves.set(pick.shelfId, shelf);
          let line = shelf.lines.find((l) => l.productId === productId);
          if (!line) {
            line = { productId, ...nameOf(productId), quantity: 0, orders: [] };
            shelf.lines.push(line);
          }
          line.quantity += units;
          line.orders.push(pickedOrder(order, units));
        }
        const shelved = own.reduce((sum, pick) => sum + pick.take, 0);
        const onShelves = own.map((pick) => ({ shelfId: pick.shelfId, shelfCode: pick.shelfCode, quantity: pick.take }));
        totals.push({ productId, ...nameOf(productId), quantity, shelves: onShelves, unshelved: quantity - shelved });
      }
      for (const shelf of shelves.values()) shelf.lines.sort(bySku);
      return {
        warehouseId: warehouse.id,
        warehouseCode: warehouse.code,
        generatedAt: now().toISOString(),
        orders: new Set(rows.map((row) => row.orderId)).size,
        shelves: [...shelves.values()].sort((a, b) => a.shelfCode.localeCompare(b.shelfCode) || a.shelfId.localeCompare(b.shelfId)),
        products: totals.sort(bySku),
      };
    },
  };
}

export type PickListService = ReturnType<typeof createPickList>;

import type { Allocation, ReservationSource, Shortage, StockContext, Transaction } from "../../src/domains/inventory/service";
import { createInventoryService } from "../../src/domains/inventory/service";
import { createLogger } from "../../src/infra/logger";
import type { TestApp } from "../support/app";
import { createProduct, createShelf, createWarehouse, movements, putStock, uniqueCode } from "./support";

export type ReserveResult = { allocations: Allocation[]; shortages: Shortage[] };

/** What an order would carry into the ledger. */
export function orderContext(reason = "order"): StockContext {
  return { actorId: null, correlationId: uniqueCode("order"), reason };
}

/**
 * One transaction like marketplace intake's: the reservation statement, bounded by free stock, for
 * simple products (no store: nothing but the stock bounds it). Short, it writes nothing.
 */
export async function reserve(
  t: TestApp,
  demands: { productId: string; quantity: number }[],
  warehouseIds: string[],
  context = orderContext(),
  beforeCommit?: () => Promise<void>,
): Promise<ReserveResult> {
  return t.infra.database.db.transaction(async (tx) => {
    const { allocations, shortages } = await t.services.inventory.reserveStock(tx, {
      mode: "MARKETPLACE",
      store_id: null,
      warehouse_ids: warehouseIds,
      lines: demands.map((d) => ({ product_id: d.productId, quantity: d.quantity })),
      actor_id: context.actorId,
      correlation_id: context.correlationId,
      reason: context.reason,
      changed_at: new Date().toISOString(),
    });
    // Concurrency tests hold the row locks here, so another reserver has to wait on them.
    await beforeCommit?.();
    return { allocations, shortages };
  });
}

/** Runs one of the *InTransaction primitives in its own committed transaction. */
export function inTransaction<T>(t: TestApp, work: (tx: Transaction) => Promise<T>): Promise<T> {
  return t.infra.database.db.transaction(work);
}

/**
 * The open allocations the test has committed, standing in for the order tables: the
 * reservation source the invariant check compares `reserved` with.
 */
export class OpenAllocations {
  private readonly held = new Map<string, Allocation>();

  add(allocations: readonly Allocation[]): void {
    this.change(allocations, 1);
  }

  remove(allocations: readonly Allocation[]): void {
    this.change(allocations, -1);
  }

  readonly source: ReservationSource = async () =>
    [...this.held.values()].map((a) => ({ productId: a.productId, warehouseId: a.warehouseId, reserved: a.quantity }));

  private change(allocations: readonly Allocation[], sign: 1 | -1): void {
    for (const a of allocations) {
      const key = `${a.productId}|${a.warehouseId}`;
      const quantity = (this.held.get(key)?.quantity ?? 0) + sign * a.quantity;
      if (quantity === 0) this.held.delete(key);
      else this.held.set(key, { ...a, quantity });
    }
  }
}

/** The app's inventory service, but checking `reserved` against the test's open allocations. */
export function checkerFor(t: TestApp, open: OpenAllocations) {
  return createInventoryService({
    db: t.infra.database.db,
    locks: t.infra.locks,
    log: createLogger({ level: "silent", pretty: false }),
    events: t.services.events.stock,
    products: t.services.products,
    reservationSource: open.source,
  });
}

/** A warehouse with `shelves.length` shelves holding the given quantities of one product. */
export async function warehouseWith(t: TestApp, token: string, productId: string, ...onShelves: number[]) {
  const warehouse = await createWarehouse(t, token);
  const shelfIds: string[] = [];
  for (const quantity of onShelves) {
    const shelf = await createShelf(t, token, warehouse.id);
    if (quantity > 0) await putStock(t, token, shelf.id, productId, quantity);
    shelfIds.push(shelf.id);
  }
  return { warehouseId: warehouse.id as string, shelfIds };
}

/** A fresh product stocked in fresh warehouses, one shelf each, with the given quantities. */
export async function productIn(t: TestApp, token: string, ...perWarehouse: number[]) {
  const productId = await createProduct(t, token);
  const warehouseIds: string[] = [];
  for (const quantity of perWarehouse) warehouseIds.push((await warehouseWith(t, token, productId, quantity)).warehouseId);
  return { productId, warehouseIds };
}

/** One product's (onHand, reserved) per warehouse, in the order of `warehouseIds`. */
export async function levelsOf(t: TestApp, productId: string, warehouseIds: readonly string[]) {
  const levels = await t.services.inventory.stockLevels([productId]);
  return warehouseIds.map((id) => {
    const level = levels.find((l) => l.warehouseId === id);
    return { onHand: level?.onHand ?? 0, reserved: level?.reserved ?? 0 };
  });
}

/** The product's ledger rows of one kind, oldest first. */
export async function ledgerOf(t: TestApp, token: string, productId: string, kind: string) {
  const page = await movements(t, token, productId, "?limit=100");
  return page.items.filter((m: { kind: string }) => m.kind === kind).reverse();
}

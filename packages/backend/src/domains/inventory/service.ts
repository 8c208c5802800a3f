import type { Inventory } from "@pazarsync/shared";
import type { Database } from "../../infra/db";
import { ProductNotFound } from "../catalog/errors";
import { NotASimpleProduct } from "./errors";
import { InvalidField } from "../../infra/errors";
import type { EventHub } from "../../infra/events";
import type { LockPort } from "../../infra/locks";
import type { Logger } from "../../infra/logger";
import type { PageRequest } from "../../http/pagination";
import type { ProductService } from "../catalog/service";
import type { StockChange } from "./events";
import { findViolations, quarantineTotals, type ReservationSource } from "./invariants";
import { repairInvariants } from "./invariants-repair";
import { listMovements } from "./ledger";
import { productStock, stockLevels, type StockLevel } from "./levels";
import type { Allocation, ReservationInput, ReservationOutcome, ShelfPick, StockContext, Transaction } from "./reservation-types";
import { assertValidDelta, stockLockKey } from "./stock-checks";
import {
  applyShelfStockChange,
  quarantineInTransaction,
  type QuarantineLine,
  releaseQuarantine,
  releaseInTransaction,
  reserveStock,
  restockInTransaction,
  shipInTransaction,
  type RestockLine,
  type RestockedLine,
} from "./stock-mutations";
import { planLargestFirst, type PlannedTake } from "./shelf-stock";
import { createShelf, createWarehouse, findShelf, listShelves, listWarehouses, requireWarehouse } from "./warehouses";

export interface InventoryServiceDeps {
  db: Database;
  locks: LockPort;
  log: Logger;
  events: EventHub<StockChange>;
  products: Pick<ProductService, "findProduct">;
  /** Open allocations per (product, warehouse), from orders; until wired, nothing may be reserved. */
  reservationSource?: ReservationSource;
}

/** Who asked for a stock change and what to find it by in the ledger. */
export interface ChangeContext {
  /** null for system work (scripts, marketplace orders). */
  actorId: string | null;
  /** The request id, order id or repair run the ledger rows carry. */
  correlationId: string;
}

/**
 * The stock locks an order for these products takes: each simple product's, a set's components'
 * (the reservation statement expands sets the same way, from the same catalog rows).
 */
export function stockLockKeysOf(products: readonly { id: string; type: string; components: readonly { componentId: string }[] }[]): string[] {
  const ids = products.flatMap((product) => {
    if (product.type !== "SET") return [product.id];
    // The catalog refuses a set without components; one here means the catalog changed under us.
    if (product.components.length === 0) throw new Error(`set ${product.id} has no components`);
    return product.components.map((part) => part.componentId);
  });
  return [...new Set(ids)].sort().map(stockLockKey);
}

export function createInventoryService(deps: InventoryServiceDeps) {
  const { db, log } = deps;

  async function requireProduct(productId: string) {
    const product = await deps.products.findProduct(productId);
    if (!product) throw new ProductNotFound(productId);
    return product;
  }

  return {
    createWarehouse: (body: Inventory.CreateWarehouseBody): Promise<Inventory.Warehouse> => createWarehouse(db, body),

    listWarehouses: (page: PageRequest): Promise<Inventory.WarehousePage> => listWarehouses(db, page),

    createShelf: (warehouseId: string, body: Inventory.CreateShelfBody): Promise<Inventory.Shelf> => createShelf(db, warehouseId, body),

    listShelves: (warehouseId: string, page: PageRequest): Promise<Inventory.ShelfPage> => listShelves(db, warehouseId, page),

    /** Puts units on a shelf (delta > 0) or takes them off (delta < 0): shelf, level and ledger in one transaction. */
    async changeShelfStock(shelfId: string, body: Inventory.ShelfStockBody, context: ChangeContext): Promise<Inventory.ShelfStockChange> {
      assertValidDelta(body.delta);
      const shelf = await findShelf(db, shelfId);
      const product = await requireProduct(body.productId);
      if (product.type !== "SIMPLE") {
        throw new NotASimpleProduct(product.id, product.type);
      }
      const request = { ...body, shelfId, warehouseId: shelf.warehouseId, ...context };
      const change = await deps.locks.withLocks([stockLockKey(body.productId)], () => applyShelfStockChange(db, request));
      log.info(
        { productId: body.productId, shelfId, delta: body.delta, movementId: change.movementId, correlationId: context.correlationId },
        "shelf stock changed",
      );
      await deps.events.emit({ productIds: [body.productId], warehouseIds: [shelf.warehouseId], correlationId: context.correlationId });
      return change;
    },

    /** Units leaving quarantine: onto a shelf of the same warehouse (announced: sellable again) or written off. */
    async releaseQuarantine(productId: string, body: Inventory.QuarantineReleaseBody, context: ChangeContext): Promise<Inventory.ProductStock> {
      await requireProduct(productId);
      const shelfId = body.to === "WRITE_OFF" ? null : body.to.toLowerCase();
      const warehouseId = body.warehouseId.toLowerCase();
      if (shelfId && (await findShelf(db, shelfId)).warehouseId !== warehouseId) {
        throw new InvalidField({ in: "body", path: "/to", message: "must be a shelf of the warehouse the units are quarantined in" });
      }
      const request = { productId, warehouseId, quantity: body.quantity, shelfId, reason: body.reason.trim(), ...context };
      await deps.locks.withLocks([stockLockKey(productId)], () => releaseQuarantine(db, request));
      log.info({ productId, warehouseId, quantity: body.quantity, to: shelfId ?? "WRITE_OFF", correlationId: context.correlationId }, "quarantine released");
      if (shelfId) await deps.events.emit({ productIds: [productId], warehouseIds: [warehouseId], correlationId: context.correlationId, urgent: true });
      return productStock(db, productId);
    },

    /** Warehouse-level on hand and reserved of many products in one query (for orders and availability). */
    stockLevels: (productIds: readonly string[]): Promise<StockLevel[]> => stockLevels(db, productIds),

    async productStock(productId: string): Promise<Inventory.ProductStock> {
      await requireProduct(productId);
      return productStock(db, productId);
    },

    async listMovements(productId: string, page: PageRequest): Promise<Inventory.MovementPage> {
      await requireProduct(productId);
      return listMovements(db, productId, page);
    },

    /**
     * The shelves ship would take `wanted` (product id -> units) from in this warehouse, by the
     * same largest-first rule, as the shelves stand now; nothing is taken. 404 WAREHOUSE_NOT_FOUND.
     */
    async planPicks(warehouseId: string, wanted: ReadonlyMap<string, number>): Promise<{ warehouse: { id: string; code: string; name: string }; picks: PlannedTake[] }> {
      const warehouse = await requireWarehouse(db, warehouseId);
      return { warehouse, picks: await planLargestFirst(db, warehouseId, wanted) };
    },

    async checkInvariants(): Promise<Inventory.InvariantReport> {
      const checkedAt = new Date().toISOString();
      const violations = await findViolations(db, deps.reservationSource);
      if (violations.length > 0) log.warn({ violations: violations.length }, "stock invariants violated");
      return { ok: violations.length === 0, checkedAt, violations, quarantine: await quarantineTotals(db) };
    },

    /** Writes correcting ledger rows with the corrected levels; actorId null when run by the script. */
    repairInvariants: (actorId: string | null): Promise<Inventory.RepairReport> => repairInvariants(deps, actorId),

    // Order stock changes (stock-mutations.ts): the caller holds stockLockKey of every product (sorted) and owns the transaction.

    /** Reserve every line, drawing on the warehouses in the given order, or nothing when anything is short. */
    reserveStock: (tx: Database | Transaction, input: ReservationInput): Promise<ReservationOutcome> => reserveStock(tx, input),

    /** Give back exactly these allocations; a level holding less is a bookkeeping bug (throws). */
    releaseInTransaction: (tx: Transaction, allocations: readonly Allocation[], context: StockContext): Promise<void> =>
      releaseInTransaction(tx, allocations, context),

    /** Reservations become a shipment: reserved and on hand go down, shelves picked largest first. */
    shipInTransaction: (tx: Transaction, allocations: readonly Allocation[], context: StockContext): Promise<ShelfPick[]> =>
      shipInTransaction(tx, allocations, context),

    /** Returned goods back onto named shelves; 404 SHELF_NOT_FOUND for an unknown shelf. */
    restockInTransaction: (tx: Transaction, lines: readonly RestockLine[], context: StockContext): Promise<RestockedLine[]> =>
      restockInTransaction(tx, lines, context),

    /** Returned goods put aside in a warehouse (QUARANTINE ledger rows): counted, on no shelf, never sellable. */
    quarantineInTransaction: (tx: Transaction, lines: readonly QuarantineLine[], context: StockContext): Promise<void> =>
      quarantineInTransaction(tx, lines, context),

    /**
     * After an order's commit (orders are its callers): announce the change so stock-sync marks
     * the pairs dirty and flushes them soon, since other channels may sell the same units meanwhile.
     */
    async announce(change: { productIds: string[]; warehouseIds: string[]; correlationId: string }): Promise<void> {
      const productIds = [...new Set(change.productIds)].sort();
      const warehouseIds = [...new Set(change.warehouseIds)].sort();
      if (productIds.length === 0) return;
      log.debug({ products: productIds.length, warehouses: warehouseIds.length, correlationId: change.correlationId }, "stock change announced");
      await deps.events.emit({ productIds, warehouseIds, correlationId: change.correlationId, urgent: true });
    },
  };
}

export type InventoryService = ReturnType<typeof createInventoryService>;
export type { ReservationRow, ReservationSource } from "./invariants";
export type { StockLevel } from "./levels";
export type { SellableDetail, SellableLookup } from "./availability-types";
export type { StockChange } from "./events";
export type {
  Allocation,
  ChannelShortage,
  ReservationInput,
  ReservationLine,
  ReservationMode,
  ReservationOutcome,
  ShelfPick,
  Shortage,
  StockContext,
  Transaction,
} from "./reservation-types";
export type { QuarantineLine, RestockedLine, RestockLine } from "./stock-mutations";
export type { PlannedTake } from "./shelf-stock";
export { readReservation, reservationParameter } from "./stock-mutations";
export { RESERVATION_READS, RESERVATION_RESULT, reservationWrites } from "./reservation-sql";
export { StockBookkeepingError, stockLockKey } from "./stock-checks";
export { latestLedgerId, ledgerChangesSince, type LedgerChanges } from "./ledger-feed";

/**
 * Every change of stock, in one place: an order's reserve (web and marketplace orders alike,
 * through the one reservation statement of reservation-sql.ts), release, ship, restock and
 * quarantine of returned goods, and
 * staff putting units on a shelf or taking them off. The callers hold stockLockKey of every
 * product (sorted); the order functions run in the caller's transaction. Shelves change here by
 * conditional increments (shelf-stock.ts), levels and their ledger rows only through
 * changeLevels (level-changes.ts), shelves before levels in every function.
 */
import type { Inventory } from "@pazarsync/shared";
import { TypeCompiler } from "@sinclair/typebox/compiler";
import { Type } from "@sinclair/typebox";
import { preparedRows, type Database } from "../../infra/db";
import { isForeignKeyViolation, SQLSTATE, sqlState } from "../../infra/pg-errors";
import { ProductNotFound } from "../catalog/errors";
import { InsufficientQuarantine, InsufficientStock, QuantityOutOfRange, ShelfNotFound, WarehouseNotFound } from "./errors";
import { changeLevels, type LevelChange, LevelRefused } from "./level-changes";
import { freeStock } from "./levels";
import { RESERVE_STATEMENT } from "./reservation-sql";
import {
  type Allocation,
  type ChannelShortage,
  ReservationInput,
  type ReservationOutcome,
  type ShelfPick,
  type Shortage,
  type StockContext,
  type Transaction,
} from "./reservation-types";
import { addToShelf, shelfQuantity, takeFromShelf, takeLargestFirst } from "./shelf-stock";
import { assertQuantities, byProductThen, StockBookkeepingError, sumBy } from "./stock-checks";
import { findShelf } from "./warehouses";

const inputCheck = TypeCompiler.Compile(ReservationInput);

/**
 * The input a reservation statement reads, checked against its contract: 422 INVALID_QUANTITY for
 * a bad quantity (as every stock primitive answers), otherwise an error naming the first field
 * that does not match (a caller's bug, so a 500). Answers the statement's parameter.
 */
export function reservationParameter(input: ReservationInput): string {
  assertQuantities(input.lines.map((line) => ({ productId: line.product_id, quantity: line.quantity })));
  const problem = inputCheck.Errors(input).First();
  if (problem) throw new Error(`malformed reservation input at ${problem.path || "/"}: ${problem.message}`);
  if (input.mode === "WEB" && input.store_id === null) throw new Error("malformed reservation input at /store_id: a WEB reservation names its store");
  return JSON.stringify(input);
}

const AllocationList = TypeCompiler.Compile(Type.Array(Type.Object({ productId: Type.String(), warehouseId: Type.String(), quantity: Type.Integer() })));
const ShortageFields = { productId: Type.String(), requested: Type.Number(), available: Type.Number() };
const ShortageList = TypeCompiler.Compile(Type.Array(Type.Object(ShortageFields)));
const ChannelShortageList = TypeCompiler.Compile(Type.Array(Type.Object({ ...ShortageFields, sellable: Type.Number() })));

/** postgres.js parses json; PGlite may answer text: either way, the value. */
const json = (value: unknown): unknown => (typeof value === "string" ? JSON.parse(value) : value);

/** The allocations, shortages and not_sold columns of a statement ending in RESERVATION_RESULT. */
export function readReservation(row: Record<string, unknown>): ReservationOutcome {
  const allocations = json(row.allocations);
  const shortages = json(row.shortages);
  const notSold = json(row.not_sold);
  if (!AllocationList.Check(allocations) || !ShortageList.Check(shortages) || !ChannelShortageList.Check(notSold)) {
    throw new Error("the reservation statement answered malformed columns");
  }
  return { allocations: allocations as Allocation[], shortages: shortages as Shortage[], notSold: notSold as ChannelShortage[] };
}

/** Bumped whenever RESERVE_STATEMENT changes: postgres.js caches a named statement per connection by its text anyway. */
const RESERVE_STATEMENT_NAME = "inventory_reserve_v1";

/**
 * Reserves every line of `input` in one statement, or nothing when anything is short (the answer
 * says what): under the levels' row locks, so concurrent reservers queue and see what the first
 * left. Inside the caller's transaction when `db` is one.
 */
export async function reserveStock(db: Database | Transaction, input: ReservationInput): Promise<ReservationOutcome> {
  const [row] = await preparedRows(db, RESERVE_STATEMENT_NAME, RESERVE_STATEMENT, [reservationParameter(input)]);
  if (!row) throw new Error("the reservation statement answered no row");
  return readReservation(row);
}

/** The ledger fields every change of an order carries. */
const recordOf = (context: StockContext) => ({ reason: context.reason, actorId: context.actorId, correlationId: context.correlationId });

/** Runs `apply`, naming a refused level change as the bookkeeping bug it is for an order. */
async function orderBookkeeping<T>(message: string, context: StockContext, apply: () => Promise<T>): Promise<T> {
  try {
    return await apply();
  } catch (error) {
    if (!(error instanceof LevelRefused)) throw error;
    const { productId, warehouseId } = error.change;
    throw new StockBookkeepingError(message, { productId, warehouseId, quantity: -error.change.reserved, correlationId: context.correlationId });
  }
}

/** Gives back exactly these allocations; a level holding less than is released is a bookkeeping bug. */
export async function releaseInTransaction(tx: Transaction, allocations: readonly Allocation[], context: StockContext): Promise<void> {
  assertQuantities(allocations);
  const merged = sumBy(allocations, (a) => `${a.productId}|${a.warehouseId}`).sort(byProductThen((a) => a.warehouseId));
  const changes = merged.map(({ productId, warehouseId, quantity }): LevelChange => ({
    productId,
    warehouseId,
    onHand: 0,
    reserved: -quantity,
    kind: "RELEASE",
    ...recordOf(context),
  }));
  await orderBookkeeping("release of more than is reserved", context, () => changeLevels(tx, changes, new Date()));
}

/**
 * Turns reservations into a shipment: per (product, warehouse) the shelves give up the quantity,
 * largest first, and each shelf's pick leaves reserved and on hand of the level with one SHIP
 * ledger row (the level as it stood before and after that pick).
 */
export async function shipInTransaction(tx: Transaction, allocations: readonly Allocation[], context: StockContext): Promise<ShelfPick[]> {
  assertQuantities(allocations);
  const now = new Date();
  const result: ShelfPick[] = [];
  const merged = sumBy(allocations, (a) => `${a.productId}|${a.warehouseId}`).sort(byProductThen((a) => a.warehouseId));
  for (const allocation of merged) {
    const { productId, warehouseId, quantity } = allocation;
    const picks = await takeLargestFirst(tx, productId, warehouseId, quantity, now);
    const picked = picks.reduce((sum, pick) => sum + pick.take, 0);
    if (picked !== quantity) {
      throw new StockBookkeepingError("shelves do not hold what on hand says", { ...allocation, picked, correlationId: context.correlationId });
    }
    const changes = picks.map((pick): LevelChange => ({
      productId,
      warehouseId,
      shelfId: pick.shelfId,
      onHand: -pick.take,
      reserved: -pick.take,
      kind: "SHIP",
      ...recordOf(context),
    }));
    await orderBookkeeping("shipment of more than is reserved", context, () => changeLevels(tx, changes, now));
    result.push(...picks.map((pick) => ({ productId, warehouseId, shelfId: pick.shelfId, quantity: pick.take })));
  }
  return result;
}

export interface RestockLine {
  productId: string;
  shelfId: string;
  quantity: number;
}

/** A restocked line (summed per product and shelf) with the shelf's warehouse. */
export interface RestockedLine extends RestockLine {
  warehouseId: string;
}

const { FOREIGN_KEY_VIOLATION, NUMERIC_OUT_OF_RANGE } = SQLSTATE;
// A shelf id that is not a UUID would fail the query's cast (a 500); it names no shelf, so 404.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Returned goods back onto named shelves: shelf and the shelf's warehouse level go up together,
 * with a RETURN ledger row each; the shelf may never have held the product. Answers the lines with
 * their shelves' warehouses (what to announce). An unknown shelf is
 * 404 SHELF_NOT_FOUND, an unknown product 404 PRODUCT_NOT_FOUND; either way the caller's
 * transaction is to be rolled back.
 */
export async function restockInTransaction(tx: Transaction, lines: readonly RestockLine[], context: StockContext): Promise<RestockedLine[]> {
  assertQuantities(lines);
  const now = new Date();
  const restocked: RestockedLine[] = [];
  for (const line of sumBy(lines, (l) => `${l.productId}|${l.shelfId}`).sort(byProductThen((l) => l.shelfId))) {
    if (!UUID.test(line.shelfId)) throw new ShelfNotFound(line.shelfId);
    const { productId, shelfId, quantity } = line;
    const shelf = await findShelf(tx, shelfId);
    try {
      await addToShelf(tx, { shelfId, productId }, quantity, now);
      await changeLevels(tx, [{ productId, warehouseId: shelf.warehouseId, shelfId, onHand: quantity, reserved: 0, kind: "RETURN", ...recordOf(context) }], now);
      restocked.push({ ...line, warehouseId: shelf.warehouseId });
    } catch (error) {
      const state = sqlState(error);
      if (state === FOREIGN_KEY_VIOLATION) throw new ProductNotFound(productId);
      if (state === NUMERIC_OUT_OF_RANGE) throw new QuantityOutOfRange(line);
      throw error;
    }
  }
  return restocked;
}

export interface QuarantineLine {
  productId: string;
  warehouseId: string;
  quantity: number;
}

/**
 * Returned goods put aside (damaged, to inspect) in a warehouse: its quarantined counter goes up
 * with a QUARANTINE ledger row each (on hand and reserved unchanged, so nothing becomes sellable).
 * An unknown product or warehouse is 404 (PRODUCT_NOT_FOUND, WAREHOUSE_NOT_FOUND); the caller's
 * transaction is then rolled back.
 */
export async function quarantineInTransaction(tx: Transaction, lines: readonly QuarantineLine[], context: StockContext): Promise<void> {
  assertQuantities(lines);
  const now = new Date();
  for (const line of sumBy(lines, (l) => `${l.productId}|${l.warehouseId}`).sort(byProductThen((l) => l.warehouseId))) {
    const { productId, warehouseId, quantity } = line;
    try {
      await changeLevels(tx, [{ productId, warehouseId, onHand: 0, reserved: 0, quarantined: quantity, kind: "QUARANTINE", ...recordOf(context) }], now);
    } catch (error) {
      if (isForeignKeyViolation(error, "inventory_levels_warehouse_id_warehouses_id_fk")) throw new WarehouseNotFound(warehouseId);
      const state = sqlState(error);
      if (state === FOREIGN_KEY_VIOLATION) throw new ProductNotFound(productId);
      if (state === NUMERIC_OUT_OF_RANGE) throw new QuantityOutOfRange({ productId, shelfId: "QUARANTINE" });
      throw error;
    }
  }
}

export interface QuarantineRelease {
  productId: string;
  warehouseId: string;
  quantity: number;
  /** The shelf the units go back onto (of the same warehouse); null: written off. */
  shelfId: string | null;
  reason: string;
  actorId: string | null;
  correlationId: string;
}

/**
 * Units leaving quarantine after inspection: back onto a shelf (on hand up, sellable again) or
 * written off, quarantined down either way, with one QUARANTINE ledger row. More than is in
 * quarantine is 409 INSUFFICIENT_QUARANTINE (the level's guard, not a prior read).
 */
export async function releaseQuarantine(db: Database, req: QuarantineRelease): Promise<void> {
  const { productId, warehouseId, quantity, shelfId } = req;
  try {
    await db.transaction(async (tx) => {
      const now = new Date();
      if (shelfId) await addToShelf(tx, { shelfId, productId }, quantity, now);
      const onHand = shelfId ? quantity : 0;
      await changeLevels(tx, [{ productId, warehouseId, shelfId, onHand, reserved: 0, quarantined: -quantity, kind: "QUARANTINE", ...recordOf(req) }], now);
    });
  } catch (error) {
    if (error instanceof LevelRefused) throw new InsufficientQuarantine({ productId, warehouseId, requested: quantity });
    if (sqlState(error) === NUMERIC_OUT_OF_RANGE) throw new QuantityOutOfRange({ productId, shelfId: shelfId ?? "WRITE_OFF" });
    throw error;
  }
}

export interface ShelfStockRequest {
  shelfId: string;
  warehouseId: string;
  productId: string;
  /** Units put on (> 0) or taken off (< 0). */
  delta: number;
  reason: string;
  actorId: string | null;
  correlationId: string;
}

/** A shelf or its warehouse held too little; the transaction is rolled back by throwing it. */
class Shortfall extends Error {}

/** How much could have been removed: the smaller of the shelf's units and the warehouse's free stock. Only for the 409's details. */
async function removable(db: Database, req: ShelfStockRequest): Promise<number> {
  const onShelf = await shelfQuantity(db, req);
  const free = await freeStock(db, req);
  return Math.max(0, Math.min(onShelf, free));
}

/**
 * Staff put units on a shelf (RECEIPT) or take them off (ADJUSTMENT): shelf, warehouse level and
 * ledger row in one transaction. Removal may not dip into what open orders have reserved
 * (DESIGN: on_hand - reserved >= n), which is the levels' CHECK. The caller holds the product's
 * stock lock; the guards still hold if that lock expired early.
 */
export async function applyShelfStockChange(db: Database, req: ShelfStockRequest): Promise<Inventory.ShelfStockChange> {
  const { shelfId, productId, warehouseId, delta } = req;
  try {
    return await db.transaction(async (tx) => {
      const now = new Date();
      const adding = delta > 0;
      const shelfQuantity = adding ? await addToShelf(tx, req, delta, now) : await takeFromShelf(tx, req, -delta, now);
      if (shelfQuantity === undefined) throw new Shortfall();
      const kind = adding ? "RECEIPT" : "ADJUSTMENT";
      const [level] = await changeLevels(tx, [{ productId, warehouseId, shelfId, onHand: delta, reserved: 0, kind, ...recordOf(req) }], now);
      if (!level) throw new Error("a level change answered nothing");
      return { shelfId, productId, shelfQuantity, warehouse: { id: warehouseId, onHand: level.onHand, reserved: level.reserved }, movementId: level.movementId };
    });
  } catch (error) {
    if (error instanceof Shortfall || error instanceof LevelRefused) {
      throw new InsufficientStock({ productId, shelfId, requested: -delta, available: await removable(db, req) });
    }
    if (sqlState(error) === NUMERIC_OUT_OF_RANGE) throw new QuantityOutOfRange({ productId, shelfId });
    throw error;
  }
}

/**
 * Every change an order makes to stock, in one place: reserve (web and marketplace orders alike,
 * through the one reservation statement of reservation-sql.ts), release, ship and restock. The
 * callers hold stockLockKey of every product (sorted) and own the transaction; each function
 * changes counters only with conditional increments in SQL and writes a ledger row per change.
 */
import { and, eq, gt, gte, sql } from "drizzle-orm";
import { TypeCompiler } from "@sinclair/typebox/compiler";
import { Type } from "@sinclair/typebox";
import { preparedRows, type Database } from "../../infra/db";
import { SQLSTATE, sqlState } from "../../infra/pg-errors";
import { ProductNotFound } from "../catalog/errors";
import { QuantityOutOfRange, ShelfNotFound } from "./errors";
import { appendMovement } from "./ledger";
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
import { inventoryLevels, shelfStock, shelves } from "./schema";
import { addToLevel, addToShelf } from "./shelf-stock";
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

export interface RestockLine {
  productId: string;
  shelfId: string;
  quantity: number;
}

const { FOREIGN_KEY_VIOLATION, NUMERIC_OUT_OF_RANGE } = SQLSTATE;
// A shelf id that is not a UUID would fail the query's cast (a 500); it names no shelf, so 404.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Returned goods may land on a shelf that never held the product, so shelf and level are upserts that add. */
async function putBack(tx: Transaction, line: RestockLine, warehouseId: string, now: Date) {
  const { productId, shelfId, quantity } = line;
  await addToShelf(tx, { shelfId, productId, delta: quantity }, now);
  return addToLevel(tx, { warehouseId, productId, delta: quantity }, now);
}

/**
 * Returned goods back onto named shelves: shelf and the shelf's warehouse level go up together,
 * with a RETURN ledger row each. An unknown shelf is 404 SHELF_NOT_FOUND, an unknown product
 * 404 PRODUCT_NOT_FOUND; either way the caller's transaction is to be rolled back.
 */
export async function restockInTransaction(tx: Transaction, lines: readonly RestockLine[], context: StockContext): Promise<void> {
  assertQuantities(lines);
  const now = new Date();
  for (const line of sumBy(lines, (l) => `${l.productId}|${l.shelfId}`).sort(byProductThen((l) => l.shelfId))) {
    if (!UUID.test(line.shelfId)) throw new ShelfNotFound(line.shelfId);
    const shelf = await findShelf(tx, line.shelfId);
    try {
      const level = await putBack(tx, line, shelf.warehouseId, now);
      await appendMovement(tx, {
        productId: line.productId,
        warehouseId: shelf.warehouseId,
        shelfId: line.shelfId,
        kind: "RETURN",
        delta: line.quantity,
        onHandBefore: level.onHand - line.quantity,
        onHandAfter: level.onHand,
        reservedBefore: level.reserved,
        reservedAfter: level.reserved,
        reason: context.reason,
        actorId: context.actorId,
        correlationId: context.correlationId,
        createdAt: now,
      });
    } catch (error) {
      const state = sqlState(error);
      if (state === FOREIGN_KEY_VIOLATION) throw new ProductNotFound(line.productId);
      if (state === NUMERIC_OUT_OF_RANGE) {
        throw new QuantityOutOfRange(line);
      }
      throw error;
    }
  }
}

import { ProductNotFound } from "../catalog/errors";
import { appendMovement } from "./ledger";
import { SQLSTATE, sqlState } from "../../infra/pg-errors";
import { QuantityOutOfRange, ShelfNotFound } from "./errors";
import type { StockContext, Transaction } from "./reservation-types";
import { addToLevel, addToShelf } from "./shelf-stock";
import { assertQuantities, byProductThen, sumBy } from "./stock-checks";
import { findShelf } from "./warehouses";

export interface RestockLine {
  productId: string;
  shelfId: string;
  quantity: number;
}

/** 23503: a referenced row (here the product) does not exist. */
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

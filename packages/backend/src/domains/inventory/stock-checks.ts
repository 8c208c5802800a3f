import { Inventory } from "@pazarsync/shared";
import { InvalidField } from "../../infra/errors";
import { InvalidQuantity } from "./errors";

/**
 * Stock counters and the caller's records disagree (a release or shipment of more than is
 * reserved, shelves that do not cover on hand). Not the client's fault: it surfaces as a 500,
 * logged and reported, and the caller's transaction rolls back.
 */
export class StockBookkeepingError extends Error {
  constructor(
    message: string,
    readonly details: Record<string, unknown>,
  ) {
    super(`${message}: ${JSON.stringify(details)}`);
    this.name = "StockBookkeepingError";
  }
}

/** The lock every writer of a product's stock takes (DESIGN: lock:stock:{productId}). */
export const stockLockKey = (productId: string) => `stock:${productId}`;

/** Order lines are validated at the edge; this refuses what a caller outside HTTP could still pass. */
export function assertQuantities(lines: readonly { productId: string; quantity: number }[]): void {
  const bad = lines.find((line) => !Number.isSafeInteger(line.quantity) || line.quantity <= 0);
  if (bad) {
    throw new InvalidQuantity(bad.productId, bad.quantity);
  }
}

/** Refuses what the schema cannot say (a zero delta) for callers that do not come through HTTP. */
export function assertValidDelta(delta: number): void {
  if (!Number.isInteger(delta) || delta === 0 || Math.abs(delta) > Inventory.MAX_STOCK_DELTA) {
    throw new InvalidField({ in: "body", path: "/delta", message: `must be a non-zero integer within ±${Inventory.MAX_STOCK_DELTA}` });
  }
}

/** Sums quantities per key, so one (product, warehouse) is one conditional update and one ledger row. */
export function sumBy<T extends { quantity: number }>(items: readonly T[], keyOf: (item: T) => string): T[] {
  const sums = new Map<string, T>();
  for (const item of items) {
    const key = keyOf(item);
    const seen = sums.get(key);
    sums.set(key, seen ? { ...seen, quantity: seen.quantity + item.quantity } : { ...item });
  }
  return [...sums.values()];
}

// Plain code-unit order, the same as the callers' sorted lock keys (localeCompare may differ).
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Products in sorted id order, then warehouses (or shelves) by id: every writer touches rows in one order. */
export const byProductThen =
  <T extends { productId: string }>(second: (item: T) => string) =>
  (a: T, b: T): number =>
    compare(a.productId, b.productId) || compare(second(a), second(b));

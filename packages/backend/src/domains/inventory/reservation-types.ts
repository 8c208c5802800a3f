import type { Database } from "../../infra/db";

/** A Drizzle transaction handle, as `db.transaction(async (tx) => ...)` passes it. */
export type Transaction = Parameters<Parameters<Database["transaction"]>[0]>[0];

/** How many of one SIMPLE product an order needs, all lines and sets already summed. */
export interface Demand {
  productId: string;
  quantity: number;
}

/** Stock held for an order: so much of a product in one warehouse. */
export interface Allocation {
  productId: string;
  warehouseId: string;
  quantity: number;
}

export interface Shortage {
  productId: string;
  requested: number;
  available: number;
}

/** Who and what a stock change is for: ledger rows carry it. */
export interface StockContext {
  actorId: string | null;
  /** The order id for order work. */
  correlationId: string;
  reason: string;
}

export interface ShelfPick {
  productId: string;
  warehouseId: string;
  shelfId: string;
  quantity: number;
}

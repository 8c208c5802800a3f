import { Uuid } from "@pazarsync/shared";
import { type Static, Type } from "@sinclair/typebox";
import type { Database } from "../../infra/db";

/** A Drizzle transaction handle, as `db.transaction(async (tx) => ...)` passes it. */
export type Transaction = Parameters<Parameters<Database["transaction"]>[0]>[0];

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

/** A web order asking more of a product than its store sells (listing off, policy), stock or not. */
export interface ChannelShortage extends Shortage {
  /** What the store shows of the product; `available` is that less what the order's other lines take of the same stock. */
  sellable: number;
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

/** Postgres `integer`: a line's quantity must fit the level's counters. */
const MAX_QUANTITY = 2_147_483_647;

/** One ordered product: a simple product or a set (the statement expands sets into their components). */
export const ReservationLine = Type.Object(
  { product_id: Uuid, quantity: Type.Integer({ minimum: 1, maximum: MAX_QUANTITY }) },
  { additionalProperties: false },
);
export type ReservationLine = Static<typeof ReservationLine>;

/**
 * WEB: an order placed through our API for a web store, bounded by what the store sells
 * (listing, policy, sets) of the stock as it is once locked. MARKETPLACE: a sale a marketplace
 * already made (taken in, or entered by staff for a marketplace store), bounded by free stock only.
 */
export const ReservationMode = Type.Union([Type.Literal("WEB"), Type.Literal("MARKETPLACE")]);
export type ReservationMode = Static<typeof ReservationMode>;

/**
 * The reservation statement's one parameter, as JSON (snake_case: the statement reads it with
 * jsonb_to_record). Lines may name one product several times; they are summed.
 */
export const ReservationInput = Type.Object(
  {
    mode: ReservationMode,
    /** The store whose sellable bounds a WEB order; null only for MARKETPLACE. */
    store_id: Type.Union([Uuid, Type.Null()]),
    /** In priority order: the first is drained first. */
    warehouse_ids: Type.Array(Uuid),
    lines: Type.Array(ReservationLine, { minItems: 1 }),
    actor_id: Type.Union([Uuid, Type.Null()]),
    correlation_id: Type.String({ minLength: 1 }),
    /** The ledger rows' reason (a statement that embeds the reservation may write its own). */
    reason: Type.String(),
    /** ISO timestamp the levels and ledger rows carry. */
    changed_at: Type.String({ minLength: 1 }),
  },
  { additionalProperties: false },
);
export type ReservationInput = Static<typeof ReservationInput>;

/** What the statement answers. Nothing was written when `shortages` or `notSold` is not empty. */
export interface ReservationOutcome {
  allocations: Allocation[];
  /** Products (components for sets) the given warehouses do not hold enough of, free. */
  shortages: Shortage[];
  /** WEB only: ordered products the store does not sell this many of. */
  notSold: ChannelShortage[];
}

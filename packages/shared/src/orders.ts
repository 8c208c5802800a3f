// Request and response schemas of the order routes, shared with clients.
import { Type, type Static } from "@sinclair/typebox";
import { Nullable, Page, PageQueryFields, Timestamp, Uuid } from "./common";
import { Command } from "./order-commands";

// Literals spelled out (not mapped from an array) so the union keeps its members in Elysia's types.
export const OrderStatus = Type.Union(
  [
    Type.Literal("CREATED"),
    Type.Literal("CONFIRMED"),
    Type.Literal("PICKING"),
    Type.Literal("INVOICED"),
    Type.Literal("SHIPPED"),
    Type.Literal("DELIVERED"),
    Type.Literal("CANCELLED"),
    Type.Literal("RETURNED"),
    Type.Literal("OVERSOLD"),
    Type.Literal("NEEDS_ATTENTION"),
  ],
  {
    description:
      "CREATED -> CONFIRMED -> (PICKING -> INVOICED ->) SHIPPED -> DELIVERED; CANCELLED before shipment; RETURNED after; OVERSOLD: a marketplace order that found no stock; NEEDS_ATTENTION: a marketplace order intake could not take in (see attentionReasons), recorded without a reservation",
  },
);
export type OrderStatus = Static<typeof OrderStatus>;

export const AllocationState = Type.Union(
  [Type.Literal("RESERVED"), Type.Literal("SHIPPED"), Type.Literal("RELEASED"), Type.Literal("RETURNED")],
  { description: "what became of the stock held for the order" },
);
export type AllocationState = Static<typeof AllocationState>;

/** One of an order's returns as the order shows it: where it is and what was decided. */
export const OrderReturn = Type.Object(
  {
    id: Uuid,
    source: Type.String({ description: "WEB or MARKETPLACE" }),
    status: Type.String({ description: "REQUESTED, PARTLY_RECEIVED, RECEIVED or NEEDS_ATTENTION" }),
    decision: Type.String({ description: "PENDING, APPROVED or REJECTED" }),
  },
  { additionalProperties: false },
);
export type OrderReturn = Static<typeof OrderReturn>;

export const MAX_LINE_QUANTITY = 9999;
export const MAX_LINES = 100;

/** Idempotency-Key header: what a client may send (Stripe-like keys, UUIDs, "cart-42:attempt-1"). */
export const IDEMPOTENCY_KEY_PATTERN = "^[A-Za-z0-9_\\-:.]{1,200}$";

/** No price field on purpose: prices come from the catalog, and an unknown field is refused with 422. */
export const OrderLineInput = Type.Object(
  {
    productId: Type.Optional(Uuid),
    barcode: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: "the product's barcode" })),
    quantity: Type.Integer({ minimum: 1, maximum: MAX_LINE_QUANTITY, description: `1..${MAX_LINE_QUANTITY}` }),
  },
  { additionalProperties: false, description: "One line: exactly one of productId or barcode, and a quantity" },
);
export type OrderLineInput = Static<typeof OrderLineInput>;

export const PlaceOrderBody = Type.Object(
  {
    storeId: Uuid,
    items: Type.Array(OrderLineInput, { minItems: 1, maxItems: MAX_LINES, description: `1..${MAX_LINES} lines` }),
  },
  {
    additionalProperties: false,
    description: "A new order. Prices and totals come from the catalog (the store's listing price if set); price fields are refused",
  },
);
export type PlaceOrderBody = Static<typeof PlaceOrderBody>;

export const ReturnBody = Type.Object(
  { shelfId: Uuid },
  { additionalProperties: false, description: "The shelf the returned goods are put on (any warehouse)" },
);
export type ReturnBody = Static<typeof ReturnBody>;

export const OrderItem = Type.Object(
  {
    productId: Uuid,
    sku: Type.String(),
    name: Type.String(),
    quantity: Type.Integer({ minimum: 1 }),
    unitPrice: Type.Integer({ description: "minor units, VAT included, as priced when ordered" }),
    lineTotal: Type.Integer({ description: "minor units, quantity x unit price" }),
    vatRate: Type.Integer({ description: "percent" }),
    lineId: Type.Optional(Type.String({ description: "marketplace orders: the marketplace's order line id, when it sends one" })),
    cancelledQuantity: Type.Optional(
      Type.Integer({ minimum: 0, description: "marketplace orders, once any: units the marketplace cancelled since (released; not shipped)" }),
    ),
    lineNo: Type.Optional(Type.Integer({ minimum: 1, description: "the line's number: what a step's `lines` names" })),
    status: Type.Optional(OrderStatus),
  },
  { description: "An order line; `status` is the line's own (the order's is the least advanced of its open lines)" },
);
export type OrderItem = Static<typeof OrderItem>;

export const Shortage = Type.Object(
  {
    productId: Uuid,
    requested: Type.Integer({ description: "units the order needs of this simple product, all lines and sets summed" }),
    available: Type.Integer({
      description: "free units in the store's warehouses; with `sellable`, what the store sells of it beside the order's other lines",
    }),
    sellable: Type.Optional(
      Type.Integer({
        description: "present when the store's listing or stock policy is what refuses: what the store sells of this ordered product (its sellable as product pages show it)",
      }),
    ),
  },
  { description: "A product the order could not reserve enough of, or an ordered product the store does not sell that many of" },
);
export type Shortage = Static<typeof Shortage>;

/** Why intake could not take a marketplace order in; the order is NEEDS_ATTENTION and holds no stock. */
export const AttentionReason = Type.Union(
  [
    Type.Literal("UNKNOWN_BARCODE"),
    Type.Literal("QUANTITY_OUT_OF_RANGE"),
    Type.Literal("PRICE_OUT_OF_RANGE"),
    Type.Literal("ORDER_TOTAL_TOO_LARGE"),
    Type.Literal("INVALID_EXTERNAL_ID"),
    Type.Literal("MISSING_ORDER_ID"),
    Type.Literal("INVALID_CURRENCY"),
    Type.Literal("LINE_COUNT_OUT_OF_RANGE"),
  ],
  {
    description:
      "UNKNOWN_BARCODE: no product has the line's barcode; QUANTITY_OUT_OF_RANGE: not 1..9999; PRICE_OUT_OF_RANGE: not a whole, storable amount; ORDER_TOTAL_TOO_LARGE; INVALID_EXTERNAL_ID: the marketplace id is over 200 characters or holds a NUL (the order is keyed on a digest of it, 'digest:<sha256>'); MISSING_ORDER_ID: the marketplace sent no id (the order is keyed on a digest of its raw payload as stored, 'payload:<sha256>', so the same payload read again is the same order); INVALID_CURRENCY; LINE_COUNT_OUT_OF_RANGE: not 1..1000 lines",
  },
);
export type AttentionReason = Static<typeof AttentionReason>;

export const AttentionLine = Type.Object(
  {
    lineNo: Type.Integer({ description: "the line's place in the marketplace order (1-based); order items are numbered the same way" }),
    reason: AttentionReason,
    barcode: Type.String({ description: "as the marketplace sent it" }),
    quantity: Type.Number({ description: "as the marketplace sent it" }),
    unitPrice: Type.Number({ description: "minor units, VAT included, as the marketplace charged" }),
    lineId: Type.Optional(Type.String({ description: "the marketplace's order line id, when it sends one" })),
    cancelledQuantity: Type.Optional(
      Type.Integer({ minimum: 0, description: "once any: units the marketplace cancelled since; a line cancelled whole waits for no one" }),
    ),
  },
  { description: "A marketplace order line intake could not take in, kept as it came" },
);
export type AttentionLine = Static<typeof AttentionLine>;

export const MarketplacePackage = Type.Object(
  {
    packageId: Type.String({ description: "the marketplace's package id (Trendyol's shipmentPackageId)" }),
    status: Type.String({ description: "the marketplace's status of the package, as last seen" }),
    cancelled: Type.Boolean({ description: "its cancellation released the units it names" }),
  },
  { description: "One package of a marketplace order: a partial cancel or an unsupplied line gives the rest of a package a new package id" },
);
export type MarketplacePackage = Static<typeof MarketplacePackage>;

export const MapLineBody = Type.Object(
  { productId: Uuid },
  { additionalProperties: false, description: "The product an unmatched marketplace line (UNKNOWN_BARCODE) is" },
);
export type MapLineBody = Static<typeof MapLineBody>;

export const OrderLineParams = Type.Object({
  id: Uuid,
  lineId: Type.String({ pattern: "^[1-9][0-9]{0,3}$", maxLength: 4, description: "the attention line's lineNo" }),
});
export type OrderLineParams = Static<typeof OrderLineParams>;

export const Allocation = Type.Object(
  {
    id: Uuid,
    productId: Uuid,
    warehouseId: Uuid,
    quantity: Type.Integer({ minimum: 1 }),
    state: AllocationState,
  },
  { description: "Stock held for the order: so many of a simple product in one warehouse" },
);
export type Allocation = Static<typeof Allocation>;

export const Order = Type.Object(
  {
    id: Uuid,
    number: Type.Integer({ description: "human-facing, increasing" }),
    storeId: Uuid,
    customerId: Nullable(Uuid),
    placedBy: Nullable(Uuid),
    externalOrderId: Nullable(Type.String({ description: "the marketplace's order id" })),
    status: OrderStatus,
    currency: Type.String({ description: "ISO 4217" }),
    total: Type.Integer({ description: "minor units, VAT included" }),
    vatTotal: Type.Integer({ description: "minor units, the VAT inside total" }),
    items: Type.Array(OrderItem),
    shortages: Nullable(Type.Array(Shortage, { description: "OVERSOLD orders: what could not be reserved" })),
    allocations: Type.Optional(Type.Array(Allocation, { description: "staff only" })),
    attentionReasons: Type.Optional(
      Nullable(Type.Array(AttentionReason, { description: "marketplace orders: why the order needs (or needed) attention; null when it was taken in" })),
    ),
    attentionLines: Type.Optional(Type.Array(AttentionLine, { description: "marketplace orders: the lines intake could not take in" })),
    rawPayload: Type.Optional(Type.Unknown({ description: "staff only, marketplace orders: the package as the marketplace sent it" })),
    packages: Type.Optional(
      Type.Array(MarketplacePackage, {
        description: "marketplace orders delivered package by package (Trendyol): every package of the order seen so far, first seen first",
      }),
    ),
    commands: Type.Optional(Type.Array(Command, { description: "staff only: what the marketplace was (or is to be) told, first recorded first" })),
    returns: Type.Optional(Type.Array(OrderReturn, { description: "staff only: the order's returns (web returns and marketplace claims), first recorded first; GET /returns/:id for the lines" })),
    // Optional only for answers stored before it existed (Idempotency-Key replays); always present otherwise.
    dispatchBy: Type.Optional(
      Nullable(
        Type.String({ format: "date-time", description: "marketplace orders: the latest the marketplace wants it handed to the carrier, as it last said; null for web orders and marketplaces that give none" }),
      ),
    ),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { description: "An order" },
);
export type Order = Static<typeof Order>;

export const OrderPage = Page(Order, "A page of orders, newest first");
export type OrderPage = Static<typeof OrderPage>;

export const OrderListQuery = Type.Object({
  ...PageQueryFields,
  status: Type.Optional(OrderStatus),
  storeId: Type.Optional(Type.String({ pattern: Uuid.pattern, maxLength: 36, description: "only this store's orders" })),
  dueBefore: Type.Optional(
    Type.String({
      format: "date-time",
      maxLength: 40,
      description:
        "staff only (403 for customers): open orders (CREATED, CONFIRMED, PICKING, INVOICED, OVERSOLD, NEEDS_ATTENTION) whose dispatch deadline is before this instant, soonest first",
    }),
  ),
});
export type OrderListQuery = Static<typeof OrderListQuery>;

export const OrderParams = Type.Object({ id: Uuid });
export type OrderParams = Static<typeof OrderParams>;

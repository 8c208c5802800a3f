import { sql } from "drizzle-orm";
import {
  bigserial,
  char,
  check,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { products, stores } from "../catalog/schema";
import { users } from "../identity/schema";
import { warehouses } from "../inventory/schema";
import type { MarketplaceProgress } from "../marketplace/types";

/** One package of a marketplace order (orders.packages). */
export interface MarketplacePackage {
  packageId: string;
  /** The marketplace's status text as last seen. */
  status: string;
  /** True once a cancellation of this package released its units: a repeat releases nothing. */
  cancelled: boolean;
  /**
   * Marketplaces whose packages partition the order's lines (Trendyol, N11): the units the package
   * lists per order line id as last seen, and whether the marketplace says it holds them (not a
   * cancelled package, nor an UnPacked one a split replaced). Absent on other marketplaces' packages
   * and on packages recorded before they were kept: such a package lists nothing (package-partition.ts).
   */
  lines?: PackageLine[];
  holds?: boolean;
  /**
   * Units of this package staff gave up (unsupply.ts), released then: when the marketplace shows
   * the package cancelled naming them, they are not released again, whichever package is read first.
   */
  givenUp?: PackageLine[];
  /**
   * How far the marketplace says this package has gone (marketplace-progress.ts), the furthest
   * seen: a stale read never takes it back. `lineIds`: the order line ids it lists, where `lines`
   * is not kept (marketplaces whose packages do not partition the order); absent both, it covers
   * every line of the order.
   */
  progress?: MarketplaceProgress;
  lineIds?: string[];
}

/** One order line's units in a package. */
export interface PackageLine {
  lineId: string;
  quantity: number;
}

export const orderStatus = pgEnum("order_status", [
  "CREATED",
  "CONFIRMED",
  "PICKING",
  "INVOICED",
  "SHIPPED",
  "DELIVERED",
  "CANCELLED",
  "RETURNED",
  "OVERSOLD",
  "NEEDS_ATTENTION",
]);

export const allocationState = pgEnum("allocation_state", ["RESERVED", "SHIPPED", "RELEASED", "RETURNED"]);

export const orders = pgTable(
  "orders",
  {
    id: uuid().primaryKey().defaultRandom(),
    /** Human-facing order number, increasing. */
    number: bigserial({ mode: "number" }).notNull(),
    storeId: uuid()
      .notNull()
      .references(() => stores.id, { onDelete: "restrict" }),
    /** The customer who ordered (web and app orders); null for marketplace orders. */
    customerId: uuid().references(() => users.id, { onDelete: "restrict" }),
    /** Staff member who placed it on behalf of a store, if any. */
    placedBy: uuid().references(() => users.id, { onDelete: "restrict" }),
    externalOrderId: text(),
    status: orderStatus().notNull(),
    currency: char({ length: 3 }).notNull(),
    /** Minor units, VAT included (catalog prices are VAT-inclusive). */
    total: integer().notNull(),
    vatTotal: integer().notNull(),
    /** For OVERSOLD marketplace orders: what could not be reserved. */
    shortages: jsonb(),
    /** For NEEDS_ATTENTION marketplace orders: why intake could not take them in (reason codes). */
    attentionReasons: jsonb().$type<string[]>(),
    /**
     * Marketplace orders: the package as the marketplace sent it, as JSON text. Text, not jsonb:
     * jsonb refuses \u0000, and a payload carrying a NUL is exactly one an operator must see whole.
     */
    rawPayload: text(),
    /**
     * Marketplaces that deliver an order package by package (Trendyol): each package seen, in the
     * order first seen, with its last status and whether its cancellation was applied. The order
     * is keyed on the marketplace's order number; its lines carry the marketplace's line ids.
     */
    packages: jsonb().$type<MarketplacePackage[]>(),
    /** Marketplace orders: the latest the marketplace wants it handed to the carrier, where it says. */
    dispatchBy: timestamp({ withTimezone: true }),
    /**
     * Marketplace orders keyed on one id whose calls take another (Pazarama: keyed on orderId, its
     * status and refund calls take the numeric orderNumber): that other number, as the marketplace gave it.
     */
    marketplaceOrderNumber: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("orders_number_unique").on(t.number),
    // Marketplace intake is idempotent on (store, external order id).
    uniqueIndex("orders_store_external_unique").on(t.storeId, t.externalOrderId),
    // A customer's orders, newest first.
    index("orders_customer_idx").on(t.customerId, t.createdAt),
    // Staff lists by status and store.
    index("orders_status_store_idx").on(t.status, t.storeId, t.createdAt),
    // What must ship soon (dueBefore).
    index("orders_dispatch_by_idx").on(t.dispatchBy).where(sql`${t.dispatchBy} is not null`),
    check("orders_totals_nonnegative", sql`${t.total} >= 0 and ${t.vatTotal} >= 0`),
  ],
);

export const orderItems = pgTable(
  "order_items",
  {
    orderId: uuid()
      .notNull()
      .references(() => orders.id, { onDelete: "cascade" }),
    lineNo: smallint().notNull(),
    productId: uuid()
      .notNull()
      .references(() => products.id, { onDelete: "restrict" }),
    sku: text().notNull(),
    name: text().notNull(),
    quantity: integer().notNull(),
    /** The catalog (or listing) price when ordered, minor units, VAT included. */
    unitPrice: integer().notNull(),
    lineTotal: integer().notNull(),
    vatRate: integer().notNull(),
    /** Marketplace orders: the marketplace's order line id, when it sends one (Trendyol's lineId). */
    externalLineId: text(),
    /** Marketplace orders: units a cancelled package took back (released); at most quantity. */
    cancelledQuantity: integer().notNull().default(0),
    /** The line's own status where the order's lines diverge (some picked, some not); null: the order's. */
    status: orderStatus(),
  },
  (t) => [
    primaryKey({ columns: [t.orderId, t.lineNo] }),
    index("order_items_product_idx").on(t.productId),
    check("order_items_quantity_range", sql`${t.quantity} between 1 and 9999`),
  ],
);

/**
 * Marketplace order lines intake could not take in (no product has the barcode, a quantity past
 * our limit): kept as they came, numbered like order_items, so an operator can map them later.
 */
export const orderAttentionLines = pgTable(
  "order_attention_lines",
  {
    orderId: uuid()
      .notNull()
      .references(() => orders.id, { onDelete: "cascade" }),
    lineNo: smallint().notNull(),
    reason: text().notNull(),
    /** The normalised line ({ barcode, quantity, unitPrice, lineId? }) as JSON text: a barcode may hold a NUL. */
    line: text().notNull(),
    /** Units a cancelled package named: a line cancelled whole no longer waits for an operator. */
    cancelledQuantity: integer().notNull().default(0),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.orderId, t.lineNo] })],
);

/** Which component came from which warehouse: release and shipment undo exactly this. */
export const orderAllocations = pgTable(
  "order_allocations",
  {
    id: uuid().primaryKey().defaultRandom(),
    orderId: uuid()
      .notNull()
      .references(() => orders.id, { onDelete: "cascade" }),
    productId: uuid()
      .notNull()
      .references(() => products.id, { onDelete: "restrict" }),
    warehouseId: uuid()
      .notNull()
      .references(() => warehouses.id, { onDelete: "restrict" }),
    quantity: integer().notNull(),
    state: allocationState().notNull().default("RESERVED"),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("order_allocations_order_idx").on(t.orderId),
    // The invariant check sums open (RESERVED) allocations per product and warehouse.
    index("order_allocations_open_idx").on(t.productId, t.warehouseId).where(sql`${t.state} = 'RESERVED'`),
    check("order_allocations_quantity_positive", sql`${t.quantity} > 0`),
  ],
);

/**
 * Idempotency-Key records: the first answer to (caller, key), replayed for a repeat with the
 * same body. Kept at least 24 hours (expires_at), then purged.
 */
export const idempotencyKeys = pgTable(
  "idempotency_keys",
  {
    scope: text().notNull(),
    key: text().notNull(),
    requestHash: text().notNull(),
    /** Null while the first request is still being answered. */
    responseStatus: integer(),
    responseBody: jsonb(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.key] }), index("idempotency_keys_expiry_idx").on(t.expiresAt)],
);

/**
 * How far each marketplace store's order pull has read (marketplace-pull.ts): every order modified
 * before the watermark is recorded. The next pull reads from here minus an overlap; the watermark
 * only moves forward. A window cut short mid-way (page budget, a failed call) is kept in resume_*
 * with the page to go on from, because a newest-first stream cannot move the watermark until the
 * whole window is read, and re-reading from its start could never finish a window longer than the
 * page budget.
 */
export const orderPullWatermarks = pgTable("order_pull_watermarks", {
  storeId: uuid()
    .primaryKey()
    .references(() => stores.id, { onDelete: "cascade" }),
  watermark: timestamp({ withTimezone: true }).notNull(),
  /** The open window [resume_since, resume_until); null when the last window was read to its end. */
  resumeSince: timestamp({ withTimezone: true }),
  resumeUntil: timestamp({ withTimezone: true }),
  /** The adapter's page token to go on from; null: the window's first page. */
  resumePage: text(),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

export const COMMAND_KINDS = ["PICK", "INVOICE", "SHIP", "UNSUPPLY", "CANCEL", "APPROVE_RETURN", "REJECT_RETURN"] as const;
export const COMMAND_STATES = ["PENDING", "SENDING", "SENT", "CONFIRMED", "FAILED", "NOT_SUPPORTED", "OVERTAKEN"] as const;

/**
 * The outbox of what the marketplace must be told about an order: recorded in the transaction that
 * changes the order, sent after commit by the command worker, one order's commands in `seq` order.
 * A web order never has one. `payload` is our intent (lines by our lineNo with quantities, the
 * invoice number, the reason); the marketplace's package and line ids are resolved when it is sent,
 * since a package may have been replaced meanwhile.
 */
export const orderCommands = pgTable(
  "order_commands",
  {
    id: uuid().primaryKey().defaultRandom(),
    orderId: uuid()
      .notNull()
      .references(() => orders.id, { onDelete: "cascade" }),
    storeId: uuid()
      .notNull()
      .references(() => stores.id, { onDelete: "cascade" }),
    /** Commands answering a return (claim): the return's id. */
    returnId: uuid(),
    kind: text({ enum: COMMAND_KINDS }).notNull(),
    state: text({ enum: COMMAND_STATES }).notNull().default("PENDING"),
    /** Position among the order's commands: sent strictly in this order. */
    seq: integer().notNull(),
    payload: jsonb().$type<Record<string, unknown>>().notNull(),
    attempts: integer().notNull().default(0),
    /** When the worker may next take it (send, or observe what became of it). */
    nextAttemptAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    /** A worker holding it (SENDING) until then; past it, another finds out what became of the send. */
    leaseUntil: timestamp({ withTimezone: true }),
    /** The marketplace's id for it (a task id), when it gives one. */
    reference: text(),
    httpStatus: integer(),
    /** FAILED: the marketplace's reason; NOT_SUPPORTED: the source that documents no such call; OVERTAKEN: the state seen. */
    reason: text(),
    createdBy: uuid().references(() => users.id, { onDelete: "set null" }),
    sentAt: timestamp({ withTimezone: true }),
    confirmedAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("order_commands_order_seq_unique").on(t.orderId, t.seq),
    // The worker's claim: open commands due now.
    index("order_commands_due_idx").on(t.nextAttemptAt).where(sql`${t.state} in ('PENDING', 'SENDING', 'SENT')`),
    // Staff's dead letters: failed commands, newest first.
    index("order_commands_failed_idx").on(t.storeId, t.updatedAt).where(sql`${t.state} = 'FAILED'`),
    index("order_commands_return_idx").on(t.returnId).where(sql`${t.returnId} is not null`),
    check("order_commands_kind_known", sql`${t.kind} in ('PICK', 'INVOICE', 'SHIP', 'UNSUPPLY', 'CANCEL', 'APPROVE_RETURN', 'REJECT_RETURN')`),
    check("order_commands_state_known", sql`${t.state} in ('PENDING', 'SENDING', 'SENT', 'CONFIRMED', 'FAILED', 'NOT_SUPPORTED', 'OVERTAKEN')`),
    check("order_commands_counts_nonnegative", sql`${t.attempts} >= 0 and ${t.seq} >= 0`),
  ],
);

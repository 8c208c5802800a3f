import { sql } from "drizzle-orm";
import {
  boolean,
  char,
  check,
  index,
  integer,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";

export const productType = pgEnum("product_type", ["SIMPLE", "SET"]);

export const storeType = pgEnum("store_type", ["WEB", "TRENDYOL", "HEPSIBURADA", "N11", "PAZARAMA", "PTTAVM"]);

/** Where a listing's stock code (Hepsiburada's merchantSku, N11's and Trendyol's stockCode) comes from when the listing names none. */
export const stockCodeSource = pgEnum("stock_code_source", ["BARCODE", "SKU"]);

export const products = pgTable(
  "products",
  {
    id: uuid().primaryKey().defaultRandom(),
    sku: text().notNull(),
    barcode: text().notNull(),
    name: text().notNull(),
    type: productType().notNull(),
    /** Minor units (kuruş). */
    price: integer().notNull(),
    listPrice: integer().notNull(),
    currency: char({ length: 3 }).notNull().default("TRY"),
    /** Percent: 0, 1, 10 or 20 in Turkey today. */
    vatRate: integer().notNull(),
    active: boolean().notNull().default(true),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("products_sku_unique").on(t.sku),
    uniqueIndex("products_barcode_unique").on(t.barcode),
    // Paging the catalog in a stable order.
    index("products_created_idx").on(t.createdAt, t.id),
    check("products_price_nonnegative", sql`${t.price} >= 0 and ${t.listPrice} >= 0`),
    check("products_vat_rate_range", sql`${t.vatRate} between 0 and 100`),
  ],
);

/** A set's components: simple products only, each 1..999 per set. */
export const productSetItems = pgTable(
  "product_set_items",
  {
    setId: uuid()
      .notNull()
      .references(() => products.id, { onDelete: "cascade" }),
    componentId: uuid()
      .notNull()
      .references(() => products.id, { onDelete: "restrict" }),
    quantity: integer().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.setId, t.componentId] }),
    // Which sets contain a component: a stock change marks those sets too.
    index("product_set_items_component_idx").on(t.componentId),
    check("product_set_items_quantity_range", sql`${t.quantity} between 1 and 999`),
    check("product_set_items_not_self", sql`${t.setId} <> ${t.componentId}`),
  ],
);

/** A sales channel: the web shop, or one seller account on one marketplace. */
export const stores = pgTable(
  "stores",
  {
    id: uuid().primaryKey().defaultRandom(),
    name: text().notNull(),
    type: storeType().notNull(),
    sellerId: text(),
    baseUrl: text(),
    /** AES-256-GCM envelope (see catalog/credentials.ts); never returned, never logged. */
    credentialsCiphertext: text(),
    credentialsKeyId: text(),
    active: boolean().notNull().default(true),
    sendStock: boolean().notNull().default(true),
    sendPrice: boolean().notNull().default(false),
    safetyStock: integer().notNull().default(0),
    /** Share of the pool offered on this channel, 1..100. */
    percentage: integer().notNull().default(100),
    maxQuantity: integer(),
    /** Below this the channel is told 0 ("end when"). */
    floor: integer().notNull().default(0),
    /** The seller's marketplace write quota tier (e.g. Trendyol's per-minute "Inventory & Price Write"); null uses the adapter's default. */
    writeQuotaPerMinute: integer(),
    /** The store's default stock code for listings that name none: our barcode (the old behaviour) or our SKU. */
    stockCodeSource: stockCodeSource().notNull().default("BARCODE"),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check("stores_write_quota_range", sql`${t.writeQuotaPerMinute} is null or ${t.writeQuotaPerMinute} between 1 and 100000`),
    check("stores_policy_ranges", sql`${t.safetyStock} >= 0 and ${t.percentage} between 1 and 100 and ${t.floor} >= 0 and (${t.maxQuantity} is null or ${t.maxQuantity} >= 0)`),
  ],
);

export const webhookState = pgEnum("webhook_state", ["OFF", "REGISTERED", "FAILED"]);

/**
 * A store's order webhook at its marketplace (Trendyol's webhook API), as last registered or tried:
 * what staff see on the store. One row per store, written only by the registration.
 */
export const storeWebhooks = pgTable("store_webhooks", {
  storeId: uuid()
    .primaryKey()
    .references(() => stores.id, { onDelete: "cascade" }),
  state: webhookState().notNull(),
  /** The marketplace's id of our hook; kept through later failures, so a changed URL updates it rather than adding one. */
  webhookId: text(),
  callbackUrl: text(),
  /** Keyed digest of what was registered (URL, auth, statuses, secret); never the secret itself. A change re-registers. */
  fingerprint: text(),
  /** Why it is off, or the marketplace's reason for the failure. */
  reason: text(),
  /** The marketplace's HTTP status of the failed call; null when none answered (or it is not failed). */
  httpStatus: integer(),
  lastAttemptAt: timestamp({ withTimezone: true }).notNull(),
  registeredAt: timestamp({ withTimezone: true }),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

/** The warehouses a store sells from, in the order reservations draw on them. */
export const storeWarehouses = pgTable(
  "store_warehouses",
  {
    storeId: uuid()
      .notNull()
      .references(() => stores.id, { onDelete: "cascade" }),
    /** References inventory's warehouses (constraint added in SQL: catalog does not import inventory). */
    warehouseId: uuid().notNull(),
    priority: integer().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.storeId, t.warehouseId] }),
    uniqueIndex("store_warehouses_priority_unique").on(t.storeId, t.priority),
    // Which stores sell from a warehouse: a stock change there marks those stores.
    index("store_warehouses_warehouse_idx").on(t.warehouseId),
  ],
);

/** A product offered on a store, with optional price and policy overrides and what was last pushed. */
export const listings = pgTable(
  "listings",
  {
    storeId: uuid()
      .notNull()
      .references(() => stores.id, { onDelete: "cascade" }),
    productId: uuid()
      .notNull()
      .references(() => products.id, { onDelete: "cascade" }),
    enabled: boolean().notNull().default(true),
    price: integer(),
    safetyStock: integer(),
    percentage: integer(),
    maxQuantity: integer(),
    floor: integer(),
    lastPushedQuantity: integer(),
    lastPushedPrice: integer(),
    lastPushedAt: timestamp({ withTimezone: true }),
    lastPushStatus: text(),
    /**
     * The marketplace's own identifiers of this listing (an import records them, staff may set
     * them); null uses the default: the product's barcode, and the store's stockCodeSource.
     */
    barcode: text(),
    stockCode: text(),
    /** The marketplace's id of the product or listing (Trendyol productContentId, Hepsiburada hepsiburadaSku, N11/PttAVM/Pazarama product id). */
    marketplaceProductId: text(),
    /** The listing import (jobs.id) that last linked this listing: bulk operations filter on it. */
    importJobId: uuid(),
    /** The marketplace fulfils this listing itself (Hepsiburada isFulfilledByHB): its stock is not ours to push. */
    fulfilledByMarketplace: boolean().notNull().default(false),
    /** The marketplace has locked the listing (Hepsiburada isLocked). */
    lockedByMarketplace: boolean().notNull().default(false),
    /** What the marketplace really showed at the last read (import or drift check), and when. */
    lastSeenQuantity: integer(),
    lastSeenAt: timestamp({ withTimezone: true }),
    /** When the drift check last found the marketplace showing another quantity than it was told. */
    lastDriftAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.storeId, t.productId] }),
    index("listings_product_idx").on(t.productId),
    // One listing per marketplace identifier within a store: orders and outcomes map back unambiguously.
    uniqueIndex("listings_store_barcode_unique").on(t.storeId, t.barcode).where(sql`${t.barcode} is not null`),
    uniqueIndex("listings_store_stock_code_unique").on(t.storeId, t.stockCode).where(sql`${t.stockCode} is not null`),
    index("listings_store_import_idx").on(t.storeId, t.importJobId).where(sql`${t.importJobId} is not null`),
    check(
      "listings_overrides_ranges",
      sql`(${t.price} is null or ${t.price} >= 0) and (${t.safetyStock} is null or ${t.safetyStock} >= 0) and (${t.percentage} is null or ${t.percentage} between 1 and 100) and (${t.maxQuantity} is null or ${t.maxQuantity} >= 0) and (${t.floor} is null or ${t.floor} >= 0)`,
    ),
  ],
);

import { sql } from "drizzle-orm";
import { bigint, bigserial, check, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { products, stores } from "../catalog/schema";
import type { ApiCallType, MarketplaceName } from "../marketplace/types";

export const SUBMISSION_STATUSES = ["PENDING", "COMPLETE", "EXPIRED"] as const;
export type SubmissionStatus = (typeof SUBMISSION_STATUSES)[number];

export const DEAD_LETTER_STATUSES = ["OPEN", "RETRIED", "RESOLVED"] as const;
export type DeadLetterStatus = (typeof DEAD_LETTER_STATUSES)[number];

export const API_CALL_TYPES = ["STOCK_UPDATE", "PRICE_UPDATE", "BATCH_STATUS", "GET_ORDERS", "ORDER_COMMAND", "GET_CLAIMS", "GET_LISTINGS", "OTHER"] as const satisfies readonly ApiCallType[];

/** One item of a submission as it was sent, so outcomes map back to products and latencies. */
export interface SubmittedItem {
  productId: string;
  barcode: string;
  /** What the marketplace was sent as the item's key where that is not the barcode (receipt `keys`): status reads name items by it. */
  key?: string;
  quantity: number | null;
  /** Minor units. */
  salePrice: number | null;
  listPrice: number | null;
  /** Epoch ms the pair first became dirty: the start of the sync latency. */
  firstMarkedAt: number;
  /** A drop to zero (priority item). */
  zero: boolean;
}

/** A marketplace receipt (batch / upload / task id) waiting to be polled for per-item outcomes. */
export const marketplaceSubmissions = pgTable(
  "marketplace_submissions",
  {
    id: uuid().primaryKey().defaultRandom(),
    storeId: uuid()
      .notNull()
      .references(() => stores.id, { onDelete: "cascade" }),
    marketplace: text().$type<MarketplaceName>().notNull(),
    batchId: text().notNull(),
    status: text({ enum: SUBMISSION_STATUSES }).notNull().default("PENDING"),
    items: jsonb().$type<SubmittedItem[]>().notNull(),
    itemCount: integer().notNull(),
    submittedAt: timestamp({ withTimezone: true }).notNull(),
    nextPollAt: timestamp({ withTimezone: true }).notNull(),
    /** Claims so far; each claim is one poll, so the caller backs off on it. */
    pollCount: integer().notNull().default(0),
    completedAt: timestamp({ withTimezone: true }),
    /** Submitted + the marketplace's result retention minus a margin (Trendyol keeps results 4 hours). */
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    lastError: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // A receipt recorded twice (retry after a crash) stays one row.
    uniqueIndex("marketplace_submissions_store_batch_unique").on(t.storeId, t.batchId),
    // The poller's claim: pending receipts due now, most overdue first.
    index("marketplace_submissions_due_idx").on(t.nextPollAt).where(sql`${t.status} = 'PENDING'`),
    // Status page: pending count and oldest pending per store.
    index("marketplace_submissions_pending_store_idx").on(t.storeId, t.submittedAt).where(sql`${t.status} = 'PENDING'`),
    check("marketplace_submissions_status_known", sql`${t.status} in ('PENDING', 'COMPLETE', 'EXPIRED')`),
    check("marketplace_submissions_counts_nonnegative", sql`${t.itemCount} >= 0 and ${t.pollCount} >= 0`),
  ],
);

/**
 * Every HTTP call to a marketplace: no bodies, no headers, no credentials. store_id has no
 * foreign key on purpose: the log is an audit trail that outlives a deleted store, and a
 * batched insert must not fail because one store went away meanwhile. Purged by age.
 */
export const marketplaceApiLogs = pgTable(
  "marketplace_api_logs",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    storeId: uuid(),
    marketplace: text().$type<MarketplaceName>().notNull(),
    callType: text({ enum: API_CALL_TYPES }).notNull(),
    /** Null when no answer came (timeout, dropped connection). */
    httpStatus: integer(),
    durationMs: integer().notNull(),
    itemCount: integer().notNull().default(0),
    batchId: text(),
    error: text(),
    /** Request id or job correlation id: what to search the logs for. */
    requestId: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // "The latest calls of a store", newest first.
    index("marketplace_api_logs_store_idx").on(t.storeId, t.createdAt.desc(), t.id.desc()),
    // The purge by age.
    index("marketplace_api_logs_created_idx").on(t.createdAt),
  ],
);

/** Listings that failed past their retry budget, shown to admins until retried or healed by a later success. */
export const syncDeadLetters = pgTable(
  "sync_dead_letters",
  {
    id: uuid().primaryKey().defaultRandom(),
    storeId: uuid()
      .notNull()
      .references(() => stores.id, { onDelete: "cascade" }),
    productId: uuid()
      .notNull()
      .references(() => products.id, { onDelete: "cascade" }),
    barcode: text().notNull(),
    quantity: integer(),
    salePrice: integer(),
    reasons: jsonb().$type<string[]>().notNull(),
    attempts: integer().notNull(),
    status: text({ enum: DEAD_LETTER_STATUSES }).notNull().default("OPEN"),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // At most one OPEN letter per pair: a new failure updates it (the upsert's conflict target).
    uniqueIndex("sync_dead_letters_open_unique").on(t.storeId, t.productId).where(sql`${t.status} = 'OPEN'`),
    // The admin list of open letters, newest first.
    index("sync_dead_letters_open_created_idx").on(t.createdAt).where(sql`${t.status} = 'OPEN'`),
    // Deleting a product cascades here.
    index("sync_dead_letters_product_idx").on(t.productId),
    check("sync_dead_letters_status_known", sql`${t.status} in ('OPEN', 'RETRIED', 'RESOLVED')`),
    check("sync_dead_letters_attempts_nonnegative", sql`${t.attempts} >= 0`),
  ],
);

/** The retry budget of items a marketplace failed retryably; cleared on success or dead letter. */
export const syncItemAttempts = pgTable(
  "sync_item_attempts",
  {
    storeId: uuid()
      .notNull()
      .references(() => stores.id, { onDelete: "cascade" }),
    productId: uuid()
      .notNull()
      .references(() => products.id, { onDelete: "cascade" }),
    attempts: integer().notNull(),
    lastReasons: jsonb().$type<string[]>().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.storeId, t.productId] }), check("sync_item_attempts_positive", sql`${t.attempts} > 0`)],
);

/** Named positions of background sweeps, e.g. the last stock_movements.id the ledger sweep has marked. */
export const syncCursors = pgTable("sync_cursors", {
  name: text().primaryKey(),
  position: bigint({ mode: "number" }).notNull(),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

/**
 * What we last told a marketplace for a listing, confirmed or not. A flush compares against this
 * (not the last confirmed value) while a push is in flight, so a quantity that moves away and back
 * before the marketplace answers is still sent, and an unchanged one is never sent twice (the
 * Trendyol 15-minute identical-body rule). A failed item clears its row: the confirmed value rules again.
 */
export const syncSent = pgTable(
  "sync_sent",
  {
    storeId: uuid()
      .notNull()
      .references(() => stores.id, { onDelete: "cascade" }),
    productId: uuid()
      .notNull()
      .references(() => products.id, { onDelete: "cascade" }),
    /** Null: no quantity sent (a price-only store or item); -1: a push in flight whose fate is unknown. */
    quantity: integer(),
    /** The sale price sent (minor units); null when prices are not pushed. */
    price: integer(),
    sentAt: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.storeId, t.productId] }), index("sync_sent_product_idx").on(t.productId)],
);

import type { Returns } from "@pazarsync/shared";
import { sql } from "drizzle-orm";
import { check, index, integer, jsonb, pgTable, primaryKey, smallint, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { products, stores } from "../catalog/schema";
import { users } from "../identity/schema";
import { orders } from "../order/schema";

export const RETURN_STATUSES = ["NEEDS_ATTENTION", "REQUESTED", "PARTLY_RECEIVED", "RECEIVED"] as const;
export const RETURN_DECISIONS = ["PENDING", "APPROVED", "REJECTED"] as const;
export const RETURN_SOURCES = ["WEB", "MARKETPLACE"] as const;

/**
 * A return of (part of) an order: staff record a web return, a marketplace's claim is read by the
 * claims pull. A claim naming an order we do not know is kept (order_id null, NEEDS_ATTENTION)
 * with the order number it named, never dropped; it finds its order when read again later.
 */
export const returns = pgTable(
  "returns",
  {
    id: uuid().primaryKey().defaultRandom(),
    storeId: uuid()
      .notNull()
      .references(() => stores.id, { onDelete: "restrict" }),
    orderId: uuid().references(() => orders.id, { onDelete: "restrict" }),
    source: text({ enum: RETURN_SOURCES }).notNull(),
    status: text({ enum: RETURN_STATUSES }).notNull(),
    /** Why staff must look (UNKNOWN_ORDER, UNMATCHED_LINE); empty when nothing waits. */
    attentionReasons: jsonb().$type<string[]>().notNull().default([]),
    decision: text({ enum: RETURN_DECISIONS }).notNull().default("PENDING"),
    decisionReason: text(),
    decidedBy: uuid().references(() => users.id, { onDelete: "set null" }),
    decidedAt: timestamp({ withTimezone: true }),
    /** Marketplace claims: the marketplace's claim id, order number, state and status text as last read. */
    externalClaimId: text(),
    externalOrderNumber: text(),
    claimState: text(),
    marketplaceStatus: text(),
    claimModifiedAt: timestamp({ withTimezone: true }),
    /** The claim as read, as JSON text (like orders.raw_payload: jsonb refuses \u0000). */
    rawClaim: text(),
    createdBy: uuid().references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // recordClaim is idempotent on (store, claim id): the same claim read twice is one return.
    uniqueIndex("returns_store_claim_unique").on(t.storeId, t.externalClaimId),
    // Staff lists, newest first, by status and store.
    index("returns_status_store_idx").on(t.status, t.storeId, t.createdAt),
    index("returns_order_idx").on(t.orderId),
    check("returns_status_known", sql`${t.status} in ('NEEDS_ATTENTION', 'REQUESTED', 'PARTLY_RECEIVED', 'RECEIVED')`),
    check("returns_decision_known", sql`${t.decision} in ('PENDING', 'APPROVED', 'REJECTED')`),
    check("returns_source_known", sql`${t.source} in ('WEB', 'MARKETPLACE')`),
    check("returns_claim_of_marketplace", sql`(${t.source} = 'MARKETPLACE') = (${t.externalClaimId} is not null)`),
  ],
);

/**
 * What one return brings back, per product that comes back: an ordered simple product, or each
 * component of an ordered set (claimed = sets x units per set), so a set missing a component
 * restocks only what came. A claim line we could not match is kept with no product.
 */
export const returnLines = pgTable(
  "return_lines",
  {
    returnId: uuid()
      .notNull()
      .references(() => returns.id, { onDelete: "cascade" }),
    lineNo: smallint().notNull(),
    orderLineNo: smallint(),
    orderedProductId: uuid().references(() => products.id, { onDelete: "restrict" }),
    productId: uuid().references(() => products.id, { onDelete: "restrict" }),
    barcode: text(),
    claimLineId: text(),
    quantityClaimed: integer().notNull(),
    quantityRestocked: integer().notNull().default(0),
    quantityQuarantined: integer().notNull().default(0),
    reason: text(),
    attention: text(),
    /** Each receipt of the line: how many, to which shelf or quarantine, in what condition, by whom. */
    receipts: jsonb().$type<Returns.ReturnReceipt[]>().notNull().default([]),
  },
  (t) => [
    primaryKey({ columns: [t.returnId, t.lineNo] }),
    check("return_lines_quantities", sql`${t.quantityClaimed} >= 0 and ${t.quantityRestocked} >= 0 and ${t.quantityQuarantined} >= 0`),
    // Over-receiving is refused in the service with a 409; this is the last line of defence.
    check("return_lines_received_within_claimed", sql`${t.quantityRestocked} + ${t.quantityQuarantined} <= ${t.quantityClaimed}`),
  ],
);

/** How far each store's claims pull has read: every claim modified before the watermark is recorded. */
export const returnClaimWatermarks = pgTable("return_claim_watermarks", {
  storeId: uuid()
    .primaryKey()
    .references(() => stores.id, { onDelete: "cascade" }),
  watermark: timestamp({ withTimezone: true }).notNull(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

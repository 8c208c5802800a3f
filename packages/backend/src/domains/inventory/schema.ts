import { sql } from "drizzle-orm";
import {
  bigserial,
  boolean,
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
import { products } from "../catalog/schema";

export const movementKind = pgEnum("movement_kind", ["RECEIPT", "ADJUSTMENT", "RESERVE", "RELEASE", "SHIP", "RETURN", "QUARANTINE"]);

export const warehouses = pgTable(
  "warehouses",
  {
    id: uuid().primaryKey().defaultRandom(),
    code: text().notNull(),
    name: text().notNull(),
    active: boolean().notNull().default(true),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("warehouses_code_unique").on(t.code)],
);

export const shelves = pgTable(
  "shelves",
  {
    id: uuid().primaryKey().defaultRandom(),
    warehouseId: uuid()
      .notNull()
      .references(() => warehouses.id, { onDelete: "restrict" }),
    code: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("shelves_warehouse_code_unique").on(t.warehouseId, t.code)],
);

/** What physically lies on each shelf. */
export const shelfStock = pgTable(
  "shelf_stock",
  {
    shelfId: uuid()
      .notNull()
      .references(() => shelves.id, { onDelete: "restrict" }),
    productId: uuid()
      .notNull()
      .references(() => products.id, { onDelete: "restrict" }),
    quantity: integer().notNull(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.shelfId, t.productId] }),
    index("shelf_stock_product_idx").on(t.productId),
    check("shelf_stock_quantity_nonnegative", sql`${t.quantity} >= 0`),
  ],
);

/**
 * Per product and warehouse: on hand (sum of its shelves) and reserved (open orders).
 * The CHECKs are the last line of defence against overselling: no code path can commit
 * negative stock or more reserved than on hand, whatever a lock did.
 */
export const inventoryLevels = pgTable(
  "inventory_levels",
  {
    productId: uuid()
      .notNull()
      .references(() => products.id, { onDelete: "restrict" }),
    warehouseId: uuid()
      .notNull()
      .references(() => warehouses.id, { onDelete: "restrict" }),
    onHand: integer().notNull().default(0),
    reserved: integer().notNull().default(0),
    /**
     * Returned units put aside (damaged, to inspect): counted here, on no shelf, never part of on
     * hand, so never reserved nor sold.
     */
    quarantined: integer().notNull().default(0),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.productId, t.warehouseId] }),
    check("inventory_levels_quarantined_nonnegative", sql`${t.quarantined} >= 0`),
    check("inventory_levels_on_hand_nonnegative", sql`${t.onHand} >= 0`),
    check("inventory_levels_reserved_nonnegative", sql`${t.reserved} >= 0`),
    check("inventory_levels_reserved_within_on_hand", sql`${t.reserved} <= ${t.onHand}`),
  ],
);

/**
 * The append-only stock ledger, written in the same transaction as every stock change. Its
 * serial id is the cursor of the stock-sync sweep, so it doubles as an outbox.
 */
export const stockMovements = pgTable(
  "stock_movements",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    productId: uuid()
      .notNull()
      .references(() => products.id, { onDelete: "restrict" }),
    warehouseId: uuid()
      .notNull()
      .references(() => warehouses.id, { onDelete: "restrict" }),
    shelfId: uuid().references(() => shelves.id, { onDelete: "restrict" }),
    kind: movementKind().notNull(),
    delta: integer().notNull(),
    onHandBefore: integer().notNull(),
    onHandAfter: integer().notNull(),
    reservedBefore: integer().notNull(),
    reservedAfter: integer().notNull(),
    /** Change of quarantined units (QUARANTINE rows); 0 on every other row. */
    quarantineDelta: integer().notNull().default(0),
    reason: text().notNull(),
    /** The user who caused it; null for system work (marketplace orders, repairs by script). */
    actorId: uuid(),
    /** Request id or order id: what to search for when asking "why did this change". */
    correlationId: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // A product's movements, newest first.
    index("stock_movements_product_idx").on(t.productId, t.id),
    index("stock_movements_correlation_idx").on(t.correlationId),
    // The invariant check sums quarantine changes per level: only the few rows that carry one.
    index("stock_movements_quarantine_idx").on(t.productId, t.warehouseId).where(sql`${t.quarantineDelta} <> 0`),
  ],
);

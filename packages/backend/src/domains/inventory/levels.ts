/** Reading and writing inventory_levels; no rules here, only rows (the rules are in level-changes.ts). */
import type { Inventory } from "@pazarsync/shared";
import { and, asc, eq, inArray, lt, ne, or, sql } from "drizzle-orm";
import type { Database } from "../../infra/db";
import { inventoryLevels, shelfStock, shelves, warehouses } from "./schema";

export interface StockLevel {
  productId: string;
  warehouseId: string;
  onHand: number;
  reserved: number;
}

export interface LevelKey {
  productId: string;
  warehouseId: string;
}

/** Signed increments of a level's counters; quarantined only where returned goods are put aside or leave quarantine. */
export interface Increments {
  onHand: number;
  reserved: number;
  quarantined?: number;
}

/** A level's counters after a change. */
export interface Counters {
  onHand: number;
  reserved: number;
  quarantined: number;
}

const counters = { onHand: inventoryLevels.onHand, reserved: inventoryLevels.reserved };
const allCounters = { ...counters, quarantined: inventoryLevels.quarantined };
const isLevel = (key: LevelKey) => and(eq(inventoryLevels.productId, key.productId), eq(inventoryLevels.warehouseId, key.warehouseId));

/**
 * Adds increments that keep every CHECK by themselves (0 <= reserved <= on hand): a missing row is
 * created holding just them. Answers the counters after.
 */
export async function addToLevel(tx: Database, key: LevelKey, by: Increments, now: Date): Promise<Counters | undefined> {
  const quarantined = by.quarantined ?? 0;
  const [row] = await tx
    .insert(inventoryLevels)
    .values({ ...key, onHand: by.onHand, reserved: by.reserved, quarantined, updatedAt: now })
    .onConflictDoUpdate({
      target: [inventoryLevels.productId, inventoryLevels.warehouseId],
      set: {
        onHand: sql`${inventoryLevels.onHand} + ${by.onHand}`,
        reserved: sql`${inventoryLevels.reserved} + ${by.reserved}`,
        quarantined: sql`${inventoryLevels.quarantined} + ${quarantined}`,
        updatedAt: now,
      },
    })
    .returning(allCounters);
  return row;
}

/**
 * Adds signed increments to an existing row, only where the counters after still satisfy the
 * table's CHECKs (the WHERE is the guard, not a prior read). No row answered: no such level, or
 * the change would break a CHECK.
 */
export async function changeLevelWithinChecks(tx: Database, key: LevelKey, by: Increments, now: Date): Promise<Counters | undefined> {
  const onHand = sql`${inventoryLevels.onHand} + ${by.onHand}`;
  const reserved = sql`${inventoryLevels.reserved} + ${by.reserved}`;
  const quarantined = sql`${inventoryLevels.quarantined} + ${by.quarantined ?? 0}`;
  const [row] = await tx
    .update(inventoryLevels)
    .set({ onHand, reserved, quarantined, updatedAt: now })
    .where(and(isLevel(key), sql`${onHand} >= 0 and ${reserved} >= 0 and ${reserved} <= ${onHand} and ${quarantined} >= 0`))
    .returning(allCounters);
  return row;
}

/** A product's levels in every warehouse, locked FOR UPDATE. */
export function lockLevelsOf(tx: Database, productId: string): Promise<StockLevel[]> {
  return tx
    .select({ productId: inventoryLevels.productId, warehouseId: inventoryLevels.warehouseId, ...counters })
    .from(inventoryLevels)
    .where(eq(inventoryLevels.productId, productId))
    .orderBy(asc(inventoryLevels.warehouseId))
    .for("update");
}

/** On hand less reserved of one level; 0 when there is no row. */
export async function freeStock(db: Database, key: LevelKey): Promise<number> {
  const [level] = await db
    .select({ free: sql<number>`${inventoryLevels.onHand} - ${inventoryLevels.reserved}`.mapWith(Number) })
    .from(inventoryLevels)
    .where(isLevel(key));
  return level?.free ?? 0;
}

/** Warehouse-level stock of many products in one query; products without stock have no rows. */
export async function stockLevels(db: Database, productIds: readonly string[]): Promise<StockLevel[]> {
  if (productIds.length === 0) return [];
  return db
    .select({ productId: inventoryLevels.productId, warehouseId: inventoryLevels.warehouseId, ...counters })
    .from(inventoryLevels)
    .where(inArray(inventoryLevels.productId, [...new Set(productIds)]))
    .orderBy(asc(inventoryLevels.productId), asc(inventoryLevels.warehouseId));
}

const ofProducts = (productIds?: readonly string[]) => (productIds ? inArray(inventoryLevels.productId, [...productIds]) : undefined);

/** Levels whose reserved is not 0 (of the given products, or all). */
export function reservedLevels(db: Database, productIds?: readonly string[]): Promise<StockLevel[]> {
  return db
    .select({ productId: inventoryLevels.productId, warehouseId: inventoryLevels.warehouseId, ...counters })
    .from(inventoryLevels)
    .where(and(ne(inventoryLevels.reserved, 0), ofProducts(productIds)));
}

/** Levels with a negative counter: the CHECKs forbid them, so only a database restored without its CHECKs holds one. */
export function negativeLevels(db: Database, productIds?: readonly string[]): Promise<(StockLevel & { quarantined: number })[]> {
  return db
    .select({ productId: inventoryLevels.productId, warehouseId: inventoryLevels.warehouseId, ...allCounters })
    .from(inventoryLevels)
    .where(and(or(lt(inventoryLevels.onHand, 0), lt(inventoryLevels.reserved, 0), lt(inventoryLevels.quarantined, 0)), ofProducts(productIds)));
}

/** Levels holding quarantined units (of the given products, or all). */
export function quarantinedLevels(db: Database, productIds?: readonly string[]): Promise<{ productId: string; warehouseId: string; quarantined: number }[]> {
  return db
    .select({ productId: inventoryLevels.productId, warehouseId: inventoryLevels.warehouseId, quarantined: inventoryLevels.quarantined })
    .from(inventoryLevels)
    .where(and(ne(inventoryLevels.quarantined, 0), ofProducts(productIds)));
}

/** Per (product, warehouse): on hand and the sum of the warehouse's shelves where they differ; a side with no row counts as 0. */
export async function levelsOffTheirShelves(
  db: Database,
  productIds?: readonly string[],
): Promise<{ productId: string; warehouseId: string; expected: number; actual: number }[]> {
  const levels = db
    .select({ productId: inventoryLevels.productId, warehouseId: inventoryLevels.warehouseId, onHand: inventoryLevels.onHand })
    .from(inventoryLevels)
    .where(ofProducts(productIds))
    .as("levels");
  const sums = db
    .select({
      productId: shelfStock.productId,
      warehouseId: shelves.warehouseId,
      total: sql<number>`sum(${shelfStock.quantity})::bigint`.as("total"),
    })
    .from(shelfStock)
    .innerJoin(shelves, eq(shelves.id, shelfStock.shelfId))
    .where(productIds ? inArray(shelfStock.productId, [...productIds]) : undefined)
    .groupBy(shelfStock.productId, shelves.warehouseId)
    .as("sums");
  const expected = sql`coalesce(${sums.total}, 0)`;
  const actual = sql`coalesce(${levels.onHand}, 0)`;
  return db
    .select({
      productId: sql<string>`coalesce(${levels.productId}, ${sums.productId})`,
      warehouseId: sql<string>`coalesce(${levels.warehouseId}, ${sums.warehouseId})`,
      expected: expected.mapWith(Number),
      actual: actual.mapWith(Number),
    })
    .from(levels)
    .fullJoin(sums, and(eq(levels.productId, sums.productId), eq(levels.warehouseId, sums.warehouseId)))
    .where(sql`${expected} <> ${actual}`);
}

/** One product's stock per warehouse (by code) with its shelves (by code). */
export async function productStock(db: Database, productId: string): Promise<Inventory.ProductStock> {
  const levels = await db
    .select({
      warehouseId: warehouses.id,
      code: warehouses.code,
      name: warehouses.name,
      onHand: inventoryLevels.onHand,
      reserved: inventoryLevels.reserved,
      quarantined: inventoryLevels.quarantined,
    })
    .from(inventoryLevels)
    .innerJoin(warehouses, eq(warehouses.id, inventoryLevels.warehouseId))
    .where(eq(inventoryLevels.productId, productId))
    .orderBy(asc(warehouses.code));
  const onShelves = await db
    .select({ shelfId: shelves.id, warehouseId: shelves.warehouseId, code: shelves.code, quantity: shelfStock.quantity })
    .from(shelfStock)
    .innerJoin(shelves, eq(shelves.id, shelfStock.shelfId))
    .where(eq(shelfStock.productId, productId))
    .orderBy(asc(shelves.code));
  return {
    productId,
    warehouses: levels.map((level) => ({
      ...level,
      free: level.onHand - level.reserved,
      shelves: onShelves
        .filter((shelf) => shelf.warehouseId === level.warehouseId)
        .map(({ shelfId, code, quantity }) => ({ shelfId, code, quantity })),
    })),
  };
}

import type { Inventory } from "@pazarsync/shared";
import { and, eq, inArray, lt, ne, or, sql, type SQL } from "drizzle-orm";
import type { Database } from "../../infra/db";
import { inventoryLevels, shelfStock, shelves } from "./schema";

export interface ReservationRow {
  productId: string;
  warehouseId: string;
  reserved: number;
}

/**
 * What open orders hold per (product, warehouse): the truth `reserved` is checked against.
 * Given productIds, an implementation may answer for those only (callers filter anyway).
 * Without a source nothing may be reserved.
 */
export type ReservationSource = (productIds?: readonly string[]) => Promise<ReservationRow[]>;

export type Violation = Inventory.Violation;

const key = (productId: string, warehouseId: string) => `${productId}|${warehouseId}`;

/** On hand versus the sum of the warehouse's shelves; a side with no row counts as 0. */
async function onHandMismatches(db: Database, productIds?: readonly string[]): Promise<Violation[]> {
  const ofLevels = productIds ? inArray(inventoryLevels.productId, [...productIds]) : undefined;
  const ofShelves = productIds ? inArray(shelfStock.productId, [...productIds]) : undefined;
  const levels = db
    .select({ productId: inventoryLevels.productId, warehouseId: inventoryLevels.warehouseId, onHand: inventoryLevels.onHand })
    .from(inventoryLevels)
    .where(ofLevels)
    .as("levels");
  const sums = db
    .select({
      productId: shelfStock.productId,
      warehouseId: shelves.warehouseId,
      total: sql<number>`sum(${shelfStock.quantity})::bigint`.as("total"),
    })
    .from(shelfStock)
    .innerJoin(shelves, eq(shelves.id, shelfStock.shelfId))
    .where(ofShelves)
    .groupBy(shelfStock.productId, shelves.warehouseId)
    .as("sums");
  const expected = sql`coalesce(${sums.total}, 0)`;
  const actual = sql`coalesce(${levels.onHand}, 0)`;
  const rows = await db
    .select({
      productId: sql<string>`coalesce(${levels.productId}, ${sums.productId})`,
      warehouseId: sql<string>`coalesce(${levels.warehouseId}, ${sums.warehouseId})`,
      expected: expected.mapWith(Number),
      actual: actual.mapWith(Number),
    })
    .from(levels)
    .fullJoin(sums, and(eq(levels.productId, sums.productId), eq(levels.warehouseId, sums.warehouseId)))
    .where(sql`${expected} <> ${actual}`);
  return rows.map((row) => ({ kind: "ON_HAND_MISMATCH" as const, ...row }));
}

/** Reserved versus the open allocations the source reports (0 without a source). */
async function reservedMismatches(db: Database, source: ReservationSource | undefined, productIds?: readonly string[]): Promise<Violation[]> {
  const wanted = productIds ? new Set(productIds) : undefined;
  const conditions: SQL[] = [ne(inventoryLevels.reserved, 0)];
  if (productIds) conditions.push(inArray(inventoryLevels.productId, [...productIds]));
  const stored = await db
    .select({ productId: inventoryLevels.productId, warehouseId: inventoryLevels.warehouseId, reserved: inventoryLevels.reserved })
    .from(inventoryLevels)
    .where(and(...conditions));
  const expected = new Map<string, ReservationRow>();
  for (const row of source ? await source(productIds) : []) {
    if (wanted && !wanted.has(row.productId)) continue;
    const k = key(row.productId, row.warehouseId);
    const sum = (expected.get(k)?.reserved ?? 0) + row.reserved;
    expected.set(k, { ...row, reserved: sum });
  }
  const actual = new Map(stored.map((row) => [key(row.productId, row.warehouseId), row]));
  const violations: Violation[] = [];
  for (const k of new Set([...expected.keys(), ...actual.keys()])) {
    const row = expected.get(k) ?? actual.get(k);
    const want = expected.get(k)?.reserved ?? 0;
    const have = actual.get(k)?.reserved ?? 0;
    if (row && want !== have) {
      violations.push({ kind: "RESERVED_MISMATCH", productId: row.productId, warehouseId: row.warehouseId, expected: want, actual: have });
    }
  }
  return violations;
}

/** The CHECK constraints make these impossible; looking anyway catches a database restored without them. */
async function negatives(db: Database, productIds?: readonly string[]): Promise<Violation[]> {
  const ofLevels = productIds ? inArray(inventoryLevels.productId, [...productIds]) : undefined;
  const ofShelves = productIds ? inArray(shelfStock.productId, [...productIds]) : undefined;
  const levels = await db
    .select({ productId: inventoryLevels.productId, warehouseId: inventoryLevels.warehouseId, onHand: inventoryLevels.onHand, reserved: inventoryLevels.reserved })
    .from(inventoryLevels)
    .where(and(or(lt(inventoryLevels.onHand, 0), lt(inventoryLevels.reserved, 0)), ofLevels));
  const onShelves = await db
    .select({ productId: shelfStock.productId, warehouseId: shelves.warehouseId, shelfId: shelfStock.shelfId, quantity: shelfStock.quantity })
    .from(shelfStock)
    .innerJoin(shelves, eq(shelves.id, shelfStock.shelfId))
    .where(and(lt(shelfStock.quantity, 0), ofShelves));
  return [
    ...levels.map((row) => ({
      kind: "NEGATIVE_QUANTITY" as const,
      productId: row.productId,
      warehouseId: row.warehouseId,
      expected: 0,
      actual: Math.min(row.onHand, row.reserved),
    })),
    ...onShelves.map((row) => ({
      kind: "NEGATIVE_QUANTITY" as const,
      productId: row.productId,
      warehouseId: row.warehouseId,
      shelfId: row.shelfId,
      expected: 0,
      actual: row.quantity,
    })),
  ];
}

const order = (a: Violation, b: Violation) =>
  a.productId.localeCompare(b.productId) || a.warehouseId.localeCompare(b.warehouseId) || a.kind.localeCompare(b.kind);

/** Every broken stock invariant, or those of the given products; sorted by product, warehouse, kind. */
export async function findViolations(db: Database, source: ReservationSource | undefined, productIds?: readonly string[]): Promise<Violation[]> {
  if (productIds && productIds.length === 0) return [];
  const found = [
    ...(await onHandMismatches(db, productIds)),
    ...(await reservedMismatches(db, source, productIds)),
    ...(await negatives(db, productIds)),
  ];
  return found.sort(order);
}

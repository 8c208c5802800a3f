import type { Inventory } from "@pazarsync/shared";
import type { Database } from "../../infra/db";
import { quarantineSums } from "./ledger";
import { levelsOffTheirShelves, negativeLevels, quarantinedLevels, reservedLevels } from "./levels";
import { negativeShelves } from "./shelf-stock";

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
  const rows = await levelsOffTheirShelves(db, productIds);
  return rows.map((row) => ({ kind: "ON_HAND_MISMATCH" as const, ...row }));
}

/** Reserved versus the open allocations the source reports (0 without a source). */
async function reservedMismatches(db: Database, source: ReservationSource | undefined, productIds?: readonly string[]): Promise<Violation[]> {
  const wanted = productIds ? new Set(productIds) : undefined;
  const stored = await reservedLevels(db, productIds);
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

/**
 * Quarantined units versus the ledger's quarantine changes: nothing else writes the counter, so a
 * difference is a restore or a hand edit. Not repairable by a ledger row (it would move both sides).
 */
async function quarantineMismatches(db: Database, productIds?: readonly string[]): Promise<Violation[]> {
  const stored = await quarantinedLevels(db, productIds);
  const expected = new Map((await quarantineSums(db, productIds)).map((row) => [key(row.productId, row.warehouseId), row]));
  const actual = new Map(stored.map((row) => [key(row.productId, row.warehouseId), row]));
  const violations: Violation[] = [];
  for (const k of new Set([...expected.keys(), ...actual.keys()])) {
    const row = expected.get(k) ?? actual.get(k);
    const want = expected.get(k)?.quarantined ?? 0;
    const have = actual.get(k)?.quarantined ?? 0;
    if (row && want !== have) {
      violations.push({ kind: "QUARANTINE_MISMATCH", productId: row.productId, warehouseId: row.warehouseId, expected: want, actual: have });
    }
  }
  return violations;
}

/** Units in quarantine, counted apart from on hand: what the invariant report and stock:check show. */
export async function quarantineTotals(db: Database): Promise<Inventory.QuarantineTotals> {
  const levels = await quarantinedLevels(db);
  return { units: levels.reduce((sum, level) => sum + level.quarantined, 0), levels: levels.length };
}

/** The CHECK constraints make these impossible; looking anyway catches a database restored without them. */
async function negatives(db: Database, productIds?: readonly string[]): Promise<Violation[]> {
  const levels = await negativeLevels(db, productIds);
  const onShelves = await negativeShelves(db, productIds);
  return [
    ...levels.map((row) => ({
      kind: "NEGATIVE_QUANTITY" as const,
      productId: row.productId,
      warehouseId: row.warehouseId,
      expected: 0,
      actual: Math.min(row.onHand, row.reserved, row.quarantined),
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
    ...(await quarantineMismatches(db, productIds)),
    ...(await negatives(db, productIds)),
  ];
  return found.sort(order);
}

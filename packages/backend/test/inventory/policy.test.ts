import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { applyPolicySql, effectivePolicySql, type PolicySql, type StockPolicy } from "../../src/domains/inventory/policy";
import { queryRows } from "../../src/infra/db";
import { createTestApp, type TestApp } from "../support/app";

// The policy is SQL (one implementation for what a store shows and what an order may take):
// each case is evaluated by the database the app runs on.
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ label: "policy" });
});
afterAll(() => t.close());

const literal = (value: number | null) => (value === null ? "null::bigint" : `${value}::bigint`);
const asSql = (policy: StockPolicy): PolicySql => ({
  safetyStock: literal(policy.safetyStock),
  percentage: literal(policy.percentage),
  maxQuantity: literal(policy.maxQuantity),
  floor: literal(policy.floor),
});

async function value(expression: string): Promise<number> {
  const [row] = await queryRows<{ v: unknown }>(t.infra.database.db, sql.raw(`select ${expression} as v`));
  return Number(row?.v);
}

const applyPolicy = (raw: number, policy: StockPolicy, ceiling?: number) =>
  value(applyPolicySql(literal(raw), asSql(policy), ceiling === undefined ? undefined : literal(ceiling)));

const open: StockPolicy = { safetyStock: 0, percentage: 100, maxQuantity: null, floor: 0 };
describe("stock policy, applied in the documented order", async () => {
  test("with no policy the channel sees the whole pool", async () => {
    expect(await applyPolicy(37, open)).toBe(37);
  });

  test("safety stock is subtracted first and never goes below zero", async () => {
    expect(await applyPolicy(37, { ...open, safetyStock: 5 })).toBe(32);
    expect(await applyPolicy(3, { ...open, safetyStock: 5 })).toBe(0);
  });

  test("the percentage is taken of what safety left, rounded down", async () => {
    // (37 - 5) * 50% = 16
    expect(await applyPolicy(37, { ...open, safetyStock: 5, percentage: 50 })).toBe(16);
    // (10 - 1) * 33% = 2.97 -> 2
    expect(await applyPolicy(10, { ...open, safetyStock: 1, percentage: 33 })).toBe(2);
  });

  test("the maximum caps after the percentage", async () => {
    // (100 - 10) * 80% = 72, capped at 50
    expect(await applyPolicy(100, { safetyStock: 10, percentage: 80, maxQuantity: 50, floor: 0 })).toBe(50);
    // Had max come before the percentage it would be 40: the order matters.
    expect(await applyPolicy(100, { safetyStock: 10, percentage: 80, maxQuantity: 50, floor: 0 })).not.toBe(40);
  });

  test("below the floor the channel is told 0; at the floor it is told the number", async () => {
    // (20 - 2) * 50% = 9, floor 10 -> 0
    expect(await applyPolicy(20, { safetyStock: 2, percentage: 50, maxQuantity: null, floor: 10 })).toBe(0);
    // (22 - 2) * 50% = 10, floor 10 -> 10
    expect(await applyPolicy(22, { safetyStock: 2, percentage: 50, maxQuantity: null, floor: 10 })).toBe(10);
  });

  test("the floor is judged after the maximum", async () => {
    // 60 * 100% = 60, max 5, floor 8 -> 5 < 8 -> 0
    expect(await applyPolicy(60, { safetyStock: 0, percentage: 100, maxQuantity: 5, floor: 8 })).toBe(0);
  });

  test("a channel ceiling holds whatever the policy says", async () => {
    expect(await applyPolicy(50_000, open, 20_000)).toBe(20_000);
    expect(await applyPolicy(12, open, 20_000)).toBe(12);
  });

  test("a listing overrides the store field by field; null means the store's", async () => {
    const store = asSql({ safetyStock: 3, percentage: 90, maxQuantity: 100, floor: 2 });
    const listing = { ...asSql({ safetyStock: 0, percentage: 50, maxQuantity: null, floor: 0 }), safetyStock: "null::bigint", floor: "null::bigint" };
    const effective = effectivePolicySql(store, listing);
    expect(await Promise.all([effective.safetyStock, effective.percentage, effective.maxQuantity, effective.floor].map(value))).toEqual([3, 50, 100, 2]);
  });
});

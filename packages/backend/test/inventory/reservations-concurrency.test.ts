import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../support/app";
import { staff } from "../support/identity";
import { checkerFor, ledgerOf, levelsOf, OpenAllocations, productIn, reserve } from "./reservations-support";

// No stock lock is taken here on purpose: the conditional updates alone must prevent overselling.
// On Postgres the transactions overlap (each holds its row locks a moment); PGlite runs them one after the other.
let t: TestApp;
let token: string;
beforeAll(async () => {
  t = await createTestApp({ label: "inv-reservations-concurrency" });
  token = (await staff(t)).tokens.accessToken;
});
afterAll(() => t.close());

describe(`concurrent reservations without the lock (${process.env.DATABASE_URL ? "postgres" : "pglite"})`, () => {
  test("two reservations of 3 from a stock of 5: the second waits for the first and is short with 2 available", async () => {
    const { productId, warehouseIds } = await productIn(t, token, 5);
    const { promise: firstReserved, resolve } = Promise.withResolvers<void>();
    const first = reserve(t, [{ productId, quantity: 3 }], warehouseIds, undefined, async () => {
      resolve();
      await Bun.sleep(100);
    });
    await firstReserved;
    const second = reserve(t, [{ productId, quantity: 3 }], warehouseIds);
    const [won, lost] = await Promise.all([first, second]);
    expect(won?.shortages).toEqual([]);
    expect(lost?.shortages).toEqual([{ productId, requested: 3, available: 2 }]);
    expect(await levelsOf(t, productId, warehouseIds)).toEqual([{ onHand: 5, reserved: 3 }]);
    expect(await ledgerOf(t, token, productId, "RESERVE")).toHaveLength(1);
  });

  test("ten reservations of one across two warehouses holding 3 and 2: exactly five are reserved", async () => {
    const { productId, warehouseIds } = await productIn(t, token, 3, 2);
    const results = await Promise.all(
      Array.from({ length: 10 }, () => reserve(t, [{ productId, quantity: 1 }], warehouseIds, undefined, () => Bun.sleep(10))),
    );
    const reserved = results.filter((r) => r.shortages.length === 0);
    expect(reserved).toHaveLength(5);
    expect(results.filter((r) => r.shortages.length > 0).every((r) => r.shortages[0]?.available === 0)).toBe(true);
    expect(await levelsOf(t, productId, warehouseIds)).toEqual([
      { onHand: 3, reserved: 3 },
      { onHand: 2, reserved: 2 },
    ]);
    const open = new OpenAllocations();
    for (const r of reserved) open.add(r.allocations);
    const report = await checkerFor(t, open).checkInvariants();
    expect(report.violations.filter((v) => v.productId === productId)).toEqual([]);
  });
});

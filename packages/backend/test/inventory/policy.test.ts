import { describe, expect, test } from "bun:test";
import { applyPolicy, effectivePolicy, type StockPolicy } from "../../src/domains/inventory/policy";

const open: StockPolicy = { safetyStock: 0, percentage: 100, maxQuantity: null, floor: 0 };

describe("stock policy, applied in the documented order", () => {
  test("with no policy the channel sees the whole pool", () => {
    expect(applyPolicy(37, open)).toBe(37);
  });

  test("safety stock is subtracted first and never goes below zero", () => {
    expect(applyPolicy(37, { ...open, safetyStock: 5 })).toBe(32);
    expect(applyPolicy(3, { ...open, safetyStock: 5 })).toBe(0);
  });

  test("the percentage is taken of what safety left, rounded down", () => {
    // (37 - 5) * 50% = 16
    expect(applyPolicy(37, { ...open, safetyStock: 5, percentage: 50 })).toBe(16);
    // (10 - 1) * 33% = 2.97 -> 2
    expect(applyPolicy(10, { ...open, safetyStock: 1, percentage: 33 })).toBe(2);
  });

  test("the maximum caps after the percentage", () => {
    // (100 - 10) * 80% = 72, capped at 50
    expect(applyPolicy(100, { safetyStock: 10, percentage: 80, maxQuantity: 50, floor: 0 })).toBe(50);
    // Had max come before the percentage it would be 40: the order matters.
    expect(applyPolicy(100, { safetyStock: 10, percentage: 80, maxQuantity: 50, floor: 0 })).not.toBe(40);
  });

  test("below the floor the channel is told 0; at the floor it is told the number", () => {
    // (20 - 2) * 50% = 9, floor 10 -> 0
    expect(applyPolicy(20, { safetyStock: 2, percentage: 50, maxQuantity: null, floor: 10 })).toBe(0);
    // (22 - 2) * 50% = 10, floor 10 -> 10
    expect(applyPolicy(22, { safetyStock: 2, percentage: 50, maxQuantity: null, floor: 10 })).toBe(10);
  });

  test("the floor is judged after the maximum", () => {
    // 60 * 100% = 60, max 5, floor 8 -> 5 < 8 -> 0
    expect(applyPolicy(60, { safetyStock: 0, percentage: 100, maxQuantity: 5, floor: 8 })).toBe(0);
  });

  test("a channel ceiling holds whatever the policy says", () => {
    expect(applyPolicy(50_000, open, 20_000)).toBe(20_000);
    expect(applyPolicy(12, open, 20_000)).toBe(12);
  });

  test("a listing overrides the store field by field; null means the store's", () => {
    const store: StockPolicy = { safetyStock: 3, percentage: 90, maxQuantity: 100, floor: 2 };
    expect(effectivePolicy(store, { percentage: 50, maxQuantity: null })).toEqual({
      safetyStock: 3,
      percentage: 50,
      maxQuantity: 100,
      floor: 2,
    });
    expect(effectivePolicy(store, undefined)).toEqual(store);
  });
});

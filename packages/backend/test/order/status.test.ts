import { describe, expect, test } from "bun:test";
import { AppError } from "../../src/infra/errors";
import { assertTransition, canTransition, ORDER_STATUSES, type OrderStatus } from "../../src/domains/order/status";

// The table as the issue states it, written out independently of the module under test.
const ALLOWED = new Set([
  "CREATED>CONFIRMED",
  "CREATED>PICKING",
  "CREATED>INVOICED",
  "CREATED>CANCELLED",
  "CONFIRMED>PICKING",
  "CONFIRMED>INVOICED",
  "CONFIRMED>SHIPPED",
  "CONFIRMED>CANCELLED",
  "PICKING>INVOICED",
  "PICKING>SHIPPED",
  "PICKING>CANCELLED",
  "INVOICED>SHIPPED",
  "INVOICED>CANCELLED",
  "SHIPPED>DELIVERED",
  "SHIPPED>RETURNED",
  "DELIVERED>RETURNED",
  "OVERSOLD>CANCELLED",
  "NEEDS_ATTENTION>CANCELLED",
]);

const pairs = ORDER_STATUSES.flatMap((from) => ORDER_STATUSES.map((to) => [from, to] as [OrderStatus, OrderStatus]));

function refusal(from: OrderStatus, to: OrderStatus): AppError | undefined {
  try {
    assertTransition(from, to);
    return undefined;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
}

describe("the order status machine", () => {
  test("knows all ten statuses", () => {
    expect([...ORDER_STATUSES].sort()).toEqual(["CANCELLED", "CONFIRMED", "CREATED", "DELIVERED", "INVOICED", "NEEDS_ATTENTION", "OVERSOLD", "PICKING", "RETURNED", "SHIPPED"]);
  });

  for (const [from, to] of pairs) {
    const allowed = ALLOWED.has(`${from}>${to}`);
    test(`${from} -> ${to} is ${allowed ? "allowed" : "refused with 409 INVALID_TRANSITION"}`, () => {
      expect(canTransition(from, to)).toBe(allowed);
      const error = refusal(from, to);
      if (allowed) expect(error).toBeUndefined();
      else expect(error).toMatchObject({ status: 409, code: "INVALID_TRANSITION", details: { from, to } });
    });
  }

  test("no transition leads into OVERSOLD: it is entered only at marketplace intake", () => {
    expect(ORDER_STATUSES.filter((from) => canTransition(from, "OVERSOLD"))).toEqual([]);
  });

  test("no transition leads into NEEDS_ATTENTION, and out of it only cancelling (intake takes it in)", () => {
    expect(ORDER_STATUSES.filter((from) => canTransition(from, "NEEDS_ATTENTION"))).toEqual([]);
    expect(ORDER_STATUSES.filter((to) => canTransition("NEEDS_ATTENTION", to))).toEqual(["CANCELLED"]);
  });

  test("shipping needs CONFIRMED, PICKING or INVOICED: a CREATED order is picked or invoiced (confirming it), never shipped straight", () => {
    expect(ORDER_STATUSES.filter((from) => canTransition(from, "SHIPPED"))).toEqual(["CONFIRMED", "PICKING", "INVOICED"]);
    expect(ORDER_STATUSES.filter((from) => canTransition(from, "PICKING"))).toEqual(["CREATED", "CONFIRMED"]);
  });

  test("CANCELLED and RETURNED are final", () => {
    expect(ORDER_STATUSES.filter((to) => canTransition("CANCELLED", to) || canTransition("RETURNED", to))).toEqual([]);
  });
});

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { stockLockKey } from "../../src/domains/inventory/service";
import { createTestApp, type TestApp } from "../support/app";
import { bodyOf } from "../support/http";
import { waitUntil } from "../support/wait";
import { level, newCustomer, newKey, openShop, placeOrder, stockedProduct, type Shop } from "./support";

// The request timeout answers while the order is still waiting for its stock lock; the order
// then commits. The 503 must say how to find out without buying twice.
const TIMEOUT_MS = 1000;

let t: TestApp;
let shop: Shop;
let customerToken: string;
beforeAll(async () => {
  t = await createTestApp({ label: "order_timeout_retry", env: { REQUEST_TIMEOUT_MS: String(TIMEOUT_MS) } });
  shop = await openShop(t);
  customerToken = await newCustomer(t);
});
afterAll(() => t.close());

describe("an order that outlives its request", () => {
  test("a 503 REQUEST_TIMEOUT on an order tells the client to retry with the same Idempotency-Key, and that retry returns the order that committed later instead of a second one", async () => {
    const productId = await stockedProduct(t, shop, 10);
    const key = newKey("slow-order");
    const body = { storeId: shop.storeId, items: [{ productId, quantity: 1 }] };
    // Another writer holds the product's stock lock until the request has timed out.
    const acquired = Promise.withResolvers<void>();
    const released = Promise.withResolvers<void>();
    const holding = t.infra.locks.withLocks([stockLockKey(productId)], async () => {
      acquired.resolve();
      await released.promise;
    });
    await acquired.promise;
    try {
      const res = await placeOrder(t, customerToken, body, key);
      expect(res.status).toBe(503);
      const answer = await bodyOf(res);
      expect(answer.error.code).toBe("REQUEST_TIMEOUT");
      expect(answer.error.details).toEqual({ timeoutMs: TIMEOUT_MS, retry: "same-idempotency-key" });
      expect(answer.error.message).toContain("Idempotency-Key");
    } finally {
      released.resolve();
      await holding;
    }
    // The handler was not stopped: the order commits once the lock is free.
    await waitUntil(async () => (await level(t, shop, productId)).reserved > 0, { what: "the timed-out order to commit" });
    const retried = await placeOrder(t, customerToken, body, key);
    expect(retried.status).toBe(201);
    expect((await level(t, shop, productId)).reserved).toBe(1);
  });
});

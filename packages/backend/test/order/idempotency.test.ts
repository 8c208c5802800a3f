import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { and, eq, sql } from "drizzle-orm";
import { stockLockKey } from "../../src/domains/inventory/service";
import { idempotencyKeys } from "../../src/domains/order/schema";
import { createTestApp, type TestApp } from "../support/app";
import { bodyOf } from "../support/http";
import { get } from "../support/identity";
import { level, newCustomer, newKey, openShop, placeOrder, type Shop, stock, stockedProduct } from "./support";

let t: TestApp;
let shop: Shop;
let buyer: string;
beforeAll(async () => {
  t = await createTestApp({ label: "order-idempotency" });
  shop = await openShop(t);
  buyer = await newCustomer(t);
});
afterAll(() => t.close());

async function orderCount(token: string): Promise<number> {
  return (await bodyOf(await get(t, "/api/v1/orders", token))).total;
}

describe("the Idempotency-Key header", () => {
  test("an order without it is 400 IDEMPOTENCY_KEY_REQUIRED and reserves nothing", async () => {
    const productId = await stockedProduct(t, shop, 5);
    const res = await placeOrder(t, buyer, { storeId: shop.storeId, items: [{ productId, quantity: 1 }] }, null);
    expect(res.status).toBe(400);
    expect((await bodyOf(res)).error.code).toBe("IDEMPOTENCY_KEY_REQUIRED");
    expect(await level(t, shop, productId)).toEqual({ onHand: 5, reserved: 0 });
  });

  test.each([["with a space", "has space"], ["longer than 200 characters", "k".repeat(201)], ["with a slash", "a/b"]])(
    "a key %s is 400 IDEMPOTENCY_KEY_INVALID",
    async (_, key) => {
      const productId = await stockedProduct(t, shop, 5);
      const res = await placeOrder(t, buyer, { storeId: shop.storeId, items: [{ productId, quantity: 1 }] }, key);
      expect(res.status).toBe(400);
      expect((await bodyOf(res)).error.code).toBe("IDEMPOTENCY_KEY_INVALID");
    },
  );

  test("a key of 200 letters, digits and _-:. is accepted", async () => {
    const productId = await stockedProduct(t, shop, 5);
    const key = `Ab9_-:.${"x".repeat(193)}`;
    expect((await placeOrder(t, buyer, { storeId: shop.storeId, items: [{ productId, quantity: 1 }] }, key)).status).toBe(201);
  });
});

describe("replaying", () => {
  test("the same key and body answer the first order again, with the same status and body, reserving once", async () => {
    const productId = await stockedProduct(t, shop, 5);
    const key = newKey();
    const body = { storeId: shop.storeId, items: [{ productId, quantity: 2 }] };
    const first = await placeOrder(t, buyer, body, key);
    const second = await placeOrder(t, buyer, body, key);
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(await bodyOf(second)).toEqual(await bodyOf(first));
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    expect(await level(t, shop, productId)).toEqual({ onHand: 5, reserved: 2 });
  });

  test("the same body with its keys in another order is the same request", async () => {
    const productId = await stockedProduct(t, shop, 5);
    const key = newKey();
    const first = await placeOrder(t, buyer, { storeId: shop.storeId, items: [{ productId, quantity: 1 }] }, key);
    const second = await placeOrder(t, buyer, { items: [{ quantity: 1, productId }], storeId: shop.storeId }, key);
    expect(second.status).toBe(201);
    expect((await bodyOf(second)).id).toBe((await bodyOf(first)).id);
  });

  test("a 409 OUT_OF_STOCK is replayed even after stock arrives", async () => {
    const productId = await stockedProduct(t, shop, 1);
    const key = newKey();
    const body = { storeId: shop.storeId, items: [{ productId, quantity: 3 }] };
    const first = await placeOrder(t, buyer, body, key);
    expect(first.status).toBe(409);
    await stock(t, shop, productId, 10);
    const second = await placeOrder(t, buyer, body, key);
    expect(second.status).toBe(409);
    expect(await bodyOf(second)).toEqual(await bodyOf(first));
    expect(await level(t, shop, productId)).toEqual({ onHand: 11, reserved: 0 });
  });

  test("the same key with a different body is 422 IDEMPOTENCY_KEY_REUSED", async () => {
    const productId = await stockedProduct(t, shop, 5);
    const key = newKey();
    expect((await placeOrder(t, buyer, { storeId: shop.storeId, items: [{ productId, quantity: 1 }] }, key)).status).toBe(201);
    const res = await placeOrder(t, buyer, { storeId: shop.storeId, items: [{ productId, quantity: 2 }] }, key);
    expect(res.status).toBe(422);
    expect((await bodyOf(res)).error.code).toBe("IDEMPOTENCY_KEY_REUSED");
    expect(await level(t, shop, productId)).toEqual({ onHand: 5, reserved: 1 });
  });

  test("keys are per caller: two customers may use the same key for two orders", async () => {
    const productId = await stockedProduct(t, shop, 5);
    const other = await newCustomer(t);
    const key = newKey();
    const body = { storeId: shop.storeId, items: [{ productId, quantity: 1 }] };
    const mine = await bodyOf(await placeOrder(t, buyer, body, key));
    const theirs = await bodyOf(await placeOrder(t, other, body, key));
    expect(theirs.id).not.toBe(mine.id);
    expect(await level(t, shop, productId)).toEqual({ onHand: 5, reserved: 2 });
  });

  test("a duplicate while the first is still in flight waits for it and gets its order, reserving once", async () => {
    const productId = await stockedProduct(t, shop, 5);
    const key = newKey();
    const body = { storeId: shop.storeId, items: [{ productId, quantity: 1 }] };
    // Holding the product's stock lock keeps both requests waiting inside placement.
    const { first, duplicate } = await t.infra.locks.withLocks([stockLockKey(productId)], async () => {
      const first = placeOrder(t, buyer, body, key);
      await Bun.sleep(100);
      const duplicate = placeOrder(t, buyer, body, key);
      await Bun.sleep(100);
      return { first, duplicate };
    });
    const [a, b] = [await first, await duplicate];
    expect([a.status, b.status]).toEqual([201, 201]);
    expect((await bodyOf(b)).id).toBe((await bodyOf(a)).id);
    expect([a.headers.get("idempotent-replayed"), b.headers.get("idempotent-replayed")].sort()).toEqual([null, "true"].sort());
    expect(await level(t, shop, productId)).toEqual({ onHand: 5, reserved: 1 });
  });

  test("ten concurrent requests with one key place one order, and all ten are answered with it", async () => {
    const productId = await stockedProduct(t, shop, 50);
    const key = newKey();
    const body = { storeId: shop.storeId, items: [{ productId, quantity: 1 }] };
    const answers = await Promise.all(Array.from({ length: 10 }, () => placeOrder(t, buyer, body, key)));
    expect(answers.map((res) => res.status)).toEqual(Array(10).fill(201));
    const ids = new Set(await Promise.all(answers.map(async (res) => (await bodyOf(res)).id)));
    expect(ids.size).toBe(1);
    expect(await level(t, shop, productId)).toEqual({ onHand: 50, reserved: 1 });
  });

  test("a duplicate refused for want of stock still gets the first request's order", async () => {
    const productId = await stockedProduct(t, shop, 1);
    const key = newKey();
    const body = { storeId: shop.storeId, items: [{ productId, quantity: 1 }] };
    const first = await placeOrder(t, buyer, body, key);
    expect(first.status).toBe(201);
    // The only unit is now reserved: the retry's own attempt would be OUT_OF_STOCK.
    const retry = await placeOrder(t, buyer, body, key);
    expect(retry.status).toBe(201);
    expect((await bodyOf(retry)).id).toBe((await bodyOf(first)).id);
    expect(await level(t, shop, productId)).toEqual({ onHand: 1, reserved: 1 });
  });

  test("a 5xx answer is not kept: the same key may be retried and succeeds", async () => {
    const productId = await stockedProduct(t, shop, 5);
    const key = newKey();
    const body = { storeId: shop.storeId, items: [{ productId, quantity: 1 }] };
    // Held past the lock wait (5 s): the order gets 503 LOCK_TIMEOUT.
    const failed = await t.infra.locks.withLocks([stockLockKey(productId)], () => placeOrder(t, buyer, body, key), { ttlMs: 15_000 });
    expect(failed.status).toBe(503);
    const before = await orderCount(buyer);
    const retried = await placeOrder(t, buyer, body, key);
    expect(retried.status).toBe(201);
    expect(retried.headers.get("idempotent-replayed")).toBeNull();
    expect(await orderCount(buyer)).toBe(before + 1);
  }, 20_000);

  test("an expired key is forgotten: it may be used again, even with another body", async () => {
    const productId = await stockedProduct(t, shop, 5);
    const key = newKey();
    expect((await placeOrder(t, buyer, { storeId: shop.storeId, items: [{ productId, quantity: 1 }] }, key)).status).toBe(201);
    // 24 hours pass for this key.
    await t.infra.database.db
      .update(idempotencyKeys)
      .set({ expiresAt: sql`now() - interval '1 second'` })
      .where(and(eq(idempotencyKeys.key, key)));
    const res = await placeOrder(t, buyer, { storeId: shop.storeId, items: [{ productId, quantity: 2 }] }, key);
    expect(res.status).toBe(201);
    expect(await level(t, shop, productId)).toEqual({ onHand: 5, reserved: 3 });
  });

  test("a kept answer expires no sooner than 24 hours after the request", async () => {
    const productId = await stockedProduct(t, shop, 5);
    const key = newKey();
    expect((await placeOrder(t, buyer, { storeId: shop.storeId, items: [{ productId, quantity: 1 }] }, key)).status).toBe(201);
    const [row] = await t.infra.database.db
      .select({ kept: sql<string>`extract(epoch from ${idempotencyKeys.expiresAt} - ${idempotencyKeys.createdAt})` })
      .from(idempotencyKeys)
      .where(eq(idempotencyKeys.key, key));
    expect(Number(row?.kept)).toBeGreaterThanOrEqual(24 * 3600);
  });
});

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import postgres from "postgres";
import { createTestApp, type TestApp } from "../support/app";
import { databaseUrl, redisUrl, skipReason } from "../support/env";
import { bodyOf } from "../support/http";
import { get } from "../support/identity";
import { newCustomer, newKey, openShop, placeOrder, stockedProduct, type Shop } from "../order/support";
import { hostAndPort, startTcpProxy, type TcpProxy } from "../support/tcp-proxy";

// Redis going away (through a proxy this file owns) must not stop sales: the stock lock falls
// back to Postgres advisory locks, and reads stop waiting on the dead connection.
const LOCK_WAIT_MS = 1500;
const COMMAND_TIMEOUT_MS = 150;
const needsServers = skipReason("redis") ?? skipReason("postgres");

/** The same database as the app, but not through the proxy. */
function directUrl(proxied: string): string {
  const real = hostAndPort(databaseUrl as string, 5432);
  const url = new URL(proxied);
  url.hostname = real.host;
  url.port = String(real.port);
  return url.toString();
}

describe.skipIf(!!needsServers)("with Redis unreachable", () => {
  let t: TestApp;
  let proxy: TcpProxy;
  let shop: Shop;
  let customerToken: string;
  let productId: string;

  beforeAll(async () => {
    const target = hostAndPort(redisUrl as string, 6379);
    proxy = await startTcpProxy(target.host, target.port);
    t = await createTestApp({
      label: "redis_outage",
      routeRedis: (url) => proxy.url(url),
      env: { LOCK_WAIT_MS: String(LOCK_WAIT_MS), REDIS_COMMAND_TIMEOUT_MS: String(COMMAND_TIMEOUT_MS), REQUEST_TIMEOUT_MS: "20000" },
    });
    shop = await openShop(t);
    customerToken = await newCustomer(t);
    productId = await stockedProduct(t, shop, 100);
  });
  afterAll(async () => {
    proxy?.restore();
    await t?.close();
    await proxy?.close();
  });

  test("an order is still accepted on the Postgres lock fallback, not refused LOCK_TIMEOUT after a long wait", async () => {
    proxy.cut("reset");
    try {
      for (let i = 0; i < 3; i++) {
        const started = performance.now();
        const res = await placeOrder(t, customerToken, { storeId: shop.storeId, items: [{ productId, quantity: 1 }] });
        const took = performance.now() - started;
        expect({ status: res.status, body: res.status === 201 ? "order" : await bodyOf(res) }).toEqual({ status: 201, body: "order" });
        expect(took).toBeLessThan(3 * LOCK_WAIT_MS);
      }
    } finally {
      proxy.restore();
    }
    const violations = (await t.services.inventory.checkInvariants()).violations;
    expect(violations).toEqual([]);
  });

  test("reads do not wait on the dead Redis connection", async () => {
    proxy.cut("blackhole");
    try {
      // The first read may meet the cut; the ones after it must not pay for Redis at all.
      await get(t, "/api/v1/auth/me", customerToken);
      const reads = 10;
      const started = performance.now();
      for (let i = 0; i < reads; i++) expect((await get(t, "/api/v1/auth/me", customerToken)).status).toBe(200);
      expect((performance.now() - started) / reads).toBeLessThan(3 * COMMAND_TIMEOUT_MS);
    } finally {
      proxy.restore();
    }
  });

  test("when the Postgres lock cannot be taken either, an order is answered 503 LOCKS_UNAVAILABLE within the lock wait, and the same key can be retried", async () => {
    const holder = postgres(directUrl(t.config.databaseUrl as string), { max: 1, onnotice: () => undefined });
    const key = newKey("locks-down");
    try {
      // Another session holds the product's stock lock: the advisory lock an order would take.
      const held = await holder.reserve();
      await held`select pg_advisory_lock(hashtextextended(${`stock:${productId}`}, 0))`;
      proxy.cut("reset");
      const started = performance.now();
      const res = await placeOrder(t, customerToken, { storeId: shop.storeId, items: [{ productId, quantity: 1 }] }, key);
      const took = performance.now() - started;
      const body = await bodyOf(res);
      expect({ status: res.status, code: body.error?.code, retry: body.error?.details?.retry }).toEqual({
        status: 503,
        code: "LOCKS_UNAVAILABLE",
        retry: "same-idempotency-key",
      });
      expect(body.error.message).toContain("Idempotency-Key");
      expect(took).toBeLessThan(3 * LOCK_WAIT_MS);
    } finally {
      proxy.restore();
      // Ending the session drops its advisory lock.
      await holder.end({ timeout: 1 });
    }
    const retried = await placeOrder(t, customerToken, { storeId: shop.storeId, items: [{ productId, quantity: 1 }] }, key);
    expect(retried.status).toBe(201);
  });
});

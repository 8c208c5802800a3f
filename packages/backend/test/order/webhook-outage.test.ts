/**
 * The Trendyol webhook while Postgres is away: the delivery is answered non-2xx so Trendyol
 * retries it, and the retry (after Postgres is back) records the order once. The app reaches
 * Postgres through a TCP proxy this file owns, so the outage is this app's alone.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../support/app";
import { databaseUrl, skipReason } from "../support/env";
import { bodyOf } from "../support/http";
import { hostAndPort, startTcpProxy, type TcpProxy } from "../support/tcp-proxy";
import { deliver, type IntakeShop, intakeShop, level, listedProduct, type MarketStore, marketplaceOrder, ordersFor, registerWebhook } from "./intake-support";

const skip = skipReason("postgres");
// Trendyol retries a failed delivery after 5 minutes; 1/600 of that is 0.5 s here.
const TIME_SCALE = 600;
const REQUEST_TIMEOUT_MS = 3000;
/** A delivery refused for our fault: 503 at once (the driver failed fast) or at the request deadline (it waited). */
const TRANSIENT = ["WEBHOOK_INTAKE_UNAVAILABLE", "REQUEST_TIMEOUT"];

let t: TestApp;
let proxy: TcpProxy;
let shop: IntakeShop;
let store: MarketStore;
let server: ReturnType<typeof Bun.serve>;
beforeAll(async () => {
  if (skip || !databaseUrl) return;
  const target = hostAndPort(databaseUrl, 5432);
  proxy = await startTcpProxy(target.host, target.port);
  // A query that waits on a dead connection ends at the request deadline (503 REQUEST_TIMEOUT): kept short here.
  t = await createTestApp({ label: "webhook-outage", routeDatabase: (url) => proxy.url(url), env: { REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS) } });
  shop = await intakeShop(t, 1, { timeScale: TIME_SCALE });
  store = shop.stores[0] as MarketStore;
  server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: (request) => t.app.handle(request) });
});
afterAll(async () => {
  if (skip) return;
  await server?.stop(true);
  proxy?.restore();
  await t?.close();
  await proxy?.close();
});

async function eventually(check: () => Promise<boolean> | boolean, deadlineMs = 15_000): Promise<boolean> {
  const end = Date.now() + deadlineMs;
  while (Date.now() < end) {
    if (await check()) return true;
    await Bun.sleep(25);
  }
  return check();
}

describe.skipIf(Boolean(skip))("the Trendyol webhook while Postgres is down", () => {
  test("a delivery that cannot be recorded because the database is down is answered 503, not 200 and dropped", async () => {
    const { productId, barcode } = await listedProduct(t, shop, 4);
    const body = { shipmentPackageId: 8_100_000 + (Date.now() % 100_000), status: "Created", lastModifiedDate: Date.now(), lines: [{ barcode, quantity: 1, lineUnitPrice: 10 }] };
    proxy.cut("reset");
    try {
      const res = await deliver(t, store.storeId, body);
      expect(res.status).toBe(503);
      expect(TRANSIENT).toContain((await bodyOf(res)).error.code);
    } finally {
      proxy.restore();
    }
    // Trendyol's retry, once Postgres is back.
    expect(await eventually(async () => (await deliver(t, store.storeId, body)).status === 200)).toBe(true);
    expect(await ordersFor(t, shop, store, String(body.shipmentPackageId))).toHaveLength(1);
    expect(await level(t, shop, productId)).toEqual({ onHand: 4, reserved: 1 });
  });

  test("the marketplace's own retry after the outage records the order once", async () => {
    await registerWebhook(shop, store, `http://127.0.0.1:${server.port}/api/v1/marketplace/webhooks/trendyol/${store.storeId}`);
    const { productId, barcode } = await listedProduct(t, shop, 5);
    proxy.cut("reset");
    let packageId = "";
    try {
      ({ packageId } = await marketplaceOrder(shop, store, [{ barcode, quantity: 2, unitPrice: 1_000 }]));
      const deliveries = () => shop.sandbox.state.trendyolWebhooks.deliveries(new Set([Number(packageId)]));
      // The first delivery failed: answered 503, or (no answer in Trendyol's time) retried already.
      expect(await eventually(() => deliveries()[0]?.lastHttpStatus === 503 || (deliveries()[0]?.attempts ?? 0) >= 2)).toBe(true);
      expect(deliveries()[0]?.delivered).toBe(false);
    } finally {
      proxy.restore();
    }
    const deliveries = () => shop.sandbox.state.trendyolWebhooks.deliveries(new Set([Number(packageId)]));
    expect(await eventually(() => deliveries()[0]?.delivered === true)).toBe(true);
    expect(deliveries()[0]?.attempts).toBeGreaterThanOrEqual(2);
    expect(await ordersFor(t, shop, store, packageId)).toHaveLength(1);
    expect(await level(t, shop, productId)).toEqual({ onHand: 5, reserved: 2 });
  });
});

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../support/app";
import { createStore } from "../support/catalog";
import { bodyOf } from "../support/http";
import {
  basicAuth,
  deliver,
  type IntakeShop,
  intakeShop,
  level,
  listedProduct,
  type MarketStore,
  marketplaceCancel,
  marketplaceOrder,
  ordersFor,
  registerWebhook,
  WEBHOOK,
} from "./intake-support";

let t: TestApp;
let shop: IntakeShop;
let store: MarketStore;
let server: ReturnType<typeof Bun.serve>;
beforeAll(async () => {
  t = await createTestApp({ label: "order-webhook" });
  shop = await intakeShop(t, 1);
  store = shop.stores[0] as MarketStore;
  // The sandbox delivers over HTTP, so the app listens for this file.
  server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: (request) => t.app.handle(request) });
});
afterAll(async () => {
  await server.stop(true);
  await t.close();
});

const samplePackage = (barcode: string, id = Math.floor(Math.random() * 1e9)) => ({
  shipmentPackageId: id,
  status: "Created",
  lastModifiedDate: Date.now(),
  lines: [{ lineId: id * 10, barcode, quantity: 1, lineUnitPrice: 10.5 }],
});

async function eventually(check: () => Promise<boolean>, deadlineMs = 5000): Promise<boolean> {
  const end = Date.now() + deadlineMs;
  while (Date.now() < end) {
    if (await check()) return true;
    await Bun.sleep(25);
  }
  return check();
}

describe("refused deliveries", () => {
  test("without credentials, with a wrong password or a wrong api key: 401", async () => {
    const body = samplePackage("869-none");
    const attempts: Record<string, string>[] = [
      {},
      { authorization: basicAuth(WEBHOOK.username, "wrong") },
      { authorization: basicAuth("someone", WEBHOOK.password) },
      { authorization: "Bearer something" },
      { "x-api-key": "wrong" },
    ];
    for (const headers of attempts) {
      const res = await deliver(t, store.storeId, body, headers);
      expect(res.status).toBe(401);
      expect((await bodyOf(res)).error.code).toBe("WEBHOOK_UNAUTHORISED");
    }
  });

  test("for an unknown store, a malformed store id or a store without webhook credentials: 401 all the same", async () => {
    const withoutWebhook = await createStore(t, shop.adminToken, {
      type: "TRENDYOL",
      sellerId: "no-hook",
      baseUrl: shop.sandbox.url,
      credentials: { apiKey: "k", apiSecret: "s" },
      warehouseIds: [shop.warehouse.id],
    });
    for (const storeId of ["7d4f0c52-1111-4111-8111-111111111111", "not-a-uuid", withoutWebhook]) {
      const res = await deliver(t, storeId, samplePackage("869-none"));
      expect(res.status).toBe(401);
    }
  });
  // Bodies that are no order at all (4xx) and orders intake cannot read (200, recorded): webhook-unreadable-deliveries.test.ts.
});

describe("accepted deliveries", () => {
  test("Basic auth: the order is taken in, then answered 200; fields we do not know are accepted", async () => {
    const { productId, barcode } = await listedProduct(t, shop, 3);
    const body = { ...samplePackage(barcode), cargoTrackingNumber: 7_123_456, someFieldTrendyolAddsNextYear: { nested: true } };
    const res = await deliver(t, store.storeId, body);
    expect(res.status).toBe(200);
    expect(await bodyOf(res)).toEqual({ accepted: true, externalOrderId: String(body.shipmentPackageId), status: "Created", outcome: "created" });
    const [order] = await ordersFor(t, shop, store, String(body.shipmentPackageId));
    expect(order).toMatchObject({ status: "CREATED", items: [{ productId, quantity: 1, unitPrice: 1_050 }] });
  });

  test("x-api-key auth works too, and a repeated delivery records nothing more", async () => {
    const { productId, barcode } = await listedProduct(t, shop, 3);
    const body = samplePackage(barcode);
    for (let i = 0; i < 3; i += 1) expect((await deliver(t, store.storeId, body, { "x-api-key": WEBHOOK.apiKey })).status).toBe(200);
    expect(await ordersFor(t, shop, store, String(body.shipmentPackageId))).toHaveLength(1);
    expect(await level(t, shop, productId)).toEqual({ onHand: 3, reserved: 1 });
  });

  test("a delivery for an unknown barcode is recorded NEEDS_ATTENTION and counted", async () => {
    const body = samplePackage("869-unknown-barcode");
    expect((await deliver(t, store.storeId, body)).status).toBe(200);
    expect((await ordersFor(t, shop, store, String(body.shipmentPackageId))).map((o) => o.status)).toEqual(["NEEDS_ATTENTION"]);
    const metrics = await t.metrics.registry.metrics();
    expect(metrics).toMatch(/marketplace_orders_taken_in_total\{marketplace="TRENDYOL",source="webhook",outcome="needs_attention"[^}]*\} [1-9]/);
  });

  test("the sandbox's own deliveries create, then cancel, one order", async () => {
    await registerWebhook(shop, store, `http://127.0.0.1:${server.port}/api/v1/marketplace/webhooks/trendyol/${store.storeId}`);
    const { productId, barcode } = await listedProduct(t, shop, 4);
    const { packageId } = await marketplaceOrder(shop, store, [{ barcode, quantity: 2, unitPrice: 3_000 }]);
    expect(await eventually(async () => (await level(t, shop, productId)).reserved === 2)).toBe(true);

    await marketplaceCancel(shop, store, packageId);
    expect(await eventually(async () => (await ordersFor(t, shop, store, packageId))[0]?.status === "CANCELLED")).toBe(true);
    expect(await level(t, shop, productId)).toEqual({ onHand: 4, reserved: 0 });
    expect(await ordersFor(t, shop, store, packageId)).toHaveLength(1);
  });
});

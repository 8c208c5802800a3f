/**
 * Trendyol order webhooks registered through the sandbox's webhook API from PUBLIC_BASE_URL: once
 * and idempotently, again when the credentials or our URL change, re-activated when Trendyol has
 * set them PASSIVE; failures (the limit of 15, 401, 5xx) shown on the store; and an order the
 * sandbox delivers to the registered URL, pulled later too, is one order with one reservation.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { RunningSandbox } from "@pazarsync/marketplace-sandbox";
import { createTestApp, type TestApp } from "../support/app";
import { createStore } from "../support/catalog";
import { bodyOf, type Json } from "../support/http";
import { bearer, get } from "../support/identity";
import { createTrendyolWebhookRegistration } from "../../src/domains/order/trendyol-webhook-registration";
import { createLogger } from "../../src/infra/logger";
import { type IntakeShop, intakeShop, level, listedProduct, type MarketStore, marketplaceOrder, ordersFor, WEBHOOK } from "./intake-support";

let t: TestApp;
let shop: IntakeShop;
let server: ReturnType<typeof Bun.serve>;
let publicBaseUrl: string;
beforeAll(async () => {
  // The sandbox delivers over HTTP: the app listens, and its public URL is this socket.
  server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: (request) => t.app.handle(request) });
  publicBaseUrl = `http://127.0.0.1:${server.port}`;
  t = await createTestApp({ label: "webhook-registration", env: { PUBLIC_BASE_URL: publicBaseUrl } });
  shop = await intakeShop(t, 6);
});
afterAll(async () => {
  await server.stop(true);
  await t.close();
});

const storeAt = (i: number) => shop.stores[i] as MarketStore;
const hooksOf = (store: MarketStore) => shop.sandbox.state.trendyolWebhooks.hooksOf(store.sellerId);
const callbackOf = (store: MarketStore, base = publicBaseUrl) => `${base}/api/v1/marketplace/webhooks/shipment-packages/${store.storeId}`;
const register = (store: MarketStore) => t.services.trendyolWebhookRegistration.registerStore(store.storeId);

async function webhookOf(store: MarketStore): Promise<Json> {
  return (await bodyOf(await get(t, `/api/v1/stores/${store.storeId}`, shop.staffToken))).webhook;
}

async function eventually(check: () => Promise<boolean> | boolean, deadlineMs = 5000): Promise<boolean> {
  const end = Date.now() + deadlineMs;
  while (Date.now() < end) {
    if (await check()) return true;
    await Bun.sleep(25);
  }
  return check();
}

/** The registration a store's creation started has run (it runs after the answer). */
async function settled(store: MarketStore): Promise<Json> {
  expect(await eventually(async () => (await webhookOf(store)).lastAttemptAt !== null)).toBe(true);
  return webhookOf(store);
}

function webhookCalls(store: MarketStore): string[] {
  return shop.sandbox.state.requests().filter((r) => r.endpoint === "webhooks" && r.sellerId === store.sellerId).map((r) => r.method);
}

async function sandboxControl(method: string, path: string, body?: unknown): Promise<void> {
  const res = await fetch(`${shop.sandbox.url}${path}`, { method, headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  expect(res.status).toBeLessThan(300);
}

describe("registration", () => {
  test("a new Trendyol store is registered once, at our URL with its webhook credentials and the order statuses intake needs; running again changes nothing", async () => {
    const store = storeAt(0);
    const webhook = await settled(store);
    expect(webhook).toMatchObject({ state: "REGISTERED", callbackUrl: callbackOf(store), reason: null, httpStatus: null });
    const hooks = hooksOf(store);
    expect(hooks).toHaveLength(1);
    expect(hooks[0]).toMatchObject({ id: webhook.webhookId, url: callbackOf(store), authenticationType: "API_KEY", apiKey: WEBHOOK.apiKey, status: "ACTIVE" });
    expect(hooks[0]?.subscribedStatuses).toEqual(["CREATED", "PICKING", "INVOICED", "SHIPPED", "CANCELLED", "UNSUPPLIED", "UNPACKED"]);

    shop.sandbox.state.clearRequests();
    await register(store);
    await t.services.trendyolWebhookRegistration.registerAll();
    expect(hooksOf(store)).toHaveLength(1);
    expect(webhookCalls(store)).toEqual(["GET", "GET"]);
  });

  test("replicas racing over one store make one hook", async () => {
    const store = storeAt(1);
    await settled(store);
    shop.sandbox.state.trendyolWebhooks.hooks.set(store.sellerId, []);
    const reports = await Promise.all([register(store), register(store), register(store)]);
    expect(reports.filter((r) => r.attempted).length).toBeGreaterThanOrEqual(1);
    expect(hooksOf(store)).toHaveLength(1);
  });

  test("new webhook credentials update the hook in place (the list never shows the secret)", async () => {
    const store = storeAt(2);
    const before = await settled(store);
    const patch = await t.request(`/api/v1/stores/${store.storeId}`, {
      method: "PATCH",
      headers: { "content-type": "application/json", ...bearer(shop.adminToken) },
      body: JSON.stringify({ credentials: { apiKey: "k", apiSecret: "s", webhookApiKey: "rotated-key-2" } }),
    });
    expect(patch.status).toBe(200);
    expect(await eventually(() => hooksOf(store)[0]?.apiKey === "rotated-key-2")).toBe(true);
    expect(hooksOf(store)).toHaveLength(1);
    expect(hooksOf(store)[0]?.id).toBe(before.webhookId);
  });

  test("a new public URL moves our hook rather than adding one", async () => {
    const store = storeAt(3);
    const before = await settled(store);
    const moved = createTrendyolWebhookRegistration({
      stores: t.services.stores,
      locks: t.infra.locks,
      log: createLogger({ level: "silent", pretty: false }),
      settings: { publicBaseUrl: "https://sync.example.com" },
      fingerprintKey: Buffer.alloc(32, 7),
    });
    await moved.registerStore(store.storeId);
    expect(hooksOf(store).map((h) => [h.id, h.url])).toEqual([[before.webhookId, callbackOf(store, "https://sync.example.com")]]);
    expect(await webhookOf(store)).toMatchObject({ state: "REGISTERED", callbackUrl: callbackOf(store, "https://sync.example.com") });
    await register(store);
    expect(hooksOf(store).map((h) => h.url)).toEqual([callbackOf(store)]);
  });

  test("a hook Trendyol set PASSIVE after failed deliveries is activated by the repair run", async () => {
    const store = storeAt(0);
    const [hook] = hooksOf(store);
    if (!hook) throw new Error("no hook");
    hook.status = "PASSIVE";
    await t.services.trendyolWebhookRegistration.registerAll();
    expect(hooksOf(store)[0]?.status).toBe("ACTIVE");
  });

  test("without PUBLIC_BASE_URL nothing is registered and the store says webhooks are off", async () => {
    const store = storeAt(4);
    await settled(store);
    const off = createTrendyolWebhookRegistration({ stores: t.services.stores, locks: t.infra.locks, log: createLogger({ level: "silent", pretty: false }), settings: {}, fingerprintKey: Buffer.alloc(32) });
    shop.sandbox.state.clearRequests();
    await off.registerStore(store.storeId);
    expect(webhookCalls(store)).toEqual([]);
    const webhook = await webhookOf(store);
    expect(webhook.state).toBe("OFF");
    expect(webhook.reason).toContain("PUBLIC_BASE_URL");
    await register(store);
  });

  test("a store without webhook credentials is OFF, pull only; a web store has no webhook", async () => {
    const storeId = await createStore(t, shop.adminToken, { type: "TRENDYOL", sellerId: storeAt(5).sellerId, baseUrl: shop.sandbox.url, credentials: { apiKey: "k", apiSecret: "s" }, warehouseIds: [shop.warehouse.id] });
    const store = { storeId, sellerId: storeAt(5).sellerId };
    const webhook = await settled(store);
    expect(webhook).toMatchObject({ state: "OFF", webhookId: null });
    expect(webhook.reason).toContain("webhookApiKey");
    const web = await createStore(t, shop.adminToken, { type: "WEB", warehouseIds: [shop.warehouse.id] });
    expect((await bodyOf(await get(t, `/api/v1/stores/${web}`, shop.staffToken))).webhook).toBeNull();
  });
});

describe("failures are visible on the store", () => {
  test("15 hooks of other integrations: none deleted, none added, FAILED with the reason", async () => {
    const store = storeAt(5);
    await settled(store);
    const hooks = hooksOf(store);
    hooks.splice(0, hooks.length);
    for (let i = 0; i < 15; i++) {
      hooks.push({ id: `other-${i}`, url: `https://other-${i}.example.com`, username: "x", password: "y", apiKey: null, authenticationType: "BASIC_AUTHENTICATION", status: "ACTIVE", subscribedStatuses: null, createdDate: 1, lastModifiedDate: null });
    }
    await register(store);
    expect(hooksOf(store).map((h) => h.id)).toEqual(Array.from({ length: 15 }, (_, i) => `other-${i}`));
    const webhook = await webhookOf(store);
    expect(webhook).toMatchObject({ state: "FAILED", httpStatus: null });
    expect(webhook.reason).toContain("15 webhooks");
    hooks.splice(0, hooks.length);
    await register(store);
    expect((await webhookOf(store)).state).toBe("REGISTERED");
  });

  test("Trendyol refusing our API credentials (401) or failing (5xx): FAILED with its status and reason; the last id is kept", async () => {
    const store = storeAt(1);
    const registered = await settled(store);
    await t.request(`/api/v1/stores/${store.storeId}`, {
      method: "PATCH",
      headers: { "content-type": "application/json", ...bearer(shop.adminToken) },
      body: JSON.stringify({ credentials: { apiKey: "k", apiSecret: "wrong", webhookApiKey: WEBHOOK.apiKey } }),
    });
    expect(await eventually(async () => (await webhookOf(store)).state === "FAILED")).toBe(true);
    expect(await webhookOf(store)).toMatchObject({ state: "FAILED", httpStatus: 401, webhookId: registered.webhookId });
    expect((await webhookOf(store)).reason).toContain("401");

    await t.request(`/api/v1/stores/${store.storeId}`, {
      method: "PATCH",
      headers: { "content-type": "application/json", ...bearer(shop.adminToken) },
      body: JSON.stringify({ credentials: { apiKey: "k", apiSecret: "s", webhookApiKey: WEBHOOK.apiKey } }),
    });
    expect(await eventually(async () => (await webhookOf(store)).state === "REGISTERED")).toBe(true);
    await sandboxControl("PUT", "/__sandbox/faults", { status5xxRate: 1 });
    try {
      await register(store);
    } finally {
      await sandboxControl("PUT", "/__sandbox/faults", { status5xxRate: 0 });
    }
    expect(await webhookOf(store)).toMatchObject({ state: "FAILED", httpStatus: 503, webhookId: registered.webhookId });
    expect(hooksOf(store)).toHaveLength(1);
  });
});

describe("registration to delivery", () => {
  test("an order the sandbox delivers to the registered URL, then pulled, is one order holding one reservation", async () => {
    const store = storeAt(0);
    expect((await settled(store)).state).toBe("REGISTERED");
    const { productId, barcode } = await listedProduct(t, shop, 5);
    const { orderNumber } = await marketplaceOrder(shop, store, [{ barcode, quantity: 2, unitPrice: 4_500 }]);
    expect(await eventually(async () => (await level(t, shop, productId)).reserved === 2)).toBe(true);
    // Taken in before our answer: the sandbox marks the delivery once it has read it.
    const deliveredToOurHook = () => shop.sandbox.state.trendyolWebhooks.deliveries().some((d) => d.webhookId === hooksOf(store)[0]?.id && d.delivered && d.lastHttpStatus === 200);
    expect(await eventually(deliveredToOurHook)).toBe(true);

    const report = await t.services.orderIntake.pullStore(store.storeId);
    expect(report.pulled).toBe(true);
    expect(await ordersFor(t, shop, store, orderNumber)).toHaveLength(1);
    expect(await level(t, shop, productId)).toEqual({ onHand: 5, reserved: 2 });
  });
});

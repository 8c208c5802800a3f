/**
 * Marketplace order intake tests: a shop whose warehouse sells through Trendyol stores on one
 * in-process sandbox (one seller per store), orders created and cancelled on the sandbox the way
 * a buyer and Trendyol would, and a look at what each marketplace shows.
 */
import { afterAll } from "bun:test";
import { type SandboxOptions, startSandbox, type RunningSandbox } from "@pazarsync/marketplace-sandbox";
import type { TestApp } from "../support/app";
import { addStock, createSimple, createStore, createWarehouse, putListing } from "../support/catalog";
import { bodyOf, type Json } from "../support/http";
import { admin, get, staff } from "../support/identity";

const sandboxes: RunningSandbox[] = [];
afterAll(async () => {
  for (const sandbox of sandboxes.splice(0)) {
    sandbox.state.trendyolWebhooks.stop();
    await sandbox.stop();
  }
});

export const WEBHOOK = { username: "ty-hook", password: "hook-secret-1", apiKey: "hook-api-key-1" };

export interface MarketStore {
  storeId: string;
  sellerId: string;
}

export interface IntakeShop {
  sandbox: RunningSandbox;
  adminToken: string;
  staffToken: string;
  warehouse: { id: string; shelfId: string };
  stores: MarketStore[];
}

let sellers = 0;

/** `storeCount` Trendyol stores (different sellers, one sandbox) selling from one warehouse, each with webhook credentials. */
export async function intakeShop(t: TestApp, storeCount: number, sandboxOptions: SandboxOptions = {}): Promise<IntakeShop> {
  const adminToken = (await admin(t)).tokens.accessToken as string;
  const staffToken = (await staff(t)).tokens.accessToken as string;
  const sellerIds = Array.from({ length: storeCount }, () => `O${Date.now() % 100000}${++sellers}`);
  const sandbox = await startSandbox({ resultDelayMs: 0, ...sandboxOptions, sellers: sellerIds.map((sellerId) => ({ sellerId, apiKey: "k", apiSecret: "s" })) });
  sandboxes.push(sandbox);
  const warehouse = await createWarehouse(t, staffToken);
  const stores: MarketStore[] = [];
  for (const sellerId of sellerIds) {
    const storeId = await createStore(t, adminToken, {
      type: "TRENDYOL",
      sellerId,
      baseUrl: sandbox.url,
      credentials: { apiKey: "k", apiSecret: "s", webhookUsername: WEBHOOK.username, webhookPassword: WEBHOOK.password, webhookApiKey: WEBHOOK.apiKey },
      warehouseIds: [warehouse.id],
    });
    stores.push({ storeId, sellerId });
  }
  return { sandbox, adminToken, staffToken, warehouse, stores };
}

/** A simple product with stock, listed on every store of the shop; answers its id and barcode. */
export async function listedProduct(t: TestApp, shop: IntakeShop, stock: number): Promise<{ productId: string; barcode: string }> {
  const productId = await createSimple(t, shop.staffToken, "Listed");
  if (stock > 0) await addStock(t, shop.staffToken, shop.warehouse.shelfId, productId, stock);
  for (const store of shop.stores) await putListing(t, shop.adminToken, store.storeId, productId, { enabled: true });
  const product = await bodyOf(await get(t, `/api/v1/catalog/products/${productId}`, shop.staffToken));
  return { productId, barcode: String(product.barcode) };
}

async function control(shop: IntakeShop, method: string, path: string, body?: unknown): Promise<Json> {
  const res = await fetch(`${shop.sandbox.url}${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status >= 300) throw new Error(`sandbox ${method} ${path}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? undefined : res.json();
}

/** A buyer orders on the marketplace; answers the package id, the order number and Trendyol's payload. */
export async function marketplaceOrder(
  shop: IntakeShop,
  store: MarketStore,
  lines: { barcode: string; quantity: number; unitPrice: number }[],
  fieldNames: "current" | "legacy" = "current",
): Promise<{ packageId: string; orderNumber: string; payload: Json }> {
  const created = await control(shop, "POST", `/__sandbox/sellers/${store.sellerId}/orders`, { lines, fieldNames });
  return { packageId: String(created.shipmentPackageId), orderNumber: String(created.orderNumber), payload: created.payload };
}

/**
 * The seller reports units it cannot supply: the package becomes Cancelled with them and the
 * rest of it moves to a new package of the same order (createdBy "cancel"). Answers both payloads.
 */
export async function marketplaceUnsupply(
  shop: IntakeShop,
  store: MarketStore,
  packageId: string,
  lines: { lineId: number; quantity: number }[],
): Promise<{ unsupplied: Json; rest: { packageId: string; payload: Json } | null }> {
  const answer = await control(shop, "POST", `/__sandbox/sellers/${store.sellerId}/orders/${packageId}/unsupplied`, { lines });
  return { unsupplied: answer.unsupplied.payload, rest: answer.rest ? { packageId: String(answer.rest.shipmentPackageId), payload: answer.rest.payload } : null };
}

/** Trendyol cancels the package; answers its new payload. */
export async function marketplaceCancel(shop: IntakeShop, store: MarketStore, packageId: string): Promise<Json> {
  return (await control(shop, "POST", `/__sandbox/sellers/${store.sellerId}/orders/${packageId}/cancel`)).payload;
}

export async function registerWebhook(shop: IntakeShop, store: MarketStore, url: string): Promise<void> {
  await control(shop, "PUT", `/__sandbox/sellers/${store.sellerId}/webhook`, { url, auth: { type: "BASIC", username: WEBHOOK.username, password: WEBHOOK.password } });
}

/** The quantity a marketplace store shows for a barcode now. */
export async function shownQuantity(shop: IntakeShop, store: MarketStore, barcode: string): Promise<number | undefined> {
  return (await control(shop, "GET", `/__sandbox/sellers/${store.sellerId}/quantities`))[barcode];
}

/** The store's orders with this marketplace order id, or holding this Trendyol package, as staff see them. */
export async function ordersFor(t: TestApp, shop: IntakeShop, store: MarketStore, externalOrderId: string): Promise<Json[]> {
  const page = await bodyOf(await get(t, `/api/v1/orders?storeId=${store.storeId}&limit=100`, shop.staffToken));
  return page.items.filter(
    (order: Json) => order.externalOrderId === externalOrderId || (order.packages ?? []).some((p: Json) => p.packageId === externalOrderId),
  );
}

export const basicAuth = (username: string, password: string) => `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;

/** Delivers a package to the store's webhook route through the app. */
export function deliver(t: TestApp, storeId: string, body: unknown, headers: Record<string, string> = { authorization: basicAuth(WEBHOOK.username, WEBHOOK.password) }) {
  return t.request(`/api/v1/marketplace/webhooks/trendyol/${storeId}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

export async function level(t: TestApp, shop: IntakeShop, productId: string): Promise<{ onHand: number; reserved: number }> {
  const body = await bodyOf(await get(t, `/api/v1/inventory/products/${productId}/stock`, shop.staffToken));
  const found = body.warehouses.find((w: Json) => w.warehouseId === shop.warehouse.id);
  return { onHand: found?.onHand ?? 0, reserved: found?.reserved ?? 0 };
}

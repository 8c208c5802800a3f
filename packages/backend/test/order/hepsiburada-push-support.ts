/**
 * Hepsiburada order push tests: a shop whose warehouse sells through one Hepsiburada store on an
 * in-process sandbox (merchant account = the store's sellerId), with the push credentials the
 * seller gave Hepsiburada in the store's encrypted credentials; pushes sent to our routes as
 * Hepsiburada would, the sandbox's own pushes when a target is set, and the pull beside them.
 */
import { afterAll } from "bun:test";
import { and, eq } from "drizzle-orm";
import { startSandbox, type RunningSandbox } from "@pazarsync/marketplace-sandbox";
import { orders } from "../../src/domains/order/schema";
import type { TestApp } from "../support/app";
import { addStock, createSimple, createStore, createWarehouse, putListing } from "../support/catalog";
import { bodyOf, type Json } from "../support/http";
import { admin, get, staff } from "../support/identity";

export const HB_PUSH = { username: "hb-push-user", password: "hb-push-secret-1" };
const ACCOUNT = { key: "hb-dev", secret: "hb-service" };

const sandboxes: RunningSandbox[] = [];
afterAll(async () => {
  for (const sandbox of sandboxes.splice(0)) {
    sandbox.state.trendyolWebhooks.stop();
    await sandbox.stop();
  }
});

export interface HbShop {
  t: TestApp;
  sandbox: RunningSandbox;
  tokens: { staff: string; admin: string };
  warehouse: { id: string; shelfId: string };
  storeId: string;
  merchantId: string;
}

let merchants = 0;

export async function hbShop(t: TestApp): Promise<HbShop> {
  const tokens = { staff: (await staff(t)).tokens.accessToken as string, admin: (await admin(t)).tokens.accessToken as string };
  const merchantId = `hb-push-${Date.now() % 100000}-${++merchants}`;
  const sandbox = await startSandbox({ resultDelayMs: 0, accounts: { HEPSIBURADA: [{ account: merchantId, ...ACCOUNT }] } });
  sandboxes.push(sandbox);
  const warehouse = await createWarehouse(t, tokens.staff);
  const storeId = await createStore(t, tokens.admin, {
    type: "HEPSIBURADA",
    sellerId: merchantId,
    baseUrl: sandbox.url,
    credentials: { serviceKey: ACCOUNT.secret, developerUsername: ACCOUNT.key, hbPushUsername: HB_PUSH.username, hbPushPassword: HB_PUSH.password },
    warehouseIds: [warehouse.id],
  });
  return { t, sandbox, tokens, warehouse, storeId, merchantId };
}

/** A simple product with stock, listed on the store; answers its id and barcode (our merchant SKU on Hepsiburada). */
export async function listed(shop: HbShop, name: string, stock: number): Promise<{ productId: string; barcode: string }> {
  const productId = await createSimple(shop.t, shop.tokens.staff, name);
  await addStock(shop.t, shop.tokens.staff, shop.warehouse.shelfId, productId, stock);
  await putListing(shop.t, shop.tokens.admin, shop.storeId, productId, { enabled: true });
  return { productId, barcode: String((await bodyOf(await get(shop.t, `/api/v1/catalog/products/${productId}`, shop.tokens.staff))).barcode) };
}

export const basic = (username: string, password: string) => `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;
const OURS = { authorization: basic(HB_PUSH.username, HB_PUSH.password) };

/** Hepsiburada's Create Order push to the store's route. */
export function pushOrder(shop: HbShop, body: unknown, headers: Record<string, string> = OURS, storeId = shop.storeId) {
  return shop.t.request(`/api/v1/marketplace/webhooks/hepsiburada/${storeId}/orders`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

/** Hepsiburada's Order Cancel push to the store's route. */
export function pushCancel(shop: HbShop, lineItemId: string, body: unknown, headers: Record<string, string> = OURS, storeId = shop.storeId) {
  return shop.t.request(`/api/v1/marketplace/webhooks/hepsiburada/${storeId}/lineitems/${encodeURIComponent(lineItemId)}/cancel`, {
    method: "PUT",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

/** A pushed line in the fixture's shape, with our values. */
export function pushedLine(orderNumber: string, lineId: string, merchantSKU: string, quantity: number, unitPrice = 10) {
  return {
    id: lineId,
    orderNumber,
    orderDate: "2026-12-06T10:00:00.000",
    lastStatusUpdateDate: "2026-12-06T10:00:00.000",
    sku: `HBV${lineId}`,
    merchantSKU,
    quantity,
    merchantId: "m",
    status: "Open",
    unitPrice: { currency: "TRY", amount: unitPrice },
    totalPrice: { currency: "TRY", amount: unitPrice * quantity },
  };
}

export async function reserved(shop: HbShop, productId: string): Promise<number> {
  const body = await bodyOf(await get(shop.t, `/api/v1/inventory/products/${productId}/stock`, shop.tokens.staff));
  return body.warehouses.find((w: Json) => w.warehouseId === shop.warehouse.id)?.reserved ?? 0;
}

/** The store's orders recorded under this key, straight from Postgres. */
export async function ordersUnder(shop: HbShop, externalOrderId: string) {
  return shop.t.infra.database.db
    .select({ id: orders.id, status: orders.status, attentionReasons: orders.attentionReasons, packages: orders.packages })
    .from(orders)
    .where(and(eq(orders.storeId, shop.storeId), eq(orders.externalOrderId, externalOrderId)));
}

/** Every order of the store, straight from Postgres. */
export async function storeOrders(shop: HbShop) {
  return shop.t.infra.database.db.select({ id: orders.id, status: orders.status, attentionReasons: orders.attentionReasons }).from(orders).where(eq(orders.storeId, shop.storeId));
}

export async function pull(shop: HbShop) {
  const report = await shop.t.services.orderIntake.pullStore(shop.storeId);
  if (!report.pulled) throw new Error(`not pulled: ${report.reason}`);
  return report;
}

export async function sandboxControl(shop: HbShop, method: string, what: string, body?: unknown): Promise<Json> {
  const res = await fetch(`${shop.sandbox.url}/__sandbox/marketplaces/hepsiburada/${encodeURIComponent(shop.merchantId)}/${what}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${what}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? undefined : res.json();
}

/** A buyer orders on Hepsiburada; answers the order number (lines are `{number}-1`, `{number}-2`, ...). */
export async function hbOrder(shop: HbShop, lines: { barcode: string; quantity: number; unitPrice: number }[]): Promise<string> {
  return String((await sandboxControl(shop, "POST", "orders", { lines: lines.map(({ barcode, ...line }) => ({ code: barcode, ...line })) })).id);
}

export async function eventually(check: () => Promise<boolean>, deadlineMs = 5000): Promise<boolean> {
  const end = Date.now() + deadlineMs;
  while (Date.now() < end) {
    if (await check()) return true;
    await Bun.sleep(25);
  }
  return check();
}

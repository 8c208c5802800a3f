/**
 * A shop selling on the sandbox's Trendyol, Hepsiburada and PttAVM through their real adapters:
 * orders taken in by the order pull, shipped by staff (the command worker sending the steps), the
 * sandbox's control routes delivering them and opening claims, and reads of what the sandbox holds.
 */
import type { RunningSandbox } from "@pazarsync/marketplace-sandbox";
import type { TestApp } from "../support/app";
import { createStore, putListing } from "../support/catalog";
import { bodyOf, type Json } from "../support/http";
import { get, sendJson } from "../support/identity";
import { MARKETPLACES, orderOn, type SandboxMarketplace } from "../support/marketplaces";
import { type Shop, stockedProduct } from "../order/support";
import { productBarcode } from "./support";

export const TRENDYOL = MARKETPLACES.find((m) => m.type === "TRENDYOL") as SandboxMarketplace;
export const HEPSIBURADA = MARKETPLACES.find((m) => m.type === "HEPSIBURADA") as SandboxMarketplace;
export const PTTAVM = MARKETPLACES.find((m) => m.type === "PTTAVM") as SandboxMarketplace;

/** Hepsiburada stores on the store-account model can report the package in transit (SHIP is a call). */
const HB_STORE_ACCOUNT = { trackingUrlTemplate: "https://cargo.example.com/{trackingNumber}", trackingPhoneNumber: "4440000" };

export async function sandboxStores(t: TestApp, shop: Shop, sandbox: RunningSandbox): Promise<Map<SandboxMarketplace, string>> {
  const stores = new Map<SandboxMarketplace, string>();
  for (const m of [TRENDYOL, HEPSIBURADA, PTTAVM]) {
    const credentials = m === HEPSIBURADA ? { ...m.credentials, ...HB_STORE_ACCOUNT } : m.credentials;
    stores.set(m, await createStore(t, shop.adminToken, { type: m.type, sellerId: m.account, baseUrl: sandbox.url, credentials, warehouseIds: [shop.warehouseId] }));
  }
  return stores;
}

export async function control(sandbox: RunningSandbox, m: SandboxMarketplace, method: string, path: string, body?: unknown): Promise<Json> {
  const base = m.type === "TRENDYOL" ? `/__sandbox/sellers/${m.account}` : `/__sandbox/marketplaces/${m.type.toLowerCase()}/${m.account}`;
  const res = await fetch(`${sandbox.url}${base}${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status >= 300) throw new Error(`sandbox ${method} ${path}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? {} : ((await res.json()) as Json);
}

/** A product with this much stock, listed on every store. */
export async function listedProduct(t: TestApp, shop: Shop, stores: Map<SandboxMarketplace, string>, stock: number): Promise<{ productId: string; barcode: string }> {
  const productId = await stockedProduct(t, shop, stock);
  for (const storeId of stores.values()) await putListing(t, shop.adminToken, storeId, productId, { enabled: true });
  return { productId, barcode: await productBarcode(t, shop, productId) };
}

/** The buyer orders on the marketplace; the order pull takes it in; answers our order. */
export async function takenIn(t: TestApp, shop: Shop, sandbox: RunningSandbox, m: SandboxMarketplace, storeId: string, productId: string, barcode: string, quantity: number): Promise<Json> {
  const marketplaceId = await orderOn(sandbox, m, [{ barcode, quantity, unitPrice: 4_500 }]);
  const report = await t.services.orderIntake.pullStore(storeId);
  if (!report.pulled) throw new Error(`not pulled: ${report.reason}`);
  const page = await bodyOf(await get(t, `/api/v1/orders?storeId=${storeId}&limit=100`, shop.staffToken));
  const order = page.items.find((o: Json) => o.items.some((item: Json) => item.productId === productId));
  if (!order) throw new Error(`order ${marketplaceId} not taken in`);
  return { ...order, marketplaceId };
}

export async function step(t: TestApp, shop: Shop, orderId: string, action: string, body: unknown = {}): Promise<Json> {
  const res = await sendJson(t, "POST", `/api/v1/orders/${orderId}/${action}`, body, shop.staffToken);
  if (res.status !== 200) throw new Error(`${action}: ${res.status} ${await res.text()}`);
  return bodyOf(res);
}

/** Polls (the worker was kicked, not run by the test) until none of the order's commands is in an `open` state. */
export async function commandsSettled(t: TestApp, shop: Shop, orderId: string, timeoutMs = 15_000, open = ["PENDING", "SENDING", "SENT"]): Promise<Json[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const order = await bodyOf(await get(t, `/api/v1/orders/${orderId}`, shop.staffToken));
    const commands: Json[] = order.commands ?? [];
    if (commands.every((c) => !open.includes(c.state)) || Date.now() > deadline) return commands;
    await Bun.sleep(100);
  }
}

export async function returnsOfOrder(t: TestApp, shop: Shop, orderId: string): Promise<Json[]> {
  return (await bodyOf(await get(t, `/api/v1/returns?orderId=${orderId}`, shop.staffToken))).items;
}

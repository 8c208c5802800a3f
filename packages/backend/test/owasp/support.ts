/**
 * The world every OWASP API Top 10 test starts from: an admin, a staff member, two customers,
 * a WEB store selling a stocked product, and a Trendyol store holding credentials.
 */
import type { TestApp } from "../support/app";
import { createStore } from "../support/catalog";
import { bodyOf, type Json } from "../support/http";
import { bearer, customer, sendJson } from "../support/identity";
import { newKey, openShop, stockedProduct, type Shop } from "../order/support";

export interface World extends Shop {
  alice: { token: string; sessionId: string };
  bob: { token: string; sessionId: string };
  productId: string;
  trendyolStoreId: string;
}

/** Never-returned secrets, so a test can search every answer's text for them. */
export const SECRETS = { apiKey: "key-SECRET-1f6d0c", apiSecret: "secret-SECRET-9a2b77", webhookPassword: "hook-SECRET-55e1" };

export async function buildWorld(t: TestApp): Promise<World> {
  const shop = await openShop(t);
  const a = await customer(t);
  const b = await customer(t);
  const productId = await stockedProduct(t, shop, 1000);
  const trendyolStoreId = await createStore(t, shop.adminToken, {
    type: "TRENDYOL",
    sellerId: "4242",
    warehouseIds: [shop.warehouseId],
    credentials: { ...SECRETS, webhookUsername: "hook-user" },
  });
  return {
    ...shop,
    alice: { token: a.tokens.accessToken, sessionId: a.tokens.sessionId },
    bob: { token: b.tokens.accessToken, sessionId: b.tokens.sessionId },
    productId,
    trendyolStoreId,
  };
}

/** An order the customer placed in the world's WEB store (1 unit). */
export async function orderOf(t: TestApp, w: World, token: string): Promise<Json> {
  const res = await t.request("/api/v1/orders", {
    method: "POST",
    headers: { "content-type": "application/json", ...bearer(token), "idempotency-key": newKey("owasp") },
    body: JSON.stringify({ storeId: w.storeId, items: [{ productId: w.productId, quantity: 1 }] }),
  });
  if (res.status !== 201) throw new Error(`order failed: ${res.status} ${await res.text()}`);
  return bodyOf(res);
}

export function call(t: TestApp, method: string, path: string, token?: string, body?: unknown) {
  if (body === undefined && (method === "GET" || method === "DELETE")) return t.request(path, { method, headers: token ? bearer(token) : {} });
  return sendJson(t, method, path, body ?? {}, token);
}

export async function errorCode(res: Response): Promise<string | undefined> {
  const body = await bodyOf(res);
  return body?.error?.code;
}

export const randomId = () => crypto.randomUUID();

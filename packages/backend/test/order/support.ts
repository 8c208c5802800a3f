import { expect } from "bun:test";
import type { TestApp } from "../support/app";
import { createSet, createSimple, createStore, createWarehouse, putListing } from "../support/catalog";
import { bodyOf, type Json } from "../support/http";
import { admin, bearer, customer, get, sendJson, staff } from "../support/identity";

let counter = 0;
/** A fresh Idempotency-Key per call. */
export const newKey = (label = "key") => `${label}-${++counter}-${Math.random().toString(36).slice(2, 8)}`;

export interface Shop {
  adminToken: string;
  staffToken: string;
  warehouseId: string;
  shelfId: string;
  storeId: string;
}

/** An admin, a staff member, one warehouse with a shelf, and a WEB store selling from it. */
export async function openShop(t: TestApp): Promise<Shop> {
  const adminToken = (await admin(t)).tokens.accessToken as string;
  const staffToken = (await staff(t)).tokens.accessToken as string;
  const warehouse = await createWarehouse(t, staffToken);
  const storeId = await createStore(t, adminToken, { type: "WEB", warehouseIds: [warehouse.id] });
  return { adminToken, staffToken, warehouseId: warehouse.id, shelfId: warehouse.shelfId, storeId };
}

export async function stock(t: TestApp, shop: Shop, productId: string, delta: number, shelfId = shop.shelfId): Promise<void> {
  const res = await sendJson(t, "POST", `/api/v1/inventory/shelves/${shelfId}/stock`, { productId, delta, reason: "test stock" }, shop.staffToken);
  if (res.status !== 200) throw new Error(`stock failed: ${res.status} ${await res.text()}`);
}

/** A simple product (price 100.00 TRY, VAT 20) with this much stock on the shop's shelf. */
export async function stockedProduct(t: TestApp, shop: Shop, quantity: number): Promise<string> {
  const productId = await createSimple(t, shop.staffToken);
  if (quantity > 0) await stock(t, shop, productId, quantity);
  return productId;
}

export { createSet, createSimple, putListing };

export async function newCustomer(t: TestApp): Promise<string> {
  return (await customer(t)).tokens.accessToken as string;
}

/** key null sends no Idempotency-Key header. */
export function placeOrder(t: TestApp, token: string, body: unknown, key: string | null = newKey()) {
  return t.request("/api/v1/orders", {
    method: "POST",
    headers: { "content-type": "application/json", ...bearer(token), ...(key === null ? {} : { "idempotency-key": key }) },
    body: JSON.stringify(body),
  });
}

/** An order that must be accepted; answers its body. */
export async function placed(t: TestApp, token: string, storeId: string, items: unknown[]): Promise<Json> {
  const res = await placeOrder(t, token, { storeId, items });
  if (res.status !== 201) throw new Error(`order failed: ${res.status} ${await res.text()}`);
  return bodyOf(res);
}

export function act(t: TestApp, token: string, orderId: string, action: string, body?: unknown) {
  return sendJson(t, "POST", `/api/v1/orders/${orderId}/${action}`, body, token);
}

/** An action that must succeed; answers the order. */
export async function acted(t: TestApp, token: string, orderId: string, action: string, body?: unknown): Promise<Json> {
  const res = await act(t, token, orderId, action, body);
  if (res.status !== 200) throw new Error(`${action} failed: ${res.status} ${await res.text()}`);
  return bodyOf(res);
}

/** The product's level in one warehouse as inventory reports it ({ onHand, reserved } or zeros). */
export async function level(t: TestApp, shop: Shop, productId: string, warehouseId = shop.warehouseId): Promise<{ onHand: number; reserved: number }> {
  const res = await get(t, `/api/v1/inventory/products/${productId}/stock`, shop.staffToken);
  expect(res.status).toBe(200);
  const found = (await bodyOf(res)).warehouses.find((w: Json) => w.warehouseId === warehouseId);
  return { onHand: found?.onHand ?? 0, reserved: found?.reserved ?? 0 };
}

/** The ledger rows an order wrote (its id is their correlation id), oldest first. */
export async function ledgerOf(t: TestApp, shop: Shop, productId: string, orderId: string): Promise<Json[]> {
  const res = await get(t, `/api/v1/inventory/products/${productId}/movements?limit=100`, shop.staffToken);
  expect(res.status).toBe(200);
  return (await bodyOf(res)).items.filter((m: Json) => m.correlationId === orderId).reverse();
}

export async function invariantsOk(t: TestApp, shop: Shop): Promise<Json> {
  const res = await get(t, "/api/v1/inventory/invariants", shop.staffToken);
  expect(res.status).toBe(200);
  return bodyOf(res);
}

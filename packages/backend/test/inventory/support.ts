import { expect } from "bun:test";
import type { TestApp } from "../support/app";
import { bodyOf, type Json } from "../support/http";
import { get, sendJson } from "../support/identity";

let counter = 0;
/** A code no other call in this process has used (warehouse, shelf, SKU, barcode). */
export function uniqueCode(label: string): string {
  counter += 1;
  return `${label}-${counter}-${Math.random().toString(36).slice(2, 7)}`;
}

/** A product created the way staff create one, through the catalog route. */
export async function createProduct(t: TestApp, token: string, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await sendJson(
    t,
    "POST",
    "/api/v1/catalog/products",
    { sku: uniqueCode("SKU"), barcode: uniqueCode("869"), name: "Kışlık mont", type: "SIMPLE", price: 129_900, listPrice: 149_900, currency: "TRY", vatRate: 20, ...extra },
    token,
  );
  if (res.status !== 201) throw new Error(`product creation failed: ${res.status} ${await res.text()}`);
  return (await bodyOf(res)).id;
}

export async function createWarehouse(t: TestApp, token: string, code = uniqueCode("WH")): Promise<Json> {
  const res = await sendJson(t, "POST", "/api/v1/inventory/warehouses", { code, name: `Depo ${code}` }, token);
  if (res.status !== 201) throw new Error(`warehouse creation failed: ${res.status} ${await res.text()}`);
  return bodyOf(res);
}

export async function createShelf(t: TestApp, token: string, warehouseId: string, code = uniqueCode("A")): Promise<Json> {
  const res = await sendJson(t, "POST", `/api/v1/inventory/warehouses/${warehouseId}/shelves`, { code }, token);
  if (res.status !== 201) throw new Error(`shelf creation failed: ${res.status} ${await res.text()}`);
  return bodyOf(res);
}

export function changeStock(t: TestApp, token: string, shelfId: string, productId: string, delta: number, reason = "count") {
  return sendJson(t, "POST", `/api/v1/inventory/shelves/${shelfId}/stock`, { productId, delta, reason }, token);
}

/** A change that must succeed; answers its body. */
export async function putStock(t: TestApp, token: string, shelfId: string, productId: string, delta: number, reason = "receipt"): Promise<Json> {
  const res = await changeStock(t, token, shelfId, productId, delta, reason);
  expect(res.status).toBe(200);
  return bodyOf(res);
}

/** A warehouse with one shelf and a simple product, ready for stock. */
export async function stockedShelf(t: TestApp, token: string, initial = 0) {
  const warehouse = await createWarehouse(t, token);
  const shelf = await createShelf(t, token, warehouse.id);
  const productId = await createProduct(t, token);
  if (initial > 0) await putStock(t, token, shelf.id, productId, initial);
  return { warehouseId: warehouse.id as string, shelfId: shelf.id as string, productId };
}

export async function movements(t: TestApp, token: string, productId: string, query = ""): Promise<Json> {
  const res = await get(t, `/api/v1/inventory/products/${productId}/movements${query}`, token);
  expect(res.status).toBe(200);
  return bodyOf(res);
}

export async function invariants(t: TestApp, token: string): Promise<Json> {
  const res = await get(t, "/api/v1/inventory/invariants", token);
  expect(res.status).toBe(200);
  return bodyOf(res);
}

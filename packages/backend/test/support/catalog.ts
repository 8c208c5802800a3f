import type { TestApp } from "./app";
import { bodyOf, type Json } from "./http";
import { sendJson } from "./identity";

let counter = 0;
const unique = (prefix: string) => `${prefix}-${++counter}-${Math.random().toString(36).slice(2, 7)}`;

async function created(res: Response, what: string): Promise<Json> {
  if (res.status !== 201 && res.status !== 200) throw new Error(`${what} failed: ${res.status} ${await res.text()}`);
  return bodyOf(res);
}

export async function createWarehouse(t: TestApp, token: string): Promise<{ id: string; shelfId: string }> {
  const warehouse = await created(
    await sendJson(t, "POST", "/api/v1/inventory/warehouses", { code: unique("W"), name: "Warehouse" }, token),
    "warehouse",
  );
  const shelf = await created(
    await sendJson(t, "POST", `/api/v1/inventory/warehouses/${warehouse.id}/shelves`, { code: unique("A") }, token),
    "shelf",
  );
  return { id: warehouse.id, shelfId: shelf.id };
}

export async function createSimple(t: TestApp, token: string, name = "Product"): Promise<string> {
  const sku = unique("SKU");
  const body = { sku, barcode: unique("869"), name, type: "SIMPLE", price: 10_000, listPrice: 12_000, currency: "TRY", vatRate: 20 };
  return (await created(await sendJson(t, "POST", "/api/v1/catalog/products", body, token), "product")).id;
}

export async function createSet(t: TestApp, token: string, components: { productId: string; quantity: number }[]): Promise<string> {
  const body = {
    sku: unique("SET"),
    barcode: unique("868"),
    name: "Set",
    type: "SET",
    price: 50_000,
    listPrice: 60_000,
    currency: "TRY",
    vatRate: 20,
    components,
  };
  return (await created(await sendJson(t, "POST", "/api/v1/catalog/products", body, token), "set")).id;
}

export async function addStock(t: TestApp, token: string, shelfId: string, productId: string, delta: number): Promise<Response> {
  return sendJson(t, "POST", `/api/v1/inventory/shelves/${shelfId}/stock`, { productId, delta, reason: "test stock" }, token);
}

export async function createStore(t: TestApp, adminToken: string, body: Record<string, unknown>): Promise<string> {
  const full = { name: unique("Store"), type: "WEB", ...body };
  return (await created(await sendJson(t, "POST", "/api/v1/stores", full, adminToken), "store")).id;
}

export async function putListing(t: TestApp, adminToken: string, storeId: string, productId: string, body: Record<string, unknown>) {
  return created(await sendJson(t, "PUT", `/api/v1/stores/${storeId}/listings/${productId}`, body, adminToken), "listing");
}

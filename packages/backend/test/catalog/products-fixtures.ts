import { expect } from "bun:test";
import { stores } from "../../src/domains/catalog/schema";
import type { TestApp } from "../support/app";
import { bodyOf, type Json } from "../support/http";
import { sendJson } from "../support/identity";

let counter = 0;
/** A code no other test in the run uses. */
export function unique(prefix: string): string {
  counter += 1;
  return `${prefix}-${counter}-${Math.random().toString(36).slice(2, 8)}`;
}

export const PRODUCTS = "/api/v1/catalog/products";

export function simpleBody(overrides: Record<string, unknown> = {}) {
  return { sku: unique("SKU"), barcode: unique("869"), name: "Cotton T-shirt", type: "SIMPLE", price: 19_990, listPrice: 24_990, vatRate: 20, ...overrides };
}

export function setBody(components: { productId: string; quantity: number }[] | undefined, overrides: Record<string, unknown> = {}) {
  return { ...simpleBody({ sku: unique("SET"), name: "Winter set", type: "SET", price: 99_000, listPrice: 120_000 }), components, ...overrides };
}

/** POST /products, failing the test unless it answers 201. */
export async function createProduct(t: TestApp, token: string, body: Record<string, unknown>): Promise<Json> {
  const res = await sendJson(t, "POST", PRODUCTS, body, token);
  if (res.status !== 201) throw new Error(`product creation failed: ${res.status} ${await res.text()}`);
  return bodyOf(res);
}

export async function createSimple(t: TestApp, token: string, overrides: Record<string, unknown> = {}): Promise<Json> {
  return createProduct(t, token, simpleBody(overrides));
}

/** A set of the given components, one of each unless told otherwise. */
export async function createSet(t: TestApp, token: string, componentIds: string[], overrides: Record<string, unknown> = {}): Promise<Json> {
  return createProduct(t, token, setBody(componentIds.map((productId) => ({ productId, quantity: 1 })), overrides));
}

/**
 * A sales channel row. Written directly because the stores routes are another piece of work in
 * progress; catalog owns the table, and the product routes only read store ids from it.
 */
export async function insertStore(t: TestApp, type: "WEB" | "TRENDYOL" = "WEB"): Promise<string> {
  const [row] = await t.infra.database.db.insert(stores).values({ name: unique("Store"), type }).returning({ id: stores.id });
  if (!row) throw new Error("store insert returned nothing");
  return row.id;
}

/** The error code of a refused request, after checking its status. */
export async function refusal(res: Response, status: number): Promise<Json> {
  const body = await bodyOf(res);
  expect({ status: res.status, body }).toMatchObject({ status, body: { error: {} } });
  return body.error;
}

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../support/app";
import { addStock, createSimple, createStore, createWarehouse } from "../support/catalog";
import { bodyOf, type Json } from "../support/http";
import { admin, customer, get, staff } from "../support/identity";

// Customers buy from active WEB stores only (a marketplace store answers them 403, an inactive one
// 422): what the marketplaces and closed stores hold back is the seller's business.
let t: TestApp;
let staffToken: string;
let buyerToken: string;
let stores: { web: string; closedWeb: string; trendyol: string; closedTrendyol: string };
let productId: string;
beforeAll(async () => {
  t = await createTestApp({ label: "availability-visibility" });
  staffToken = (await staff(t)).tokens.accessToken;
  const adminToken = (await admin(t)).tokens.accessToken;
  buyerToken = (await customer(t)).tokens.accessToken;
  const warehouse = await createWarehouse(t, staffToken);
  const store = (body: Record<string, unknown>) => createStore(t, adminToken, { warehouseIds: [warehouse.id], ...body });
  stores = {
    web: await store({ type: "WEB" }),
    closedWeb: await store({ type: "WEB", active: false }),
    trendyol: await store({ type: "TRENDYOL", sellerId: "13579" }),
    closedTrendyol: await store({ type: "TRENDYOL", sellerId: "97531", active: false }),
  };
  productId = await createSimple(t, staffToken, "Visible");
  expect((await addStock(t, staffToken, warehouse.shelfId, productId, 7)).status).toBe(200);
});
afterAll(() => t.close());

const storeIdsIn = (detail: Json): string[] => detail.availability.map((a: Json) => a.storeId);

describe("availability shown to customers", () => {
  test("a customer does not see availability for marketplace or inactive stores", async () => {
    const res = await get(t, `/api/v1/catalog/products/${productId}`, buyerToken);
    expect(res.status).toBe(200);
    const detail = await bodyOf(res);
    expect(storeIdsIn(detail)).toEqual([stores.web]);
    expect(detail.availability[0].sellable).toBe(7);
  });

  test("staff still see every store", async () => {
    const detail = await bodyOf(await get(t, `/api/v1/catalog/products/${productId}`, staffToken));
    expect(storeIdsIn(detail)).toEqual(expect.arrayContaining(Object.values(stores)));
  });

  test("a customer cannot read a marketplace store's sellable quantities through the product list", async () => {
    for (const storeId of [stores.trendyol, stores.closedWeb, stores.closedTrendyol]) {
      const res = await get(t, `/api/v1/catalog/products?storeId=${storeId}&limit=100`, buyerToken);
      expect(res.status).toBe(404);
      expect((await bodyOf(res)).error.code).toBe("STORE_NOT_FOUND");
    }
  });

  test("a customer reads the sellable quantities of the web store they buy from", async () => {
    const page = await bodyOf(await get(t, `/api/v1/catalog/products?storeId=${stores.web}&limit=100`, buyerToken));
    expect(page.items.find((p: Json) => p.id === productId).sellable).toBe(7);
  });

  test("staff read any store's sellable quantities through the product list", async () => {
    const res = await get(t, `/api/v1/catalog/products?storeId=${stores.trendyol}&limit=100`, staffToken);
    expect(res.status).toBe(200);
    expect((await bodyOf(res)).items.find((p: Json) => p.id === productId).sellable).toBe(0);
  });
});

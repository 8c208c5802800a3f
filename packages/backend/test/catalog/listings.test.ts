import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { CatalogChange } from "../../src/domains/catalog/events";
import { createTestApp, type TestApp } from "../support/app";
import { createSimple, createStore } from "../support/catalog";
import { bodyOf } from "../support/http";
import { admin, customer, get, sendJson, staff } from "../support/identity";

let t: TestApp;
let adminToken: string;
let staffToken: string;
const announced: CatalogChange[] = [];
beforeAll(async () => {
  t = await createTestApp({ label: "listings" });
  adminToken = (await admin(t)).tokens.accessToken;
  staffToken = (await staff(t)).tokens.accessToken;
  t.services.events.catalog.on((change) => void announced.push(change));
});
afterAll(() => t.close());

const put = (storeId: string, productId: string, body: unknown, token = staffToken) =>
  sendJson(t, "PUT", `/api/v1/stores/${storeId}/listings/${productId}`, body, token);

async function storeAndProduct() {
  const storeId = await createStore(t, adminToken, { type: "TRENDYOL", sellerId: "1", warehouseIds: [] });
  return { storeId, productId: await createSimple(t, staffToken, "Kettle") };
}

describe("listings", () => {
  test("a first PUT creates the listing with the overrides given", async () => {
    const { storeId, productId } = await storeAndProduct();
    const res = await put(storeId, productId, { enabled: true, price: 12_990, policy: { safetyStock: 2, percentage: 50 } });
    expect(res.status).toBe(200);
    expect(await bodyOf(res)).toMatchObject({
      storeId,
      productId,
      enabled: true,
      price: 12_990,
      policy: { safetyStock: 2, percentage: 50, maxQuantity: null, floor: null },
      lastPushedQuantity: null,
      lastPushedAt: null,
    });
  });

  test("a later PUT keeps the overrides it leaves out and clears the ones set to null", async () => {
    const { storeId, productId } = await storeAndProduct();
    await put(storeId, productId, { enabled: true, price: 5_000, policy: { safetyStock: 2, maxQuantity: 30 } });
    const res = await put(storeId, productId, { enabled: false, policy: { maxQuantity: null } });
    expect(await bodyOf(res)).toMatchObject({
      enabled: false,
      price: 5_000,
      policy: { safetyStock: 2, percentage: null, maxQuantity: null, floor: null },
    });
  });

  test("percentage 0 and 101 are refused with 422", async () => {
    const { storeId, productId } = await storeAndProduct();
    for (const percentage of [0, 101]) {
      const res = await put(storeId, productId, { enabled: true, policy: { percentage } });
      expect(res.status).toBe(422);
      expect((await bodyOf(res)).error.code).toBe("VALIDATION_FAILED");
    }
  });

  test("a negative price, a fractional safety stock and an unknown override are refused", async () => {
    const { storeId, productId } = await storeAndProduct();
    for (const body of [
      { enabled: true, price: -1 },
      { enabled: true, policy: { safetyStock: 1.5 } },
      { enabled: true, policy: { discount: 5 } },
      { enabled: "yes" },
    ]) {
      expect((await put(storeId, productId, body)).status).toBe(422);
    }
    const page = await bodyOf(await get(t, `/api/v1/stores/${storeId}/listings`, staffToken));
    expect(page.total).toBe(0);
  });

  test("an unknown product is 404 PRODUCT_NOT_FOUND", async () => {
    const { storeId } = await storeAndProduct();
    const res = await put(storeId, crypto.randomUUID(), { enabled: true });
    expect(res.status).toBe(404);
    expect((await bodyOf(res)).error.code).toBe("PRODUCT_NOT_FOUND");
  });

  test("an unknown store is 404 STORE_NOT_FOUND", async () => {
    const { productId } = await storeAndProduct();
    const res = await put(crypto.randomUUID(), productId, { enabled: true });
    expect(res.status).toBe(404);
    expect((await bodyOf(res)).error.code).toBe("STORE_NOT_FOUND");
  });

  test("a saved listing is announced for its store and product", async () => {
    const { storeId, productId } = await storeAndProduct();
    announced.length = 0;
    await put(storeId, productId, { enabled: true });
    expect(announced).toEqual([{ productIds: [productId], storeIds: [storeId] }]);
  });

  test("a customer may not list products; an admin may", async () => {
    const { storeId, productId } = await storeAndProduct();
    expect((await put(storeId, productId, { enabled: true }, (await customer(t)).tokens.accessToken)).status).toBe(403);
    expect((await put(storeId, productId, { enabled: true }, adminToken)).status).toBe(200);
  });

  test("a store's listings come in pages with a total", async () => {
    const { storeId } = await storeAndProduct();
    const products = [await createSimple(t, staffToken), await createSimple(t, staffToken), await createSimple(t, staffToken)];
    for (const productId of products) await put(storeId, productId, { enabled: true });
    const first = await bodyOf(await get(t, `/api/v1/stores/${storeId}/listings?limit=2`, staffToken));
    const second = await bodyOf(await get(t, `/api/v1/stores/${storeId}/listings?limit=2&page=2`, staffToken));
    expect(first).toMatchObject({ page: 1, limit: 2, total: 3 });
    expect(first.items).toHaveLength(2);
    expect(second.items).toHaveLength(1);
    const seen = [...first.items, ...second.items].map((l: { productId: string }) => l.productId);
    expect(seen.sort()).toEqual([...products].sort());
  });

  test("the listings of an unknown store are 404", async () => {
    const res = await get(t, `/api/v1/stores/${crypto.randomUUID()}/listings`, staffToken);
    expect(res.status).toBe(404);
    expect((await bodyOf(res)).error.code).toBe("STORE_NOT_FOUND");
  });

  test("a limit over 100 is refused", async () => {
    const { storeId } = await storeAndProduct();
    expect((await get(t, `/api/v1/stores/${storeId}/listings?limit=101`, staffToken)).status).toBe(422);
  });
});

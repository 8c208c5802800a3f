import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../support/app";
import { bodyOf, type Json } from "../support/http";
import { customer, get, staff } from "../support/identity";
import { createSet, createSimple, insertStore, PRODUCTS, refusal, unique } from "./products-fixtures";

let t: TestApp;
let token: string;
beforeAll(async () => {
  t = await createTestApp({ label: "products-list" });
  token = (await staff(t)).tokens.accessToken;
});
afterAll(() => t.close());

const list = (query: string, as = token) => get(t, `${PRODUCTS}?${query}`, as);
const page = async (query: string): Promise<Json> => {
  const res = await list(query);
  expect(res.status).toBe(200);
  return bodyOf(res);
};
const skus = (body: Json): string[] => body.items.map((p: { sku: string }) => p.sku);

/** Products whose names share a marker no other test uses, so q= isolates them. */
async function named(count: number): Promise<{ marker: string; products: Json[] }> {
  const marker = unique("batch");
  const products: Json[] = [];
  for (let i = 0; i < count; i += 1) {
    products.push(await createSimple(t, token, { name: `Mug ${marker} ${i}` }));
    // "Newest first" needs distinct creation times: two creates within one tick of the embedded
    // database's clock share a timestamp, and ties fall back to the (random) id.
    await Bun.sleep(3);
  }
  return { marker, products };
}

describe("pagination", () => {
  test("a page reports the total across pages and the limit asked for", async () => {
    const { marker } = await named(3);
    expect(await page(`q=${marker}&limit=2`)).toMatchObject({ page: 1, limit: 2, total: 3 });
  });

  test("page 2 holds what page 1 did not, newest first", async () => {
    const { marker, products } = await named(3);
    const first = await page(`q=${marker}&limit=2&page=1`);
    const second = await page(`q=${marker}&limit=2&page=2`);
    expect(skus(first)).toEqual([products[2].sku, products[1].sku]);
    expect(skus(second)).toEqual([products[0].sku]);
  });

  test("by default a page is page 1 and holds at most 20 items", async () => {
    const { marker } = await named(21);
    const body = await page(`q=${marker}`);
    expect(body).toMatchObject({ page: 1, limit: 20, total: 21 });
    expect(body.items).toHaveLength(20);
  });

  test("an unknown query parameter is 422", async () => {
    expect((await list("colour=red")).status).toBe(422);
  });

  test("a limit above 100 is 422", async () => {
    expect((await refusal(await list("limit=101"), 422)).code).toBe("VALIDATION_FAILED");
  });

  test("page 0 is 422", async () => {
    expect((await list("page=0")).status).toBe(422);
  });

  test("a page past the end is empty but still counts the total", async () => {
    const { marker } = await named(1);
    expect(await page(`q=${marker}&page=5`)).toMatchObject({ items: [], total: 1 });
  });
});

describe("filters", () => {
  test("type=SET lists only sets", async () => {
    const { marker, products } = await named(1);
    const set = await createSet(t, token, [products[0].id], { name: `Set ${marker}` });
    const body = await page(`q=${marker}&type=SET`);
    expect(skus(body)).toEqual([set.sku]);
    expect(body.items[0].components).toHaveLength(1);
  });

  test("sku matches exactly, not as a prefix", async () => {
    const product = await createSimple(t, token);
    await createSimple(t, token, { sku: `${product.sku}-XL` });
    expect(skus(await page(`sku=${encodeURIComponent(product.sku)}`))).toEqual([product.sku]);
  });

  test("barcode matches exactly", async () => {
    const product = await createSimple(t, token);
    expect(skus(await page(`barcode=${encodeURIComponent(product.barcode)}`))).toEqual([product.sku]);
  });

  test("q finds a part of the name, ignoring case", async () => {
    const marker = unique("Kazak");
    const product = await createSimple(t, token, { name: `Yün ${marker} lacivert` });
    expect(skus(await page(`q=${encodeURIComponent(marker.toUpperCase())}`))).toEqual([product.sku]);
  });

  test("q finds a part of the SKU", async () => {
    const product = await createSimple(t, token);
    expect(skus(await page(`q=${encodeURIComponent(product.sku.slice(4).toLowerCase())}`))).toEqual([product.sku]);
  });

  test("q treats % and _ as characters, not wildcards", async () => {
    const marker = unique("pct");
    const product = await createSimple(t, token, { name: `${marker} 50% off` });
    await createSimple(t, token, { name: `${marker} 50 off` });
    expect(skus(await page(`q=${encodeURIComponent(`${marker} 50%`)}`))).toEqual([product.sku]);
  });

  test("an unknown type is 422", async () => {
    expect((await list("type=BUNDLE")).status).toBe(422);
  });
});

describe("who may list", () => {
  test("a customer may list the catalog", async () => {
    expect((await list("", (await customer(t)).tokens.accessToken)).status).toBe(200);
  });

  test("no token is 401", async () => {
    expect((await t.request(PRODUCTS)).status).toBe(401);
  });
});

describe("sellable in a store", () => {
  test("with storeId every item carries a sellable number", async () => {
    const { marker } = await named(2);
    const storeId = await insertStore(t);
    const body = await page(`q=${marker}&storeId=${storeId}`);
    expect(body.items).toHaveLength(2);
    for (const item of body.items) expect(Number.isInteger(item.sellable)).toBe(true);
  });

  test("without storeId items carry no sellable field", async () => {
    const { marker } = await named(1);
    expect((await page(`q=${marker}`)).items[0].sellable).toBeUndefined();
  });

  test("an unknown store is 404 STORE_NOT_FOUND", async () => {
    expect((await refusal(await list(`storeId=${crypto.randomUUID()}`), 404)).code).toBe("STORE_NOT_FOUND");
  });

  test("a malformed storeId is 422", async () => {
    expect((await list("storeId=web")).status).toBe(422);
  });
});

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../support/app";
import { bodyOf } from "../support/http";
import { customer, get, staff } from "../support/identity";
import { createProduct, createSimple, insertStore, PRODUCTS, refusal, setBody } from "./products-fixtures";

let t: TestApp;
let token: string;
let storeIds: string[];
beforeAll(async () => {
  t = await createTestApp({ label: "products-detail" });
  token = (await staff(t)).tokens.accessToken;
  storeIds = [await insertStore(t, "WEB"), await insertStore(t, "TRENDYOL")];
});
afterAll(() => t.close());

const detail = (id: string, as = token) => get(t, `${PRODUCTS}/${id}`, as);

describe("one product", () => {
  test("a set shows its components and one availability entry per store, with the per-component detail", async () => {
    const coat = await createSimple(t, token, { name: "Coat" });
    const gloves = await createSimple(t, token, { name: "Gloves" });
    const set = await createProduct(t, token, setBody([{ productId: coat.id, quantity: 1 }, { productId: gloves.id, quantity: 2 }]));
    const res = await detail(set.id);
    expect(res.status).toBe(200);
    const body = await bodyOf(res);
    expect(body).toMatchObject({ id: set.id, sku: set.sku, type: "SET", price: set.price });
    expect(body.components).toEqual(set.components);
    expect(body.availability.map((a: { storeId: string }) => a.storeId)).toEqual(storeIds);
    for (const entry of body.availability) {
      expect(Number.isInteger(entry.sellable)).toBe(true);
      expect(entry.components.map((c: { productId: string; quantity: number }) => [c.productId, c.quantity]).sort()).toEqual(
        [[coat.id, 1], [gloves.id, 2]].sort(),
      );
    }
  });

  test("a simple product has no components, in itself or in its availability", async () => {
    const product = await createSimple(t, token);
    const body = await bodyOf(await detail(product.id));
    expect(body.components).toBeUndefined();
    expect(body.availability).toHaveLength(storeIds.length);
    for (const entry of body.availability) expect(entry.components).toBeUndefined();
  });

  test("a customer may read a product", async () => {
    const product = await createSimple(t, token);
    expect((await detail(product.id, (await customer(t)).tokens.accessToken)).status).toBe(200);
  });

  test("an id in capitals names the same product", async () => {
    const product = await createSimple(t, token);
    expect((await bodyOf(await detail(product.id.toUpperCase()))).id).toBe(product.id);
  });

  test("an unknown id is 404 PRODUCT_NOT_FOUND", async () => {
    const error = await refusal(await detail(crypto.randomUUID()), 404);
    expect(error.code).toBe("PRODUCT_NOT_FOUND");
  });

  test("a malformed id is 422", async () => {
    expect((await detail("42")).status).toBe(422);
  });

  test("no token is 401", async () => {
    expect((await t.request(`${PRODUCTS}/${crypto.randomUUID()}`)).status).toBe(401);
  });
});

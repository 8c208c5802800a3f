import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../support/app";
import { staff } from "../support/identity";
import { createProduct, createSimple, setBody } from "./products-fixtures";

let t: TestApp;
let token: string;
beforeAll(async () => {
  t = await createTestApp({ label: "products-lookups" });
  token = (await staff(t)).tokens.accessToken;
});
afterAll(() => t.close());

describe("what other domains may ask of the catalog", () => {
  test("findProduct gives a product's summary with its price", async () => {
    const product = await createSimple(t, token, { price: 1_250 });
    expect(await t.services.products.findProduct(product.id)).toMatchObject({
      id: product.id,
      sku: product.sku,
      barcode: product.barcode,
      type: "SIMPLE",
      active: true,
      price: 1_250,
      currency: "TRY",
    });
  });

  test("findProduct answers undefined for an unknown id and for one that is not a UUID", async () => {
    expect(await t.services.products.findProduct(crypto.randomUUID())).toBeUndefined();
    expect(await t.services.products.findProduct("nope")).toBeUndefined();
  });

  test("findProducts returns the ones that exist and leaves the rest out", async () => {
    const [a, b] = [await createSimple(t, token), await createSimple(t, token)];
    const found = await t.services.products.findProducts([a.id, crypto.randomUUID(), b.id]);
    expect(found.map((p) => p.id).sort()).toEqual([a.id, b.id].sort());
  });

  test("findByBarcodes finds products by barcode", async () => {
    const [a, b] = [await createSimple(t, token), await createSimple(t, token)];
    const found = await t.services.products.findByBarcodes([b.barcode, "no-such-barcode", a.barcode]);
    expect(found.map((p) => p.id).sort()).toEqual([a.id, b.id].sort());
  });

  test("setsContaining names every set that holds any of the components, once", async () => {
    const [a, b, loose] = [await createSimple(t, token), await createSimple(t, token), await createSimple(t, token)];
    const both = await createProduct(t, token, setBody([{ productId: a.id, quantity: 1 }, { productId: b.id, quantity: 1 }]));
    const onlyB = await createProduct(t, token, setBody([{ productId: b.id, quantity: 3 }]));
    expect((await t.services.products.setsContaining([a.id, b.id])).sort()).toEqual([both.id, onlyB.id].sort());
    expect(await t.services.products.setsContaining([loose.id])).toEqual([]);
  });

  test("componentsOf maps each set to its components and quantities, and leaves simple products out", async () => {
    const [a, b] = [await createSimple(t, token), await createSimple(t, token)];
    const set = await createProduct(t, token, setBody([{ productId: a.id, quantity: 1 }, { productId: b.id, quantity: 2 }]));
    const map = await t.services.products.componentsOf([set.id, a.id]);
    expect([...map.keys()]).toEqual([set.id]);
    const components = map.get(set.id) ?? [];
    expect(components.map((c) => [c.componentId, c.quantity]).sort()).toEqual([[a.id, 1], [b.id, 2]].sort());
  });

  test("empty questions get empty answers", async () => {
    expect(await t.services.products.findProducts([])).toEqual([]);
    expect(await t.services.products.findByBarcodes([])).toEqual([]);
    expect(await t.services.products.setsContaining([])).toEqual([]);
    expect((await t.services.products.componentsOf([])).size).toBe(0);
  });
});

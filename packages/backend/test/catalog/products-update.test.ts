import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { CatalogChange } from "../../src/domains/catalog/events";
import { createTestApp, type TestApp } from "../support/app";
import { bodyOf } from "../support/http";
import { customer, get, sendJson, staff } from "../support/identity";
import { createSet, createSimple, PRODUCTS, refusal } from "./products-fixtures";

let t: TestApp;
let token: string;
const announced: CatalogChange[] = [];
beforeAll(async () => {
  t = await createTestApp({ label: "products-update" });
  token = (await staff(t)).tokens.accessToken;
  t.services.events.catalog.on((change) => void announced.push(change));
});
afterAll(() => t.close());

const patch = (id: string, body: unknown, as = token) => sendJson(t, "PATCH", `${PRODUCTS}/${id}`, body, as);
const changesOf = (productId: string) => announced.filter((c) => c.productIds.includes(productId));

describe("updating a product", () => {
  test("staff renames and reprices a product; other fields stay and updatedAt moves on", async () => {
    const before = await createSimple(t, token);
    const res = await patch(before.id, { name: "Linen shirt", price: 15_000, vatRate: 10 });
    expect(res.status).toBe(200);
    const after = await bodyOf(res);
    expect(after).toMatchObject({ id: before.id, name: "Linen shirt", price: 15_000, vatRate: 10, sku: before.sku, listPrice: before.listPrice });
    expect(Date.parse(after.updatedAt)).toBeGreaterThan(Date.parse(before.updatedAt));
  });

  test("the change is what a later read shows", async () => {
    const product = await createSimple(t, token);
    await patch(product.id, { currency: "USD", listPrice: 30_000 });
    expect(await bodyOf(await get(t, `${PRODUCTS}/${product.id}`, token))).toMatchObject({ currency: "USD", listPrice: 30_000 });
  });

  test("a customer gets 403 FORBIDDEN", async () => {
    const product = await createSimple(t, token);
    const error = await refusal(await patch(product.id, { name: "Mine now" }, (await customer(t)).tokens.accessToken), 403);
    expect(error.code).toBe("FORBIDDEN");
  });

  test("an unknown product is 404 PRODUCT_NOT_FOUND", async () => {
    expect((await refusal(await patch(crypto.randomUUID(), { name: "Nobody" }), 404)).code).toBe("PRODUCT_NOT_FOUND");
  });

  test("a SKU already taken by another product is 409 DUPLICATE_SKU", async () => {
    const [a, b] = [await createSimple(t, token), await createSimple(t, token)];
    expect((await refusal(await patch(b.id, { sku: a.sku }), 409)).code).toBe("DUPLICATE_SKU");
  });

  test("a barcode already taken by another product is 409 DUPLICATE_BARCODE", async () => {
    const [a, b] = [await createSimple(t, token), await createSimple(t, token)];
    expect((await refusal(await patch(b.id, { barcode: a.barcode }), 409)).code).toBe("DUPLICATE_BARCODE");
  });

  test("the type cannot change: 422 TYPE_IMMUTABLE", async () => {
    const product = await createSimple(t, token);
    expect((await refusal(await patch(product.id, { type: "SET" }), 422)).code).toBe("TYPE_IMMUTABLE");
  });

  test("an empty body is 422", async () => {
    const product = await createSimple(t, token);
    expect((await patch(product.id, {})).status).toBe(422);
  });

  test("a malformed id is 422", async () => {
    expect((await patch("not-a-uuid", { name: "X" })).status).toBe(422);
  });
});

describe("a set's components", () => {
  test("are replaced wholesale", async () => {
    const [a, b, c] = [await createSimple(t, token), await createSimple(t, token), await createSimple(t, token)];
    const set = await createSet(t, token, [a.id, b.id]);
    const res = await patch(set.id, { components: [{ productId: c.id, quantity: 3 }] });
    expect(res.status).toBe(200);
    expect((await bodyOf(res)).components).toEqual([{ productId: c.id, sku: c.sku, name: c.name, quantity: 3 }]);
  });

  test("cannot include the set itself: 422 SET_CONTAINS_ITSELF", async () => {
    const part = await createSimple(t, token);
    const set = await createSet(t, token, [part.id]);
    const error = await refusal(await patch(set.id, { components: [{ productId: set.id, quantity: 1 }] }), 422);
    expect(error.code).toBe("SET_CONTAINS_ITSELF");
  });

  test("cannot become empty: 422 SET_WITHOUT_COMPONENTS, and the old ones stay", async () => {
    const part = await createSimple(t, token);
    const set = await createSet(t, token, [part.id]);
    expect((await refusal(await patch(set.id, { components: [] }), 422)).code).toBe("SET_WITHOUT_COMPONENTS");
    expect((await bodyOf(await get(t, `${PRODUCTS}/${set.id}`, token))).components).toEqual(set.components);
  });

  test("are checked like on creation: another set is 422 COMPONENT_NOT_SIMPLE", async () => {
    const part = await createSimple(t, token);
    const [inner, outer] = [await createSet(t, token, [part.id]), await createSet(t, token, [part.id])];
    expect((await refusal(await patch(outer.id, { components: [{ productId: inner.id, quantity: 1 }] }), 422)).code).toBe("COMPONENT_NOT_SIMPLE");
  });

  test("are not accepted on a SIMPLE product: 422 SIMPLE_WITH_COMPONENTS", async () => {
    const [product, other] = [await createSimple(t, token), await createSimple(t, token)];
    const error = await refusal(await patch(product.id, { components: [{ productId: other.id, quantity: 1 }] }), 422);
    expect(error.code).toBe("SIMPLE_WITH_COMPONENTS");
  });

  test("stay as they were when the same update fails on a duplicate SKU", async () => {
    const [a, b, taken] = [await createSimple(t, token), await createSimple(t, token), await createSimple(t, token)];
    const set = await createSet(t, token, [a.id]);
    await refusal(await patch(set.id, { sku: taken.sku, components: [{ productId: b.id, quantity: 1 }] }), 409);
    expect((await bodyOf(await get(t, `${PRODUCTS}/${set.id}`, token))).components).toEqual(set.components);
    expect(changesOf(set.id)).toEqual([]);
  });
});

describe("re-sync announcements", () => {
  test("changing a set's components announces the set once, after the change", async () => {
    const [a, b] = [await createSimple(t, token), await createSimple(t, token)];
    const set = await createSet(t, token, [a.id]);
    // What a listener reads when told: the committed components (another connection on Postgres).
    let seenByListener: unknown;
    t.services.events.catalog.on(async (change) => {
      if (change.productIds.includes(set.id)) seenByListener = (await t.services.products.componentsOf([set.id])).get(set.id)?.length;
    });
    await patch(set.id, { components: [{ productId: a.id, quantity: 1 }, { productId: b.id, quantity: 2 }] });
    expect(changesOf(set.id)).toEqual([{ productIds: [set.id] }]);
    expect(seenByListener).toBe(2);
  });

  test("changing the active flag announces the product once", async () => {
    const product = await createSimple(t, token);
    await patch(product.id, { active: false });
    expect(changesOf(product.id)).toEqual([{ productIds: [product.id] }]);
  });

  test("changing the price announces it (stores that push prices send it) and changing only the name does not", async () => {
    const product = await createSimple(t, token);
    await patch(product.id, { name: "Renamed" });
    expect(changesOf(product.id)).toEqual([]);
    await patch(product.id, { price: 1 });
    expect(changesOf(product.id)).toHaveLength(1);
  });

  test("sending a set's components unchanged announces nothing", async () => {
    const part = await createSimple(t, token);
    const set = await createSet(t, token, [part.id]);
    const res = await patch(set.id, { components: [{ productId: part.id, quantity: 1 }], active: true });
    expect(res.status).toBe(200);
    expect(changesOf(set.id)).toEqual([]);
  });

  test("a refused component change announces nothing", async () => {
    const part = await createSimple(t, token);
    const set = await createSet(t, token, [part.id]);
    await refusal(await patch(set.id, { components: [{ productId: crypto.randomUUID(), quantity: 1 }] }), 422);
    expect(changesOf(set.id)).toEqual([]);
  });
});

describe("racing updates", () => {
  test("two simultaneous component replacements both succeed and the set ends with one of them whole", async () => {
    const [a, b, c] = [await createSimple(t, token), await createSimple(t, token), await createSimple(t, token)];
    const set = await createSet(t, token, [a.id]);
    const first = [{ productId: a.id, quantity: 2 }, { productId: b.id, quantity: 1 }];
    const second = [{ productId: b.id, quantity: 5 }, { productId: c.id, quantity: 1 }];
    const answers = await Promise.all([patch(set.id, { components: first }), patch(set.id, { components: second })]);
    expect(answers.map((r) => r.status)).toEqual([200, 200]);
    const stored = (await bodyOf(await get(t, `${PRODUCTS}/${set.id}`, token))).components.map(
      (x: { productId: string; quantity: number }) => ({ productId: x.productId, quantity: x.quantity }),
    );
    const sorted = (list: { productId: string }[]) => [...list].sort((x, y) => x.productId.localeCompare(y.productId));
    expect([JSON.stringify(sorted(first)), JSON.stringify(sorted(second))]).toContain(JSON.stringify(sorted(stored)));
  });
});

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../support/app";
import { bodyOf } from "../support/http";
import { admin, customer, sendJson, staff } from "../support/identity";
import { createProduct, createSimple, PRODUCTS, refusal, setBody, simpleBody, unique } from "./products-fixtures";

let t: TestApp;
let token: string;
beforeAll(async () => {
  t = await createTestApp({ label: "products-create" });
  token = (await staff(t)).tokens.accessToken;
});
afterAll(() => t.close());

const post = (body: unknown, as = token) => sendJson(t, "POST", PRODUCTS, body, as);

describe("creating products", () => {
  test("staff creates a simple product: 201 with an id, TRY by default, active, no components", async () => {
    const body = simpleBody();
    const res = await post(body);
    expect(res.status).toBe(201);
    const product = await bodyOf(res);
    expect(product).toMatchObject({ ...body, currency: "TRY", active: true });
    expect(product.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(product.components).toBeUndefined();
    expect(Date.parse(product.createdAt)).not.toBeNaN();
  });

  test("an admin may create products too, with currency and active given", async () => {
    const res = await post(simpleBody({ currency: "EUR", active: false }), (await admin(t)).tokens.accessToken);
    expect(res.status).toBe(201);
    expect(await bodyOf(res)).toMatchObject({ currency: "EUR", active: false });
  });

  test("a set is created with its components, each with its sku, name and quantity", async () => {
    const coat = await createSimple(t, token, { name: "Coat" });
    const gloves = await createSimple(t, token, { name: "Gloves" });
    const res = await post(setBody([{ productId: coat.id, quantity: 1 }, { productId: gloves.id, quantity: 2 }]));
    expect(res.status).toBe(201);
    const set = await bodyOf(res);
    expect(set.type).toBe("SET");
    expect(set.components).toHaveLength(2);
    expect(set.components).toContainEqual({ productId: coat.id, sku: coat.sku, name: "Coat", quantity: 1 });
    expect(set.components).toContainEqual({ productId: gloves.id, sku: gloves.sku, name: "Gloves", quantity: 2 });
  });

  test("a customer gets 403 FORBIDDEN", async () => {
    const error = await refusal(await post(simpleBody(), (await customer(t)).tokens.accessToken), 403);
    expect(error.code).toBe("FORBIDDEN");
  });

  test("no token is 401", async () => {
    const res = await t.request(PRODUCTS, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(simpleBody()) });
    expect(res.status).toBe(401);
  });
});

describe("uniqueness", () => {
  test("a SKU already taken is 409 DUPLICATE_SKU", async () => {
    const first = await createSimple(t, token);
    const error = await refusal(await post(simpleBody({ sku: first.sku })), 409);
    expect(error.code).toBe("DUPLICATE_SKU");
    expect(error.details).toEqual({ sku: first.sku });
  });

  test("a barcode already taken is 409 DUPLICATE_BARCODE", async () => {
    const first = await createSimple(t, token);
    const error = await refusal(await post(simpleBody({ barcode: first.barcode })), 409);
    expect(error.code).toBe("DUPLICATE_BARCODE");
  });
});

describe("set rules", () => {
  test("a set with an empty component list is 422 SET_WITHOUT_COMPONENTS", async () => {
    expect((await refusal(await post(setBody([])), 422)).code).toBe("SET_WITHOUT_COMPONENTS");
  });

  test("a set with no components field is 422 SET_WITHOUT_COMPONENTS", async () => {
    expect((await refusal(await post(setBody(undefined)), 422)).code).toBe("SET_WITHOUT_COMPONENTS");
  });

  test("a component that does not exist is 422 UNKNOWN_COMPONENT naming it", async () => {
    const real = await createSimple(t, token);
    const ghost = crypto.randomUUID();
    const error = await refusal(await post(setBody([{ productId: real.id, quantity: 1 }, { productId: ghost, quantity: 1 }])), 422);
    expect(error.code).toBe("UNKNOWN_COMPONENT");
    expect(error.details.productIds).toEqual([ghost]);
  });

  test("a set inside a set is 422 COMPONENT_NOT_SIMPLE", async () => {
    const part = await createSimple(t, token);
    const inner = await createProduct(t, token, setBody([{ productId: part.id, quantity: 1 }]));
    const error = await refusal(await post(setBody([{ productId: inner.id, quantity: 1 }])), 422);
    expect(error.code).toBe("COMPONENT_NOT_SIMPLE");
    expect(error.details.productIds).toEqual([inner.id]);
  });

  test("the same component listed twice is 422 DUPLICATE_COMPONENT", async () => {
    const part = await createSimple(t, token);
    const error = await refusal(await post(setBody([{ productId: part.id, quantity: 1 }, { productId: part.id, quantity: 2 }])), 422);
    expect(error.code).toBe("DUPLICATE_COMPONENT");
    expect(error.details.productIds).toEqual([part.id]);
  });

  test("a SIMPLE product with components is 422 SIMPLE_WITH_COMPONENTS", async () => {
    const part = await createSimple(t, token);
    const error = await refusal(await post(simpleBody({ components: [{ productId: part.id, quantity: 1 }] })), 422);
    expect(error.code).toBe("SIMPLE_WITH_COMPONENTS");
  });

  test("component quantities outside 1..999 are 422 VALIDATION_FAILED", async () => {
    const part = await createSimple(t, token);
    for (const quantity of [0, 1000]) {
      const error = await refusal(await post(setBody([{ productId: part.id, quantity }])), 422);
      expect(error.code).toBe("VALIDATION_FAILED");
    }
  });

  test("a refused set leaves no product behind: its SKU is still free", async () => {
    const sku = unique("SET");
    await refusal(await post(setBody([{ productId: crypto.randomUUID(), quantity: 1 }], { sku })), 422);
    const part = await createSimple(t, token);
    expect((await post(setBody([{ productId: part.id, quantity: 1 }], { sku }))).status).toBe(201);
  });
});

describe("field validation", () => {
  test("a negative price is 422", async () => {
    expect((await refusal(await post(simpleBody({ price: -1 })), 422)).code).toBe("VALIDATION_FAILED");
  });

  test("a price sent as a string is refused, not coerced", async () => {
    expect((await post(simpleBody({ price: "19990" }))).status).toBe(422);
  });

  test("a fractional price is refused: money is in minor units", async () => {
    expect((await post(simpleBody({ listPrice: 199.9 }))).status).toBe(422);
  });

  test("a VAT rate above 100 is 422", async () => {
    expect((await post(simpleBody({ vatRate: 101 }))).status).toBe(422);
  });

  test("a currency that is not three capital letters is 422", async () => {
    expect((await post(simpleBody({ currency: "try" }))).status).toBe(422);
  });

  test("an unknown type is 422", async () => {
    expect((await post(simpleBody({ type: "BUNDLE" }))).status).toBe(422);
  });

  test("an unknown field is refused", async () => {
    const error = await refusal(await post(simpleBody({ stock: 5 })), 422);
    expect(error.code).toBe("VALIDATION_FAILED");
  });

  test("a SKU with surrounding spaces is refused", async () => {
    expect((await post(simpleBody({ sku: " A-1 " }))).status).toBe(422);
  });
});

describe("racing creations", () => {
  test("two simultaneous creations of one SKU: one is 201, the other 409 DUPLICATE_SKU", async () => {
    const sku = unique("RACE");
    const answers = await Promise.all([post(simpleBody({ sku })), post(simpleBody({ sku }))]);
    expect(answers.map((r) => r.status).sort()).toEqual([201, 409]);
    const refused = answers.find((r) => r.status === 409);
    expect((await bodyOf(refused as Response)).error.code).toBe("DUPLICATE_SKU");
  });
});

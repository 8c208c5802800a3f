import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { StockChange } from "../../src/domains/inventory/events";
import { createTestApp, type TestApp } from "../support/app";
import { createStore } from "../support/catalog";
import { bodyOf } from "../support/http";
import { get, sendJson } from "../support/identity";
import {
  createSet,
  createSimple,
  invariantsOk,
  level,
  ledgerOf,
  newCustomer,
  openShop,
  placed,
  placeOrder,
  putListing,
  type Shop,
  stock,
  stockedProduct,
} from "./support";

let t: TestApp;
let shop: Shop;
let buyer: string;
const announced: StockChange[] = [];
beforeAll(async () => {
  t = await createTestApp({ label: "order-place" });
  shop = await openShop(t);
  buyer = await newCustomer(t);
  t.services.events.stock.on((change) => void announced.push(change));
});
afterAll(() => t.close());

describe("placing an order", () => {
  test("a customer's order is created with catalog prices, VAT and an order number", async () => {
    const productId = await stockedProduct(t, shop, 10);
    const res = await placeOrder(t, buyer, { storeId: shop.storeId, items: [{ productId, quantity: 3 }] });
    expect(res.status).toBe(201);
    const order = await bodyOf(res);
    expect(order).toMatchObject({
      id: expect.any(String),
      number: expect.any(Number),
      storeId: shop.storeId,
      status: "CREATED",
      currency: "TRY",
      total: 30_000,
      vatTotal: 5_000,
      items: [{ productId, sku: expect.any(String), name: "Product", quantity: 3, unitPrice: 10_000, lineTotal: 30_000, vatRate: 20 }],
      createdAt: expect.any(String),
    });
    expect(order.allocations).toBeUndefined();
  });

  test("placing reserves the stock in the store's warehouse and leaves on hand alone", async () => {
    const productId = await stockedProduct(t, shop, 10);
    await placed(t, buyer, shop.storeId, [{ productId, quantity: 4 }]);
    expect(await level(t, shop, productId)).toEqual({ onHand: 10, reserved: 4 });
  });

  test("placing writes one RESERVE ledger row carrying the order id and the customer", async () => {
    const productId = await stockedProduct(t, shop, 10);
    const order = await placed(t, buyer, shop.storeId, [{ productId, quantity: 4 }]);
    const rows = await ledgerOf(t, shop, productId, order.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ kind: "RESERVE", delta: 0, reservedBefore: 0, reservedAfter: 4, onHandBefore: 10, onHandAfter: 10 });
    expect(rows[0].actorId).toBeString();
  });

  test("the stock change is announced after commit with the order id", async () => {
    const productId = await stockedProduct(t, shop, 10);
    const order = await placed(t, buyer, shop.storeId, [{ productId, quantity: 1 }]);
    expect(announced.find((change) => change.correlationId === order.id)).toEqual({
      productIds: [productId],
      warehouseIds: [shop.warehouseId],
      correlationId: order.id,
      urgent: true,
    });
  });

  test("a line may name its product by barcode", async () => {
    const productId = await stockedProduct(t, shop, 5);
    const product = await bodyOf(await get(t, `/api/v1/catalog/products/${productId}`, shop.staffToken));
    const order = await placed(t, buyer, shop.storeId, [{ barcode: product.barcode, quantity: 2 }]);
    expect(order.items[0]).toMatchObject({ productId, quantity: 2 });
  });

  test("the store's listing price overrides the product price", async () => {
    const productId = await stockedProduct(t, shop, 5);
    await putListing(t, shop.adminToken, shop.storeId, productId, { enabled: true, price: 7_500 });
    const order = await placed(t, buyer, shop.storeId, [{ productId, quantity: 2 }]);
    expect(order.items[0]).toMatchObject({ unitPrice: 7_500, lineTotal: 15_000 });
    expect(order.total).toBe(15_000);
    expect(order.vatTotal).toBe(2_500);
  });

  test("staff may order on a marketplace store, and the order records who placed it", async () => {
    const productId = await stockedProduct(t, shop, 5);
    const storeId = await createStore(t, shop.adminToken, { type: "TRENDYOL", sellerId: "12345", warehouseIds: [shop.warehouseId] });
    const order = await placed(t, shop.staffToken, storeId, [{ productId, quantity: 1 }]);
    const me = await bodyOf(await get(t, "/api/v1/auth/me", shop.staffToken));
    expect(order).toMatchObject({ storeId, customerId: null, placedBy: me.id });
  });

  test("a customer's order records the customer and no placer", async () => {
    const productId = await stockedProduct(t, shop, 5);
    const order = await placed(t, buyer, shop.storeId, [{ productId, quantity: 1 }]);
    const me = await bodyOf(await get(t, "/api/v1/auth/me", buyer));
    expect(order).toMatchObject({ customerId: me.id, placedBy: null });
  });

  test("invariants hold after placing: reserved equals the open allocations", async () => {
    const productId = await stockedProduct(t, shop, 5);
    await placed(t, buyer, shop.storeId, [{ productId, quantity: 3 }]);
    expect((await invariantsOk(t, shop)).violations).toEqual([]);
  });
});

describe("refused orders", () => {
  test("a customer ordering on a marketplace store gets 403", async () => {
    const productId = await stockedProduct(t, shop, 5);
    const storeId = await createStore(t, shop.adminToken, { type: "HEPSIBURADA", sellerId: "777", warehouseIds: [shop.warehouseId] });
    const res = await placeOrder(t, buyer, { storeId, items: [{ productId, quantity: 1 }] });
    expect(res.status).toBe(403);
    expect((await bodyOf(res)).error.code).toBe("FORBIDDEN");
  });

  test("an unknown product id or barcode is 422 UNKNOWN_PRODUCT naming each", async () => {
    const productId = await stockedProduct(t, shop, 5);
    const missing = "00000000-0000-4000-8000-000000000001";
    const res = await placeOrder(t, buyer, {
      storeId: shop.storeId,
      items: [{ productId, quantity: 1 }, { productId: missing, quantity: 1 }, { barcode: "no-such-barcode", quantity: 1 }],
    });
    expect(res.status).toBe(422);
    expect((await bodyOf(res)).error).toMatchObject({ code: "UNKNOWN_PRODUCT", details: { productIds: [missing], barcodes: ["no-such-barcode"] } });
  });

  test("an inactive product is 422 PRODUCT_INACTIVE", async () => {
    const productId = await stockedProduct(t, shop, 5);
    expect((await sendJson(t, "PATCH", `/api/v1/catalog/products/${productId}`, { active: false }, shop.staffToken)).status).toBe(200);
    const res = await placeOrder(t, buyer, { storeId: shop.storeId, items: [{ productId, quantity: 1 }] });
    expect(res.status).toBe(422);
    expect((await bodyOf(res)).error).toMatchObject({ code: "PRODUCT_INACTIVE", details: { productIds: [productId] } });
  });

  test("an unknown store is 422 UNKNOWN_STORE", async () => {
    const productId = await stockedProduct(t, shop, 5);
    const res = await placeOrder(t, buyer, { storeId: "00000000-0000-4000-8000-000000000002", items: [{ productId, quantity: 1 }] });
    expect(res.status).toBe(422);
    expect((await bodyOf(res)).error.code).toBe("UNKNOWN_STORE");
  });

  test("a line naming both a product id and a barcode is refused with the line's path", async () => {
    const productId = await stockedProduct(t, shop, 5);
    const res = await placeOrder(t, buyer, { storeId: shop.storeId, items: [{ productId, barcode: "x", quantity: 1 }] });
    expect(res.status).toBe(422);
    expect((await bodyOf(res)).error).toMatchObject({ code: "VALIDATION_FAILED", details: { fields: [{ path: "/items/0" }] } });
  });

  test("a line naming neither a product id nor a barcode is refused", async () => {
    const res = await placeOrder(t, buyer, { storeId: shop.storeId, items: [{ quantity: 1 }] });
    expect(res.status).toBe(422);
    expect((await bodyOf(res)).error.code).toBe("VALIDATION_FAILED");
  });

  test.each([0, 10_000, 1.5])("a quantity of %p is refused with 422", async (quantity) => {
    const productId = await stockedProduct(t, shop, 5);
    const res = await placeOrder(t, buyer, { storeId: shop.storeId, items: [{ productId, quantity }] });
    expect(res.status).toBe(422);
  });

  test("more than 100 lines are refused with 422", async () => {
    const productId = await stockedProduct(t, shop, 5);
    const items = Array.from({ length: 101 }, () => ({ productId, quantity: 1 }));
    expect((await placeOrder(t, buyer, { storeId: shop.storeId, items })).status).toBe(422);
  });

  test("without a token the answer is 401", async () => {
    const productId = await stockedProduct(t, shop, 5);
    const res = await t.request("/api/v1/orders", {
      method: "POST",
      headers: { "content-type": "application/json", "idempotency-key": "k1" },
      body: JSON.stringify({ storeId: shop.storeId, items: [{ productId, quantity: 1 }] }),
    });
    expect(res.status).toBe(401);
  });
});

describe("price tampering", () => {
  test.each(["price", "unitPrice", "lineTotal"])("a %s field on a line is refused with 422 naming it", async (field) => {
    const productId = await stockedProduct(t, shop, 5);
    const res = await placeOrder(t, buyer, { storeId: shop.storeId, items: [{ productId, quantity: 1, [field]: 1 }] });
    expect(res.status).toBe(422);
    const error = (await bodyOf(res)).error;
    expect(error.code).toBe("VALIDATION_FAILED");
    expect(error.details.fields).toContainEqual(expect.objectContaining({ path: `/items/0/${field}`, message: expect.stringContaining("should not be provided") }));
  });

  test("a total field on the order is refused with 422", async () => {
    const productId = await stockedProduct(t, shop, 5);
    const res = await placeOrder(t, buyer, { storeId: shop.storeId, total: 1, items: [{ productId, quantity: 1 }] });
    expect(res.status).toBe(422);
    expect((await bodyOf(res)).error.details.fields).toContainEqual(expect.objectContaining({ path: "/total" }));
  });

  test("a refused tampered order reserves nothing", async () => {
    const productId = await stockedProduct(t, shop, 5);
    await placeOrder(t, buyer, { storeId: shop.storeId, items: [{ productId, quantity: 2, price: 1 }] });
    expect(await level(t, shop, productId)).toEqual({ onHand: 5, reserved: 0 });
  });

  test("totals follow the catalog price as it is when ordering", async () => {
    const productId = await stockedProduct(t, shop, 5);
    expect((await sendJson(t, "PATCH", `/api/v1/catalog/products/${productId}`, { price: 12_345 }, shop.staffToken)).status).toBe(200);
    const order = await placed(t, buyer, shop.storeId, [{ productId, quantity: 2 }]);
    expect(order.items[0].unitPrice).toBe(12_345);
    expect(order.total).toBe(24_690);
  });
});

describe("stock", () => {
  test("an order for more than is free is 409 OUT_OF_STOCK with the shortage", async () => {
    const productId = await stockedProduct(t, shop, 3);
    const res = await placeOrder(t, buyer, { storeId: shop.storeId, items: [{ productId, quantity: 4 }] });
    expect(res.status).toBe(409);
    expect((await bodyOf(res)).error).toMatchObject({
      code: "OUT_OF_STOCK",
      details: { shortages: [{ productId, requested: 4, available: 3 }] },
    });
  });

  test("a refused order changes no level and leaves no order behind", async () => {
    const plenty = await stockedProduct(t, shop, 10);
    const scarce = await stockedProduct(t, shop, 1);
    const res = await placeOrder(t, buyer, { storeId: shop.storeId, items: [{ productId: plenty, quantity: 5 }, { productId: scarce, quantity: 2 }] });
    expect(res.status).toBe(409);
    expect(await level(t, shop, plenty)).toEqual({ onHand: 10, reserved: 0 });
    expect(await level(t, shop, scarce)).toEqual({ onHand: 1, reserved: 0 });
    const page = await bodyOf(await get(t, "/api/v1/orders?limit=100", shop.staffToken));
    expect(page.items.some((o: { items: { productId: string }[] }) => o.items.some((i) => i.productId === scarce))).toBe(false);
  });

  test("every short product is named, not only the first", async () => {
    const a = await stockedProduct(t, shop, 1);
    const b = await stockedProduct(t, shop, 2);
    const res = await placeOrder(t, buyer, { storeId: shop.storeId, items: [{ productId: a, quantity: 3 }, { productId: b, quantity: 5 }] });
    const shortages = (await bodyOf(res)).error.details.shortages;
    expect(shortages).toHaveLength(2);
    expect(shortages).toContainEqual({ productId: a, requested: 3, available: 1 });
    expect(shortages).toContainEqual({ productId: b, requested: 5, available: 2 });
  });

  test("a set and its loose component on one order compete for the same stock", async () => {
    const component = await stockedProduct(t, shop, 5);
    const other = await stockedProduct(t, shop, 50);
    const setId = await createSet(t, shop.staffToken, [{ productId: component, quantity: 2 }, { productId: other, quantity: 1 }]);
    // The set needs 2 of the component, the loose line 4: 6 of 5.
    const res = await placeOrder(t, buyer, { storeId: shop.storeId, items: [{ productId: setId, quantity: 1 }, { productId: component, quantity: 4 }] });
    expect(res.status).toBe(409);
    expect((await bodyOf(res)).error.details.shortages).toEqual([{ productId: component, requested: 6, available: 5 }]);
  });

  test("a set reserves its components, each times its quantity in the set", async () => {
    const a = await stockedProduct(t, shop, 10);
    const b = await stockedProduct(t, shop, 10);
    const setId = await createSet(t, shop.staffToken, [{ productId: a, quantity: 2 }, { productId: b, quantity: 1 }]);
    const order = await placed(t, buyer, shop.storeId, [{ productId: setId, quantity: 3 }, { productId: a, quantity: 1 }]);
    expect(order.items).toHaveLength(2);
    expect(order.total).toBe(3 * 50_000 + 10_000);
    expect(await level(t, shop, a)).toEqual({ onHand: 10, reserved: 7 });
    expect(await level(t, shop, b)).toEqual({ onHand: 10, reserved: 3 });
  });

  test("stock is drawn from the store's warehouses in their order", async () => {
    const second = await bodyOf(await sendJson(t, "POST", "/api/v1/inventory/warehouses", { code: `W2-${Date.now()}`, name: "Second" }, shop.staffToken));
    const secondShelf = await bodyOf(await sendJson(t, "POST", `/api/v1/inventory/warehouses/${second.id}/shelves`, { code: "B1" }, shop.staffToken));
    const storeId = await createStore(t, shop.adminToken, { type: "WEB", warehouseIds: [shop.warehouseId, second.id] });
    const productId = await createSimple(t, shop.staffToken);
    await stock(t, shop, productId, 2);
    await stock(t, shop, productId, 5, secondShelf.id);
    const order = await placed(t, shop.staffToken, storeId, [{ productId, quantity: 4 }]);
    expect(order.allocations).toBeUndefined();
    const detail = await bodyOf(await get(t, `/api/v1/orders/${order.id}`, shop.staffToken));
    const allocations = detail.allocations.map(({ warehouseId, quantity, state }: { warehouseId: string; quantity: number; state: string }) => ({ warehouseId, quantity, state }));
    expect(allocations).toHaveLength(2);
    expect(allocations).toContainEqual({ warehouseId: shop.warehouseId, quantity: 2, state: "RESERVED" });
    expect(allocations).toContainEqual({ warehouseId: second.id, quantity: 2, state: "RESERVED" });
  });
});

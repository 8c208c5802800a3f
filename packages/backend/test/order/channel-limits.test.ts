import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../support/app";
import { createStore } from "../support/catalog";
import { bodyOf, type Json } from "../support/http";
import { get } from "../support/identity";
import { createSet, level, newCustomer, openShop, placeOrder, putListing, type Shop, stockedProduct } from "./support";
import { productBarcode } from "./transitions-support";

// A web order takes at most what the web store sells: the listing and the stock policy that the
// stock sync applies (the safety stock is the buffer against marketplace sync delay). Locks off:
// the order statement itself must hold the line, not the lock around it.
let t: TestApp;
let shop: Shop;
let buyer: string;
beforeAll(async () => {
  t = await createTestApp({ label: "order-channel-limits", env: { STOCK_LOCKS: "off" } });
  shop = await openShop(t);
  buyer = await newCustomer(t);
});
afterAll(() => t.close());

async function refused(res: Response): Promise<Json[]> {
  const body = await bodyOf(res);
  expect(res.status).toBe(409);
  expect(body.error.code).toBe("OUT_OF_STOCK");
  return body.error.details.shortages;
}

async function sellableIn(storeId: string, productId: string): Promise<number> {
  const detail = await bodyOf(await get(t, `/api/v1/catalog/products/${productId}`, shop.staffToken));
  return detail.availability.find((a: Json) => a.storeId === storeId).sellable;
}

/** A WEB store with its own policy, selling from the shop's warehouse. */
const webStore = (policy: Record<string, unknown>) => createStore(t, shop.adminToken, { type: "WEB", warehouseIds: [shop.warehouseId], ...policy });

describe("a web order is limited by what the web store sells", () => {
  test("a customer cannot buy a product whose web listing is disabled", async () => {
    const productId = await stockedProduct(t, shop, 10);
    await putListing(t, shop.adminToken, shop.storeId, productId, { enabled: false });
    const shortages = await refused(await placeOrder(t, buyer, { storeId: shop.storeId, items: [{ productId, quantity: 1 }] }));
    expect(shortages).toEqual([{ productId, requested: 1, available: 0, sellable: 0 }]);
    expect(await level(t, shop, productId)).toEqual({ onHand: 10, reserved: 0 });
  });

  test("a customer cannot buy more than the listing's safety stock and maximum leave", async () => {
    const productId = await stockedProduct(t, shop, 995);
    await putListing(t, shop.adminToken, shop.storeId, productId, { enabled: true, policy: { safetyStock: 990, maxQuantity: 2 } });
    expect(await sellableIn(shop.storeId, productId)).toBe(2);
    const shortages = await refused(await placeOrder(t, buyer, { storeId: shop.storeId, items: [{ productId, quantity: 50 }] }));
    expect(shortages).toEqual([{ productId, requested: 50, available: 2, sellable: 2 }]);
    expect(await level(t, shop, productId)).toEqual({ onHand: 995, reserved: 0 });
  });

  test("a web order cannot spend the store's safety stock", async () => {
    const store = await webStore({ policy: { safetyStock: 5 } });
    const productId = await stockedProduct(t, shop, 10);
    await refused(await placeOrder(t, buyer, { storeId: store, items: [{ productId, quantity: 6 }] }));
    expect((await placeOrder(t, buyer, { storeId: store, items: [{ productId, quantity: 5 }] })).status).toBe(201);
    expect(await sellableIn(store, productId)).toBe(0);
    const shortages = await refused(await placeOrder(t, buyer, { storeId: store, items: [{ productId, quantity: 1 }] }));
    expect(shortages).toEqual([{ productId, requested: 1, available: 0, sellable: 0 }]);
    expect(await level(t, shop, productId)).toEqual({ onHand: 10, reserved: 5 });
  });

  test("several lines for one product are summed against what the store sells", async () => {
    const productId = await stockedProduct(t, shop, 100);
    await putListing(t, shop.adminToken, shop.storeId, productId, { enabled: true, policy: { maxQuantity: 3 } });
    const items = [{ productId, quantity: 2 }, { productId, quantity: 2 }];
    const shortages = await refused(await placeOrder(t, buyer, { storeId: shop.storeId, items }));
    expect(shortages).toEqual([{ productId, requested: 4, available: 3, sellable: 3 }]);
  });

  test("a set line and its loose component cannot together spend the safety stock", async () => {
    const store = await webStore({ policy: { safetyStock: 5 } });
    const part = await stockedProduct(t, shop, 10);
    const set = await createSet(t, shop.staffToken, [{ productId: part, quantity: 1 }]);
    // Each line alone fits the 5 the store sells; together they would leave 4 of the 5 kept back.
    const shortages = await refused(await placeOrder(t, buyer, { storeId: store, items: [{ productId: set, quantity: 3 }, { productId: part, quantity: 3 }] }));
    expect(shortages).toContainEqual({ productId: set, requested: 3, available: 2, sellable: 5 });
    expect(shortages).toContainEqual({ productId: part, requested: 3, available: 2, sellable: 5 });
    expect((await placeOrder(t, buyer, { storeId: store, items: [{ productId: set, quantity: 2 }, { productId: part, quantity: 3 }] })).status).toBe(201);
    expect(await level(t, shop, part)).toEqual({ onHand: 10, reserved: 5 });
  });

  test("a disabled set cannot be bought even though its component is on sale", async () => {
    const part = await stockedProduct(t, shop, 10);
    const set = await createSet(t, shop.staffToken, [{ productId: part, quantity: 2 }]);
    await putListing(t, shop.adminToken, shop.storeId, set, { enabled: false });
    const shortages = await refused(await placeOrder(t, buyer, { storeId: shop.storeId, items: [{ productId: set, quantity: 1 }] }));
    expect(shortages).toEqual([{ productId: set, requested: 1, available: 0, sellable: 0 }]);
    expect((await placeOrder(t, buyer, { storeId: shop.storeId, items: [{ productId: part, quantity: 2 }] })).status).toBe(201);
  });

  test("two concurrent orders that each fit what the store sells, but not together, do not both succeed", async () => {
    const store = await webStore({ policy: { safetyStock: 5 } });
    const productId = await stockedProduct(t, shop, 10);
    const buyers = await Promise.all(Array.from({ length: 6 }, () => newCustomer(t)));
    // Six at once, three each, against the 5 the store sells: one may win, never two.
    const answers = await Promise.all(buyers.map((token) => placeOrder(t, token, { storeId: store, items: [{ productId, quantity: 3 }] })));
    const statuses = answers.map((res) => res.status).sort();
    expect(statuses).toEqual([201, 409, 409, 409, 409, 409]);
    expect(await level(t, shop, productId)).toEqual({ onHand: 10, reserved: 3 });
  });

  test("two concurrent orders for the last units above a listing's safety stock do not both succeed", async () => {
    const productId = await stockedProduct(t, shop, 100);
    await putListing(t, shop.adminToken, shop.storeId, productId, { enabled: true, policy: { safetyStock: 96 } });
    const [one, two] = await Promise.all([newCustomer(t), newCustomer(t)]);
    const answers = await Promise.all(
      [one, two].map((token) => placeOrder(t, token, { storeId: shop.storeId, items: [{ productId, quantity: 3 }] })),
    );
    expect(answers.map((res) => res.status).sort()).toEqual([201, 409]);
    expect(await level(t, shop, productId)).toEqual({ onHand: 100, reserved: 3 });
  });
});

describe("marketplace intake is not limited by the channel's policy: the marketplace already sold it", () => {
  let marketplace: string;
  beforeAll(async () => {
    marketplace = await createStore(t, shop.adminToken, { type: "TRENDYOL", sellerId: "24680", warehouseIds: [shop.warehouseId], policy: { safetyStock: 990 } });
  });
  const intake = (lines: { barcode: string; quantity: number; unitPrice: number }[]) =>
    t.services.orders.intakeMarketplaceOrder({ storeId: marketplace, externalOrderId: `TY-${crypto.randomUUID()}`, lines, currency: "TRY" });

  test("an order beyond the listing's policy is recorded and reserved while the stock physically exists", async () => {
    const productId = await stockedProduct(t, shop, 10);
    await putListing(t, shop.adminToken, marketplace, productId, { enabled: false, policy: { maxQuantity: 1 } });
    const { order } = await intake([{ barcode: await productBarcode(t, shop, productId), quantity: 8, unitPrice: 1_000 }]);
    expect(order.status).toBe("CREATED");
    expect(order.shortages).toBeNull();
    expect(await level(t, shop, productId)).toEqual({ onHand: 10, reserved: 8 });
  });

  test("an order beyond the physical stock is recorded OVERSOLD and reserves nothing", async () => {
    const productId = await stockedProduct(t, shop, 2);
    await putListing(t, shop.adminToken, marketplace, productId, { enabled: true });
    const { order } = await intake([{ barcode: await productBarcode(t, shop, productId), quantity: 3, unitPrice: 1_000 }]);
    expect(order.status).toBe("OVERSOLD");
    expect(order.shortages).toEqual([{ productId, requested: 3, available: 2 }]);
    expect(await level(t, shop, productId)).toEqual({ onHand: 2, reserved: 0 });
  });
});

describe("staff placing an order for a store", () => {
  test("staff ordering from the web store are held to its listing like a customer", async () => {
    const productId = await stockedProduct(t, shop, 10);
    await putListing(t, shop.adminToken, shop.storeId, productId, { enabled: true, policy: { maxQuantity: 1 } });
    const shortages = await refused(await placeOrder(t, shop.staffToken, { storeId: shop.storeId, items: [{ productId, quantity: 2 }] }));
    expect(shortages).toEqual([{ productId, requested: 2, available: 1, sellable: 1 }]);
  });
});

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../support/app";
import { createStore } from "../support/catalog";
import { newCustomer, newKey, openShop, placeOrder, type Shop, stockedProduct } from "./support";
import { productBarcode } from "./transitions-support";

let t: TestApp;
let shop: Shop;
let buyer: string;
let marketplace: string;
beforeAll(async () => {
  t = await createTestApp({ label: "order-metrics" });
  shop = await openShop(t);
  buyer = await newCustomer(t);
  marketplace = await createStore(t, shop.adminToken, { type: "TRENDYOL", sellerId: "55501", warehouseIds: [shop.warehouseId] });
});
afterAll(() => t.close());

/** The counter's value for this source, as /metrics would show it. */
async function counter(name: string, source: string): Promise<number> {
  const metric = (await t.metrics.registry.getMetricsAsJSON()).find((m) => m.name === name);
  return Number(metric?.values.find((v) => v.labels.source === source)?.value ?? 0);
}

async function counts(source: string) {
  return { placed: await counter("orders_placed_total", source), outOfStock: await counter("orders_out_of_stock_total", source) };
}

describe("order counters", () => {
  test("count API orders placed and refused for stock once each, not their Idempotency-Key replays", async () => {
    const before = await counts("api");
    const productId = await stockedProduct(t, shop, 2);
    const key = newKey();
    const body = { storeId: shop.storeId, items: [{ productId, quantity: 2 }] };
    expect((await placeOrder(t, buyer, body, key)).status).toBe(201);
    expect((await placeOrder(t, buyer, body, key)).status).toBe(201);
    const shortKey = newKey();
    expect((await placeOrder(t, buyer, body, shortKey)).status).toBe(409);
    expect((await placeOrder(t, buyer, body, shortKey)).status).toBe(409);
    expect(await counts("api")).toEqual({ placed: before.placed + 1, outOfStock: before.outOfStock + 1 });
  });

  test("count marketplace orders taken in and recorded OVERSOLD once each, not repeated deliveries", async () => {
    const before = await counts("marketplace");
    const productId = await stockedProduct(t, shop, 1);
    const barcode = await productBarcode(t, shop, productId);
    const intake = (externalOrderId: string) =>
      t.services.orders.intakeMarketplaceOrder({ storeId: marketplace, externalOrderId, lines: [{ barcode, quantity: 1, unitPrice: 1_000 }], currency: "TRY" });
    const first = `M-${newKey()}`;
    expect((await intake(first)).order.status).toBe("CREATED");
    expect((await intake(first)).created).toBe(false);
    const late = `M-${newKey()}`;
    expect((await intake(late)).order.status).toBe("OVERSOLD");
    await intake(late);
    expect(await counts("marketplace")).toEqual({ placed: before.placed + 1, outOfStock: before.outOfStock + 1 });
  });
});

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { randomUUID } from "node:crypto";
import { createTestApp, type TestApp } from "../support/app";
import { placeOrder } from "../order/support";
import { addStock, createSet, createSimple, createStore, createWarehouse, putListing } from "../support/catalog";
import { bodyOf } from "../support/http";
import { admin, get, staff } from "../support/identity";

let t: TestApp;
let statements = 0;
/** Set while a test wants the statements' text. */
let queries: string[] | undefined;
const CATALOG_TABLES = /\b(products|product_set_items|stores|store_warehouses|listings)\b/;
const REVOCATION_READ = /from "sessions" where \("sessions"\."revoked_at" is not null/;
let staffToken: string;
let adminToken: string;
beforeAll(async () => {
  t = await createTestApp({
    label: "order-quote",
    onQuery: (query) => {
      // The revocation mirror's read of revoked sessions (at most twice a second per replica, in the
      // background of whichever request finds the mirror stale) is not part of placing an order.
      if (REVOCATION_READ.test(query)) return;
      statements += 1;
      queries?.push(query);
    },
  });
  staffToken = (await staff(t)).tokens.accessToken;
  adminToken = (await admin(t)).tokens.accessToken;
});
afterAll(() => t.close());

const quote = (storeId: string, refs: { productIds?: string[]; barcodes?: string[] }) =>
  t.services.stores.quoteForOrder(storeId, { productIds: refs.productIds ?? [], barcodes: refs.barcodes ?? [] });

async function barcodeOf(productId: string): Promise<string> {
  return (await bodyOf(await get(t, `/api/v1/catalog/products/${productId}`, staffToken))).barcode;
}

/** A WEB store selling from two warehouses, the second one first. */
async function webStore() {
  const first = await createWarehouse(t, staffToken);
  const second = await createWarehouse(t, staffToken);
  const storeId = await createStore(t, adminToken, { type: "WEB", warehouseIds: [second.id, first.id] });
  return { storeId, warehouseIds: [second.id, first.id] };
}

describe("catalog quote for an order", () => {
  test("the store comes with its type, active flag and warehouses in priority order", async () => {
    const { storeId, warehouseIds } = await webStore();
    const answer = await quote(storeId, {});
    expect(answer).toEqual({ store: { id: storeId, type: "WEB", active: true, warehouseIds }, products: [] });
  });

  test("a simple product comes with its catalog fields, no listing price and no components", async () => {
    const { storeId } = await webStore();
    const productId = await createSimple(t, staffToken, "Mug");
    const answer = await quote(storeId, { productIds: [productId] });
    expect(answer?.products).toEqual([
      {
        id: productId,
        sku: expect.any(String),
        barcode: await barcodeOf(productId),
        name: "Mug",
        type: "SIMPLE",
        price: 10_000,
        listPrice: 12_000,
        currency: "TRY",
        vatRate: 20,
        active: true,
        listingPrice: null,
        components: [],
      },
    ]);
  });

  test("the store's listing price is given next to the catalog price", async () => {
    const { storeId } = await webStore();
    const productId = await createSimple(t, staffToken);
    await putListing(t, adminToken, storeId, productId, { enabled: true, price: 7_500 });
    const [product] = (await quote(storeId, { productIds: [productId] }))?.products ?? [];
    expect(product?.price).toBe(10_000);
    expect(product?.listingPrice).toBe(7_500);
  });

  test("another store's listing price is not this store's", async () => {
    const { storeId } = await webStore();
    const other = await webStore();
    const productId = await createSimple(t, staffToken);
    await putListing(t, adminToken, other.storeId, productId, { enabled: true, price: 7_500 });
    const [product] = (await quote(storeId, { productIds: [productId] }))?.products ?? [];
    expect(product?.listingPrice).toBeNull();
  });

  test("a set comes with its components and their quantities", async () => {
    const { storeId } = await webStore();
    const coat = await createSimple(t, staffToken, "Coat");
    const gloves = await createSimple(t, staffToken, "Gloves");
    const set = await createSet(t, staffToken, [
      { productId: coat, quantity: 1 },
      { productId: gloves, quantity: 2 },
    ]);
    const [product] = (await quote(storeId, { productIds: [set] }))?.products ?? [];
    expect(product?.type).toBe("SET");
    const byId = (a: { componentId: string }, b: { componentId: string }) => a.componentId.localeCompare(b.componentId);
    expect([...(product?.components ?? [])].sort(byId)).toEqual(
      [
        { componentId: coat, quantity: 1 },
        { componentId: gloves, quantity: 2 },
      ].sort(byId),
    );
  });

  test("products are found by barcode, and one named both ways comes once", async () => {
    const { storeId } = await webStore();
    const a = await createSimple(t, staffToken);
    const b = await createSimple(t, staffToken);
    const answer = await quote(storeId, { productIds: [a], barcodes: [await barcodeOf(a), await barcodeOf(b)] });
    expect(answer?.products.map((p) => p.id).sort()).toEqual([a, b].sort());
  });

  test("unknown ids and barcodes are simply absent", async () => {
    const { storeId } = await webStore();
    const known = await createSimple(t, staffToken);
    const answer = await quote(storeId, { productIds: [known, randomUUID(), "not-a-uuid"], barcodes: ["no-such-barcode", "a,b{\"c\"}"] });
    expect(answer?.products.map((p) => p.id)).toEqual([known]);
  });

  test("an unknown store is undefined", async () => {
    const productId = await createSimple(t, staffToken);
    expect(await quote(randomUUID(), { productIds: [productId] })).toBeUndefined();
    expect(await quote("not-a-uuid", { productIds: [productId] })).toBeUndefined();
  });

  test("the quote is one SQL statement however many products and sets it names", async () => {
    const { storeId } = await webStore();
    const coat = await createSimple(t, staffToken);
    const gloves = await createSimple(t, staffToken);
    const set = await createSet(t, staffToken, [{ productId: coat, quantity: 1 }, { productId: gloves, quantity: 2 }]);
    await putListing(t, adminToken, storeId, coat, { enabled: true, price: 5_000 });
    const barcode = await barcodeOf(gloves);
    const before = statements;
    const answer = await quote(storeId, { productIds: [coat, set], barcodes: [barcode] });
    expect(statements - before).toBe(1);
    expect(answer?.products).toHaveLength(3);
  });

  test("placing an order of a set is two statements in all: the quote, then the order, which applies the store's sellable rule itself", async () => {
    const warehouse = await createWarehouse(t, staffToken);
    const storeId = await createStore(t, adminToken, { type: "WEB", warehouseIds: [warehouse.id] });
    const productId = await createSimple(t, staffToken);
    const set = await createSet(t, staffToken, [{ productId, quantity: 2 }]);
    expect((await addStock(t, staffToken, warehouse.shelfId, productId, 10)).status).toBe(200);
    // The first order of the app also purges expired idempotency keys; it is not counted.
    expect((await placeOrder(t, staffToken, { storeId, items: [{ productId, quantity: 1 }] })).status).toBe(201);
    const seen: string[] = [];
    const before = statements;
    queries = seen;
    const res = await placeOrder(t, staffToken, { storeId, items: [{ productId: set, quantity: 1 }, { productId, quantity: 1 }] });
    queries = undefined;
    expect(res.status).toBe(201);
    // The order statement reads the listing and policy again, under its row locks: that is what keeps a web order within what the store sells.
    const catalogReads = seen.filter((q) => CATALOG_TABLES.test(q));
    expect(catalogReads).toHaveLength(2);
    expect(catalogReads[1]).toContain("insert into orders");
    expect(statements - before).toBe(2);
  });
});

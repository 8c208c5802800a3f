import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../support/app";
import { addStock, createSet, createSimple, createStore, createWarehouse, putListing } from "../support/catalog";
import { bodyOf } from "../support/http";
import { admin, get, staff } from "../support/identity";
import { MARKETPLACES } from "../support/marketplaces";

let t: TestApp;
let statements = 0;
let staffToken: string;
let adminToken: string;
beforeAll(async () => {
  t = await createTestApp({ label: "availability", onQuery: () => void (statements += 1) });
  staffToken = (await staff(t)).tokens.accessToken;
  adminToken = (await admin(t)).tokens.accessToken;
});
afterAll(() => t.close());

/** The winter set of the design: 1 coat (50), 2 gloves (30), 1 scarf (40), in one warehouse. */
async function winterSet() {
  const warehouse = await createWarehouse(t, staffToken);
  const coat = await createSimple(t, staffToken, "Coat");
  const gloves = await createSimple(t, staffToken, "Gloves");
  const scarf = await createSimple(t, staffToken, "Scarf");
  for (const [product, quantity] of [[coat, 50], [gloves, 30], [scarf, 40]] as const) {
    expect((await addStock(t, staffToken, warehouse.shelfId, product, quantity)).status).toBe(200);
  }
  const set = await createSet(t, staffToken, [
    { productId: coat, quantity: 1 },
    { productId: gloves, quantity: 2 },
    { productId: scarf, quantity: 1 },
  ]);
  const store = await createStore(t, adminToken, { type: "WEB", warehouseIds: [warehouse.id] });
  return { warehouse, coat, gloves, scarf, set, store };
}

const sellableOf = async (storeId: string, productId: string) => (await t.services.sellable(storeId, [productId])).get(productId);

describe("availability", () => {
  test("a marketplace store shows at most what its marketplace takes as a quantity, for each of the five", async () => {
    const warehouse = await createWarehouse(t, staffToken);
    const product = await createSimple(t, staffToken, "Plenty");
    expect((await addStock(t, staffToken, warehouse.shelfId, product, 1_000_000)).status).toBe(200);
    const shown: Record<string, number | undefined> = {};
    for (const m of MARKETPLACES) {
      const store = await createStore(t, adminToken, { type: m.type, sellerId: m.account, credentials: m.credentials, warehouseIds: [warehouse.id] });
      await putListing(t, adminToken, store, product, { enabled: true });
      shown[m.type] = (await sellableOf(store, product))?.sellable;
    }
    // The caps as the marketplaces document them (marketplace/*/facts.ts).
    expect(shown).toEqual({ TRENDYOL: 20_000, PTTAVM: 9_999, N11: 999_999, HEPSIBURADA: 50_000, PAZARAMA: 99_999 });
  });

  test("a set of 1 coat (50), 2 gloves (30) and 1 scarf (40) shows 15", async () => {
    const { set, store, coat, gloves, scarf } = await winterSet();
    const detail = await sellableOf(store, set);
    expect(detail?.sellable).toBe(15);
    const byId = (a: { productId: string }, b: { productId: string }) => a.productId.localeCompare(b.productId);
    expect([...(detail?.components ?? [])].sort(byId)).toEqual(
      [
        { productId: coat, quantity: 1, free: 50, sets: 50 },
        { productId: gloves, quantity: 2, free: 30, sets: 15 },
        { productId: scarf, quantity: 1, free: 40, sets: 40 },
      ].sort(byId),
    );
  });

  test("gloves at 0 make the set 0", async () => {
    const { set, store, gloves, warehouse } = await winterSet();
    expect((await addStock(t, staffToken, warehouse.shelfId, gloves, -30)).status).toBe(200);
    expect((await sellableOf(store, set))?.sellable).toBe(0);
    expect((await sellableOf(store, gloves))?.sellable).toBe(0);
  });

  test("the product page shows availability per store and, for a set, per component", async () => {
    const { set, store, gloves } = await winterSet();
    const res = await get(t, `/api/v1/catalog/products/${set}`, staffToken);
    expect(res.status).toBe(200);
    const product = await bodyOf(res);
    const here = product.availability.find((a: { storeId: string }) => a.storeId === store);
    expect(here.sellable).toBe(15);
    expect(here.components.find((c: { productId: string }) => c.productId === gloves)).toMatchObject({ quantity: 2, free: 30, sets: 15 });
  });

  test("a store sees only its own warehouses, summed", async () => {
    const first = await createWarehouse(t, staffToken);
    const second = await createWarehouse(t, staffToken);
    const other = await createWarehouse(t, staffToken);
    const tea = await createSimple(t, staffToken, "Tea");
    await addStock(t, staffToken, first.shelfId, tea, 7);
    await addStock(t, staffToken, second.shelfId, tea, 5);
    await addStock(t, staffToken, other.shelfId, tea, 100);
    const store = await createStore(t, adminToken, { type: "WEB", warehouseIds: [first.id, second.id] });
    expect((await sellableOf(store, tea))?.sellable).toBe(12);
  });

  test("a marketplace sells only listed products, with the store policy and listing overrides", async () => {
    const warehouse = await createWarehouse(t, staffToken);
    const mug = await createSimple(t, staffToken, "Mug");
    await addStock(t, staffToken, warehouse.shelfId, mug, 100);
    const store = await createStore(t, adminToken, {
      type: "TRENDYOL",
      sellerId: "12345",
      warehouseIds: [warehouse.id],
      policy: { safetyStock: 10, percentage: 50, maxQuantity: 40, floor: 5 },
    });
    expect((await sellableOf(store, mug))?.sellable).toBe(0);
    await putListing(t, adminToken, store, mug, { enabled: true });
    // (100 - 10) * 50% = 45, max 40
    expect((await sellableOf(store, mug))?.sellable).toBe(40);
    await putListing(t, adminToken, store, mug, { enabled: true, policy: { maxQuantity: 100, percentage: 20 } });
    // (100 - 10) * 20% = 18
    expect((await sellableOf(store, mug))?.sellable).toBe(18);
    await putListing(t, adminToken, store, mug, { enabled: false });
    expect((await sellableOf(store, mug))?.sellable).toBe(0);
  });

  test("many products, sets included, cost one SQL statement", async () => {
    const { set, store, coat, gloves, scarf } = await winterSet();
    // The counter sees every statement of the app, and the stock just added is announced after commit
    // (the sync's listeners query in the background): the fewest over three calls is the call's own.
    const counts: number[] = [];
    for (let round = 0; round < 3; round++) {
      const before = statements;
      const result = await t.services.sellable(store, [set, coat, gloves, scarf]);
      counts.push(statements - before);
      expect([...result.values()].map((d) => d.sellable).sort((a, b) => a - b)).toEqual([15, 30, 40, 50]);
    }
    expect(Math.min(...counts)).toBe(1);
  });

  test("an unknown store is 404 STORE_NOT_FOUND", async () => {
    const res = await get(t, `/api/v1/catalog/products?storeId=${crypto.randomUUID()}`, staffToken);
    expect(res.status).toBe(404);
    expect((await bodyOf(res)).error.code).toBe("STORE_NOT_FOUND");
  });
});

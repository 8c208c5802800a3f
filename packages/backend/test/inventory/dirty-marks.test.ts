import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../support/app";
import { addStock, createSet, createSimple, createStore, createWarehouse, putListing } from "../support/catalog";
import { admin, sendJson, staff } from "../support/identity";

let t: TestApp;
let staffToken: string;
let adminToken: string;
beforeAll(async () => {
  t = await createTestApp({ label: "marks" });
  staffToken = (await staff(t)).tokens.accessToken;
  adminToken = (await admin(t)).tokens.accessToken;
});
afterAll(() => t.close());

describe("dirty marks after committed changes", () => {
  test("a stock change marks the product and the sets containing it, for stores selling from that warehouse only", async () => {
    const here = await createWarehouse(t, staffToken);
    const elsewhere = await createWarehouse(t, staffToken);
    const gloves = await createSimple(t, staffToken, "Gloves");
    const hat = await createSimple(t, staffToken, "Hat");
    const set = await createSet(t, staffToken, [
      { productId: gloves, quantity: 2 },
      { productId: hat, quantity: 1 },
    ]);
    const selling = await createStore(t, adminToken, { type: "WEB", warehouseIds: [here.id] });
    const other = await createStore(t, adminToken, { type: "WEB", warehouseIds: [elsewhere.id] });

    expect((await addStock(t, staffToken, here.shelfId, gloves, 10)).status).toBe(200);

    expect(await t.services.sync.buffer.isMarked(selling, gloves)).toBe(true);
    expect(await t.services.sync.buffer.isMarked(selling, set)).toBe(true);
    expect(await t.services.sync.buffer.isMarked(selling, hat)).toBe(false);
    expect(await t.services.sync.buffer.isMarked(other, gloves)).toBe(false);
  });

  test("a listing change marks that store and product", async () => {
    const warehouse = await createWarehouse(t, staffToken);
    const mug = await createSimple(t, staffToken, "Mug");
    const store = await createStore(t, adminToken, { type: "TRENDYOL", sellerId: "42", warehouseIds: [warehouse.id] });
    expect(await t.services.sync.buffer.isMarked(store, mug)).toBe(false);
    await putListing(t, adminToken, store, mug, { enabled: true });
    expect(await t.services.sync.buffer.isMarked(store, mug)).toBe(true);
  });

  test("changing a set's components marks the set for re-sync", async () => {
    const warehouse = await createWarehouse(t, staffToken);
    const a = await createSimple(t, staffToken, "A");
    const b = await createSimple(t, staffToken, "B");
    const set = await createSet(t, staffToken, [{ productId: a, quantity: 1 }]);
    const store = await createStore(t, adminToken, { type: "WEB", warehouseIds: [warehouse.id] });
    expect(await t.services.sync.buffer.isMarked(store, set)).toBe(false);
    const res = await sendJson(t, "PATCH", `/api/v1/catalog/products/${set}`, { components: [{ productId: b, quantity: 3 }] }, staffToken);
    expect(res.status).toBe(200);
    expect(await t.services.sync.buffer.isMarked(store, set)).toBe(true);
  });
});

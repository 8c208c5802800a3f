import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { TestApp } from "../support/app";
import { createTestApp } from "../support/app";
import { bodyOf, type Json } from "../support/http";
import { get, sendJson } from "../support/identity";
import { acted, createSet, createSimple, newCustomer, openShop, placed, stock, type Shop } from "./support";

let t: TestApp;
let customerToken: string;
beforeAll(async () => {
  t = await createTestApp({ label: "order-picklist" });
  customerToken = await newCustomer(t);
});
afterAll(() => t.close());

let shelfCodes = 0;
/** A further shelf in the shop's warehouse, with a code that sorts after the ones made before it. */
async function shelf(shop: Shop): Promise<{ id: string; code: string }> {
  const code = `S-${String(++shelfCodes).padStart(4, "0")}`;
  const res = await sendJson(t, "POST", `/api/v1/inventory/warehouses/${shop.warehouseId}/shelves`, { code }, shop.staffToken);
  expect(res.status).toBe(201);
  return { id: (await bodyOf(res)).id, code };
}

async function pickList(shop: Shop, warehouseId = shop.warehouseId, token = shop.staffToken): Promise<Response> {
  return get(t, `/api/v1/fulfilment/picklist?warehouseId=${warehouseId}`, token);
}

async function pickListOf(shop: Shop): Promise<Json> {
  const res = await pickList(shop);
  expect(res.status).toBe(200);
  return bodyOf(res);
}

/** Shelf -> product -> [order number, units] of a pick list, to compare whole. */
function byShelf(list: Json): Record<string, Record<string, [number, number][]>> {
  return Object.fromEntries(
    list.shelves.map((s: Json) => [s.shelfId, Object.fromEntries(s.lines.map((l: Json) => [l.productId, l.orders.map((o: Json) => [o.number, o.quantity])]))]),
  );
}

async function shelfQuantities(shop: Shop, productId: string): Promise<Record<string, number>> {
  const res = await get(t, `/api/v1/inventory/products/${productId}/stock`, shop.staffToken);
  const warehouse = (await bodyOf(res)).warehouses.find((w: Json) => w.warehouseId === shop.warehouseId);
  return Object.fromEntries((warehouse?.shelves ?? []).map((s: Json) => [s.shelfId, s.quantity]));
}

describe("pick list", () => {
  test("two open orders' units are grouped by shelf with the orders they serve, and totalled per product", async () => {
    const shop = await openShop(t);
    const [a, b] = [await shelf(shop), await shelf(shop)];
    const p = await createSimple(t, shop.staffToken, "Mug");
    const q = await createSimple(t, shop.staffToken, "Plate");
    await stock(t, shop, p, 6, a.id);
    await stock(t, shop, p, 4, b.id);
    await stock(t, shop, q, 5, a.id);
    const first = await placed(t, customerToken, shop.storeId, [{ productId: p, quantity: 5 }, { productId: q, quantity: 2 }]);
    const second = await placed(t, customerToken, shop.storeId, [{ productId: p, quantity: 3 }]);
    await acted(t, shop.staffToken, second.id, "confirm");
    const cancelled = await placed(t, customerToken, shop.storeId, [{ productId: q, quantity: 1 }]);
    await acted(t, shop.staffToken, cancelled.id, "cancel");

    const list = await pickListOf(shop);
    // 8 of the mug leave largest first: all 6 of shelf a, then 2 of b; the first order takes first.
    expect(byShelf(list)).toEqual({
      [a.id]: { [p]: [[first.number, 5], [second.number, 1]], [q]: [[first.number, 2]] },
      [b.id]: { [p]: [[second.number, 2]] },
    });
    expect(list.shelves.map((s: Json) => s.shelfCode)).toEqual([a.code, b.code]);
    expect(list.shelves[0].lines.find((l: Json) => l.productId === p).quantity).toBe(6);
    expect(list.orders).toBe(2);
    const totals = Object.fromEntries(list.products.map((x: Json) => [x.productId, { quantity: x.quantity, shelves: x.shelves.map((s: Json) => [s.shelfId, s.quantity]), unshelved: x.unshelved }]));
    expect(totals).toEqual({
      [p]: { quantity: 8, shelves: [[a.id, 6], [b.id, 2]], unshelved: 0 },
      [q]: { quantity: 2, shelves: [[a.id, 2]], unshelved: 0 },
    });
    expect(list.products.find((x: Json) => x.productId === p)).toMatchObject({ name: "Mug" });
  });

  test("the order shipped first leaves exactly the shelves the list showed it, and the list follows the shelves as they are", async () => {
    const shop = await openShop(t);
    const [a, b] = [await shelf(shop), await shelf(shop)];
    const p = await createSimple(t, shop.staffToken);
    await stock(t, shop, p, 6, a.id);
    await stock(t, shop, p, 4, b.id);
    const first = await placed(t, customerToken, shop.storeId, [{ productId: p, quantity: 5 }]);
    const second = await placed(t, customerToken, shop.storeId, [{ productId: p, quantity: 3 }]);
    expect(byShelf(await pickListOf(shop))[a.id]?.[p]).toEqual([[first.number, 5], [second.number, 1]]);

    await acted(t, shop.staffToken, first.id, "confirm");
    await acted(t, shop.staffToken, first.id, "ship");
    expect(await shelfQuantities(shop, p)).toMatchObject({ [a.id]: 1, [b.id]: 4 });
    // Now b is the larger shelf: ship would take the second order's 3 from it.
    expect(byShelf(await pickListOf(shop))).toEqual({ [b.id]: { [p]: [[second.number, 3]] } });
  });

  test("shelves are taken in the ship rule's order, largest first and ties by shelf id, and ship takes what the list showed", async () => {
    const shop = await openShop(t);
    const shelves = [await shelf(shop), await shelf(shop), await shelf(shop)];
    const ids = shelves.map((s) => s.id);
    const large = ids[2] ?? "";
    const [tieLow = "", tieHigh = ""] = ids.slice(0, 2).sort();
    const p = await createSimple(t, shop.staffToken);
    await stock(t, shop, p, 3, tieHigh);
    await stock(t, shop, p, 3, tieLow);
    await stock(t, shop, p, 5, large);
    const order = await placed(t, customerToken, shop.storeId, [{ productId: p, quantity: 9 }]);

    const total = (await pickListOf(shop)).products[0];
    expect(total.shelves.map((s: Json) => [s.shelfId, s.quantity])).toEqual([
      [large, 5],
      [tieLow, 3],
      [tieHigh, 1],
    ]);
    await acted(t, shop.staffToken, order.id, "confirm");
    await acted(t, shop.staffToken, order.id, "ship");
    expect(await shelfQuantities(shop, p)).toMatchObject({ [large]: 0, [tieLow]: 0, [tieHigh]: 2 });
  });

  test("a set order is picked as its components, never as the set", async () => {
    const shop = await openShop(t);
    const c1 = await createSimple(t, shop.staffToken, "Cup");
    const c2 = await createSimple(t, shop.staffToken, "Saucer");
    await stock(t, shop, c1, 10);
    await stock(t, shop, c2, 10);
    const set = await createSet(t, shop.staffToken, [{ productId: c1, quantity: 2 }, { productId: c2, quantity: 1 }]);
    const order = await placed(t, customerToken, shop.storeId, [{ productId: set, quantity: 2 }]);

    const list = await pickListOf(shop);
    expect(byShelf(list)).toEqual({ [shop.shelfId]: { [c1]: [[order.number, 4]], [c2]: [[order.number, 2]] } });
    expect(list.products.map((x: Json) => [x.name, x.quantity]).sort()).toEqual([["Cup", 4], ["Saucer", 2]]);
  });

  test("a warehouse with nothing open answers empty lists", async () => {
    const shop = await openShop(t);
    const p = await createSimple(t, shop.staffToken);
    await stock(t, shop, p, 3);
    const shipped = await placed(t, customerToken, shop.storeId, [{ productId: p, quantity: 1 }]);
    await acted(t, shop.staffToken, shipped.id, "confirm");
    await acted(t, shop.staffToken, shipped.id, "ship");
    const list = await pickListOf(shop);
    expect(list).toMatchObject({ warehouseId: shop.warehouseId, orders: 0, shelves: [], products: [] });
  });

  test("another warehouse's open orders are not on the list", async () => {
    const here = await openShop(t);
    const there = await openShop(t);
    const p = await createSimple(t, there.staffToken);
    await stock(t, there, p, 3);
    await placed(t, customerToken, there.storeId, [{ productId: p, quantity: 2 }]);
    expect((await pickListOf(here)).shelves).toEqual([]);
    expect((await pickListOf(there)).products).toHaveLength(1);
  });

  test("an unknown warehouse is 404 WAREHOUSE_NOT_FOUND, a malformed id 422", async () => {
    const shop = await openShop(t);
    const unknown = await pickList(shop, "00000000-0000-4000-8000-000000000000");
    expect(unknown.status).toBe(404);
    expect((await bodyOf(unknown)).error.code).toBe("WAREHOUSE_NOT_FOUND");
    expect((await pickList(shop, "not-a-uuid")).status).toBe(422);
  });

  test("only staff may read it: 401 without a token, 403 for a customer", async () => {
    const shop = await openShop(t);
    expect((await t.request(`/api/v1/fulfilment/picklist?warehouseId=${shop.warehouseId}`)).status).toBe(401);
    expect((await pickList(shop, shop.warehouseId, customerToken)).status).toBe(403);
    expect((await pickList(shop, shop.warehouseId, shop.adminToken)).status).toBe(200);
  });
});

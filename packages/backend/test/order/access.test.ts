import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../support/app";
import { createStore } from "../support/catalog";
import { bodyOf, type Json } from "../support/http";
import { get } from "../support/identity";
import { act, acted, level, newCustomer, openShop, placed, type Shop, stockedProduct } from "./support";

let t: TestApp;
let shop: Shop;
let owner: string;
let stranger: string;
let productId: string;
beforeAll(async () => {
  t = await createTestApp({ label: "order-access" });
  shop = await openShop(t);
  owner = await newCustomer(t);
  stranger = await newCustomer(t);
  productId = await stockedProduct(t, shop, 1000);
});
afterAll(() => t.close());

const order = () => placed(t, owner, shop.storeId, [{ productId, quantity: 1 }]);

async function page(token: string, query = ""): Promise<Json> {
  const res = await get(t, `/api/v1/orders${query}`, token);
  expect(res.status).toBe(200);
  return bodyOf(res);
}

describe("reading one order", () => {
  test("the owner reads their order, without allocations", async () => {
    const mine = await order();
    const res = await get(t, `/api/v1/orders/${mine.id}`, owner);
    expect(res.status).toBe(200);
    const body = await bodyOf(res);
    expect(body).toMatchObject({ id: mine.id, status: "CREATED", items: mine.items });
    expect(body.allocations).toBeUndefined();
  });

  test("another customer gets 404 ORDER_NOT_FOUND, as for a missing order", async () => {
    const mine = await order();
    const res = await get(t, `/api/v1/orders/${mine.id}`, stranger);
    expect(res.status).toBe(404);
    expect((await bodyOf(res)).error.code).toBe("ORDER_NOT_FOUND");
  });

  test("staff read any order with its allocations", async () => {
    const mine = await order();
    const body = await bodyOf(await get(t, `/api/v1/orders/${mine.id}`, shop.staffToken));
    expect(body.allocations).toEqual([{ id: expect.any(String), productId, warehouseId: shop.warehouseId, quantity: 1, state: "RESERVED" }]);
  });

  test("an id that is not a UUID is 422", async () => {
    expect((await get(t, "/api/v1/orders/not-a-uuid", owner)).status).toBe(422);
  });

  test("a missing order is 404 ORDER_NOT_FOUND", async () => {
    const res = await get(t, "/api/v1/orders/00000000-0000-4000-8000-000000000003", shop.staffToken);
    expect(res.status).toBe(404);
    expect((await bodyOf(res)).error.code).toBe("ORDER_NOT_FOUND");
  });
});

describe("cancelling as a customer", () => {
  test("the owner may cancel before shipment, and the stock is released", async () => {
    const before = await level(t, shop, productId);
    const mine = await order();
    const res = await act(t, owner, mine.id, "cancel");
    expect(res.status).toBe(200);
    expect((await bodyOf(res)).status).toBe("CANCELLED");
    expect(await level(t, shop, productId)).toEqual(before);
  });

  test("the owner may cancel a confirmed order", async () => {
    const mine = await order();
    await acted(t, shop.staffToken, mine.id, "confirm");
    expect((await act(t, owner, mine.id, "cancel")).status).toBe(200);
  });

  test("the owner may not cancel after shipment: 409 INVALID_TRANSITION", async () => {
    const mine = await order();
    await acted(t, shop.staffToken, mine.id, "confirm");
    await acted(t, shop.staffToken, mine.id, "ship");
    const res = await act(t, owner, mine.id, "cancel");
    expect(res.status).toBe(409);
    expect((await bodyOf(res)).error).toMatchObject({ code: "INVALID_TRANSITION", details: { from: "SHIPPED", to: "CANCELLED" } });
  });

  test("another customer cancelling gets 404 and the order stays", async () => {
    const mine = await order();
    const res = await act(t, stranger, mine.id, "cancel");
    expect(res.status).toBe(404);
    expect((await bodyOf(await get(t, `/api/v1/orders/${mine.id}`, owner))).status).toBe("CREATED");
  });

  test("staff may cancel a customer's order", async () => {
    const mine = await order();
    expect((await act(t, shop.staffToken, mine.id, "cancel")).status).toBe(200);
  });

  test.each(["confirm", "ship", "deliver"])("a customer may not %s even their own order: 403", async (action) => {
    const mine = await order();
    expect((await act(t, owner, mine.id, action)).status).toBe(403);
  });
});

describe("listing orders", () => {
  test("a customer sees only their own orders", async () => {
    const lister = await newCustomer(t);
    const a = await placed(t, lister, shop.storeId, [{ productId, quantity: 1 }]);
    const b = await placed(t, lister, shop.storeId, [{ productId, quantity: 2 }]);
    await order();
    const body = await page(lister);
    expect(body.total).toBe(2);
    expect(body.items.map((o: Json) => o.id)).toEqual([b.id, a.id]);
  });

  test("staff see every customer's orders", async () => {
    const mine = await order();
    const theirs = await placed(t, stranger, shop.storeId, [{ productId, quantity: 1 }]);
    const ids = (await page(shop.staffToken, "?limit=100")).items.map((o: Json) => o.id);
    expect(ids).toContain(mine.id);
    expect(ids).toContain(theirs.id);
  });

  test("orders carry their items in the list", async () => {
    const lister = await newCustomer(t);
    await placed(t, lister, shop.storeId, [{ productId, quantity: 3 }]);
    const [first] = (await page(lister)).items;
    expect(first.items).toEqual([expect.objectContaining({ productId, quantity: 3 })]);
  });

  test("the status filter keeps only orders in that status", async () => {
    const lister = await newCustomer(t);
    const kept = await placed(t, lister, shop.storeId, [{ productId, quantity: 1 }]);
    const cancelled = await placed(t, lister, shop.storeId, [{ productId, quantity: 1 }]);
    await acted(t, lister, cancelled.id, "cancel");
    const body = await page(lister, "?status=CANCELLED");
    expect(body.items.map((o: Json) => o.id)).toEqual([cancelled.id]);
    expect(body.items.map((o: Json) => o.id)).not.toContain(kept.id);
  });

  test("the store filter keeps only that store's orders", async () => {
    const otherStore = await createStore(t, shop.adminToken, { type: "WEB", warehouseIds: [shop.warehouseId] });
    const there = await placed(t, shop.staffToken, otherStore, [{ productId, quantity: 1 }]);
    await order();
    const body = await page(shop.staffToken, `?storeId=${otherStore}`);
    expect(body.items.map((o: Json) => o.id)).toEqual([there.id]);
  });

  test("pages hold at most limit orders and report the total", async () => {
    const lister = await newCustomer(t);
    for (let i = 0; i < 3; i++) await placed(t, lister, shop.storeId, [{ productId, quantity: 1 }]);
    const second = await page(lister, "?page=2&limit=2");
    expect(second).toMatchObject({ page: 2, limit: 2, total: 3 });
    expect(second.items).toHaveLength(1);
  });

  test.each(["?status=LOST", "?limit=0", "?limit=101", "?storeId=nope", "?page=x"])("a bad query %s is 422", async (query) => {
    expect((await get(t, `/api/v1/orders${query}`, owner)).status).toBe(422);
  });

  test("without a token the list is 401", async () => {
    expect((await get(t, "/api/v1/orders")).status).toBe(401);
  });
});

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { queryRows } from "../../src/infra/db";
import { createTestApp, type TestApp } from "../support/app";
import { createStore } from "../support/catalog";
import { bodyOf, type Json } from "../support/http";
import { get, sendJson } from "../support/identity";
import { createSet, createSimple, ledgerOf, level, newCustomer, newKey, openShop, placed, placeOrder, type Shop, stock, stockedProduct } from "./support";

// Issue 5: a web order is one statement. These pin down what that statement must keep doing.
let t: TestApp;
let shop: Shop;
let buyer: string;
const queries: string[] = [];
beforeAll(async () => {
  t = await createTestApp({ label: "order-place-statement", onQuery: (query) => void queries.push(query) });
  shop = await openShop(t);
  buyer = await newCustomer(t);
});
afterAll(() => t.close());

/** A second warehouse with a shelf; `firstSecond` makes a WEB store that draws on it before the shop's. */
async function secondWarehouse(firstSecond: boolean) {
  const code = `PS-${Math.random().toString(36).slice(2, 8)}`;
  const warehouse = await bodyOf(await sendJson(t, "POST", "/api/v1/inventory/warehouses", { code, name: "Second" }, shop.staffToken));
  const shelf = await bodyOf(await sendJson(t, "POST", `/api/v1/inventory/warehouses/${warehouse.id}/shelves`, { code: "S1" }, shop.staffToken));
  const warehouseIds = firstSecond ? [warehouse.id, shop.warehouseId] : [shop.warehouseId, warehouse.id];
  const storeId = await createStore(t, shop.adminToken, { type: "WEB", warehouseIds });
  return { warehouseId: warehouse.id as string, shelfId: shelf.id as string, storeId };
}

async function rowCount(table: "orders" | "order_items" | "order_allocations" | "stock_movements" | "idempotency_keys"): Promise<number> {
  const [row] = await queryRows<{ n: number }>(t.infra.database.db, sql`select count(*)::int as n from ${sql.identifier(table)}`);
  return row?.n ?? -1;
}

const tables = ["orders", "order_items", "order_allocations", "stock_movements", "idempotency_keys"] as const;
async function counts(): Promise<Record<(typeof tables)[number], number>> {
  const [orders, order_items, order_allocations, stock_movements, idempotency_keys] = await Promise.all(tables.map(rowCount));
  return { orders: orders ?? -1, order_items: order_items ?? -1, order_allocations: order_allocations ?? -1, stock_movements: stock_movements ?? -1, idempotency_keys: idempotency_keys ?? -1 };
}

describe("the one-statement placement", () => {
  test("drains the store's first warehouse before the next, whichever warehouse was created first", async () => {
    const two = await secondWarehouse(true);
    const productId = await createSimple(t, shop.staffToken);
    await stock(t, shop, productId, 5);
    await stock(t, shop, productId, 3, two.shelfId);
    const order = await placed(t, shop.staffToken, two.storeId, [{ productId, quantity: 4 }]);
    expect(await level(t, shop, productId, two.warehouseId)).toEqual({ onHand: 3, reserved: 3 });
    expect(await level(t, shop, productId)).toEqual({ onHand: 5, reserved: 1 });
    const detail = await bodyOf(await get(t, `/api/v1/orders/${order.id}`, shop.staffToken));
    const held = detail.allocations.map((a: Json) => ({ warehouseId: a.warehouseId, quantity: a.quantity, state: a.state }));
    expect(held).toHaveLength(2);
    expect(held).toContainEqual({ warehouseId: two.warehouseId, quantity: 3, state: "RESERVED" });
    expect(held).toContainEqual({ warehouseId: shop.warehouseId, quantity: 1, state: "RESERVED" });
  });

  test("writes one RESERVE row per warehouse drawn on, in priority order, named after the order number", async () => {
    const two = await secondWarehouse(true);
    const productId = await createSimple(t, shop.staffToken);
    await stock(t, shop, productId, 5);
    await stock(t, shop, productId, 2, two.shelfId);
    const order = await placed(t, buyer, two.storeId, [{ productId, quantity: 3 }]);
    const rows = await ledgerOf(t, shop, productId, order.id);
    expect(rows.map((m: Json) => [m.warehouseId, m.kind, m.reservedBefore, m.reservedAfter, m.onHandBefore, m.onHandAfter])).toEqual([
      [two.warehouseId, "RESERVE", 0, 2, 2, 2],
      [shop.warehouseId, "RESERVE", 0, 1, 5, 5],
    ]);
    expect(rows.every((m: Json) => m.reason === `order #${order.number}` && m.delta === 0)).toBe(true);
  });

  test("a multi-line order with one short line writes nothing at all", async () => {
    const plenty = await stockedProduct(t, shop, 10);
    const scarce = await stockedProduct(t, shop, 1);
    const before = await counts();
    const res = await placeOrder(t, buyer, { storeId: shop.storeId, items: [{ productId: plenty, quantity: 2 }, { productId: scarce, quantity: 2 }] });
    expect(res.status).toBe(409);
    expect((await bodyOf(res)).error.details.shortages).toEqual([{ productId: scarce, requested: 2, available: 1 }]);
    expect(await level(t, shop, plenty)).toEqual({ onHand: 10, reserved: 0 });
    expect(await level(t, shop, scarce)).toEqual({ onHand: 1, reserved: 0 });
    // Only the refusal's own idempotency record is new: the 409 is replayed on a retry.
    expect(await counts()).toEqual({ ...before, idempotency_keys: before.idempotency_keys + 1 });
  });

  test("a short set names its component with what every store warehouse held free", async () => {
    const two = await secondWarehouse(false);
    const part = await createSimple(t, shop.staffToken);
    await stock(t, shop, part, 2);
    await stock(t, shop, part, 3, two.shelfId);
    const set = await createSet(t, shop.staffToken, [{ productId: part, quantity: 2 }]);
    const res = await placeOrder(t, shop.staffToken, { storeId: two.storeId, items: [{ productId: set, quantity: 3 }] });
    expect(res.status).toBe(409);
    expect((await bodyOf(res)).error.details.shortages).toEqual([{ productId: part, requested: 6, available: 5 }]);
    expect(await level(t, shop, part, two.warehouseId)).toEqual({ onHand: 3, reserved: 0 });
  });

  test("the replayed answer is the first 201 body exactly, and the order reads back the same", async () => {
    const productId = await stockedProduct(t, shop, 5);
    const key = newKey();
    const body = { storeId: shop.storeId, items: [{ productId, quantity: 2 }] };
    const first = await bodyOf(await placeOrder(t, buyer, body, key));
    const again = await placeOrder(t, buyer, body, key);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(await bodyOf(again)).toEqual(first);
    const read = await bodyOf(await get(t, `/api/v1/orders/${first.id}`, buyer));
    expect(read).toEqual(first);
  });

  test("orders placed one after another get increasing numbers", async () => {
    const productId = await stockedProduct(t, shop, 5);
    const a = await placed(t, buyer, shop.storeId, [{ productId, quantity: 1 }]);
    const b = await placed(t, buyer, shop.storeId, [{ productId, quantity: 1 }]);
    expect(b.number).toBeGreaterThan(a.number);
  });

  test("a used key with another body writes nothing", async () => {
    const productId = await stockedProduct(t, shop, 5);
    const key = newKey();
    await placed(t, buyer, shop.storeId, [{ productId, quantity: 1 }]);
    expect((await placeOrder(t, buyer, { storeId: shop.storeId, items: [{ productId, quantity: 1 }] }, key)).status).toBe(201);
    const before = await counts();
    const res = await placeOrder(t, buyer, { storeId: shop.storeId, items: [{ productId, quantity: 2 }] }, key);
    expect(res.status).toBe(422);
    expect(await counts()).toEqual(before);
    expect(await level(t, shop, productId)).toEqual({ onHand: 5, reserved: 2 });
  });

  test("the order's writes are one statement", async () => {
    const productId = await stockedProduct(t, shop, 5);
    await placed(t, buyer, shop.storeId, [{ productId, quantity: 1 }]);
    queries.length = 0;
    await placed(t, buyer, shop.storeId, [{ productId, quantity: 1 }]);
    const writes = queries.filter((q) => /\b(insert into|update)\b/i.test(q) && /\b(orders|inventory_levels|stock_movements|idempotency_keys)\b/.test(q));
    expect(writes).toHaveLength(1);
    expect(queries.some((q) => /^\s*begin\b/i.test(q))).toBe(false);
  });
});

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { StockChange } from "../../src/domains/inventory/events";
import { createTestApp, type TestApp } from "../support/app";
import { bodyOf, type Json } from "../support/http";
import { get, sendJson } from "../support/identity";
import {
  act,
  acted,
  createSimple,
  invariantsOk,
  ledgerOf,
  level,
  newCustomer,
  openShop,
  placed,
  type Shop,
  stock,
  stockedProduct,
} from "./support";

let t: TestApp;
let shop: Shop;
let buyer: string;
const announced: StockChange[] = [];
beforeAll(async () => {
  t = await createTestApp({ label: "order-stock-effects" });
  shop = await openShop(t);
  buyer = await newCustomer(t);
  t.services.events.stock.on((change) => void announced.push(change));
});
afterAll(() => t.close());

async function detail(orderId: string): Promise<Json> {
  return bodyOf(await get(t, `/api/v1/orders/${orderId}`, shop.staffToken));
}

const states = (order: Json) => order.allocations.map((a: Json) => a.state);

/** A second warehouse with a shelf, and a WEB store drawing on the shop's warehouse first, then it. */
async function twoWarehouseStore() {
  const code = `W2-${Math.random().toString(36).slice(2, 8)}`;
  const second = await bodyOf(await sendJson(t, "POST", "/api/v1/inventory/warehouses", { code, name: "Second" }, shop.staffToken));
  const shelf = await bodyOf(await sendJson(t, "POST", `/api/v1/inventory/warehouses/${second.id}/shelves`, { code: "B1" }, shop.staffToken));
  const storeRes = await sendJson(t, "POST", "/api/v1/stores", { name: `Two ${code}`, type: "WEB", warehouseIds: [shop.warehouseId, second.id] }, shop.adminToken);
  return { warehouseId: second.id as string, shelfId: shelf.id as string, storeId: (await bodyOf(storeRes)).id as string };
}

describe("confirming and delivering", () => {
  test("confirming changes the status and no stock", async () => {
    const productId = await stockedProduct(t, shop, 10);
    const order = await placed(t, buyer, shop.storeId, [{ productId, quantity: 2 }]);
    const confirmed = await acted(t, shop.staffToken, order.id, "confirm");
    expect(confirmed.status).toBe("CONFIRMED");
    expect(await level(t, shop, productId)).toEqual({ onHand: 10, reserved: 2 });
    expect(states(confirmed)).toEqual(["RESERVED"]);
  });

  test("delivering a shipped order changes the status and no stock", async () => {
    const productId = await stockedProduct(t, shop, 10);
    const order = await placed(t, buyer, shop.storeId, [{ productId, quantity: 2 }]);
    await acted(t, shop.staffToken, order.id, "confirm");
    await acted(t, shop.staffToken, order.id, "ship");
    const delivered = await acted(t, shop.staffToken, order.id, "deliver");
    expect(delivered.status).toBe("DELIVERED");
    expect(await level(t, shop, productId)).toEqual({ onHand: 8, reserved: 0 });
  });
});

describe("cancelling", () => {
  test("releases exactly what was reserved, across warehouses, and marks the allocations RELEASED", async () => {
    const two = await twoWarehouseStore();
    const productId = await createSimple(t, shop.staffToken);
    await stock(t, shop, productId, 3);
    await stock(t, shop, productId, 10, two.shelfId);
    // Someone else's reservation must survive the cancellation untouched.
    await placed(t, buyer, two.storeId, [{ productId, quantity: 1 }]);
    const order = await placed(t, buyer, two.storeId, [{ productId, quantity: 6 }]);
    expect(await level(t, shop, productId)).toEqual({ onHand: 3, reserved: 3 });
    expect(await level(t, shop, productId, two.warehouseId)).toEqual({ onHand: 10, reserved: 4 });
    const cancelled = await acted(t, shop.staffToken, order.id, "cancel");
    expect(cancelled.status).toBe("CANCELLED");
    expect(await level(t, shop, productId)).toEqual({ onHand: 3, reserved: 1 });
    expect(await level(t, shop, productId, two.warehouseId)).toEqual({ onHand: 10, reserved: 0 });
    expect(states(await detail(order.id))).toEqual(["RELEASED", "RELEASED"]);
  });

  test("writes a RELEASE ledger row per allocation with the order id", async () => {
    const productId = await stockedProduct(t, shop, 10);
    const order = await placed(t, buyer, shop.storeId, [{ productId, quantity: 4 }]);
    await acted(t, shop.staffToken, order.id, "cancel");
    const rows = await ledgerOf(t, shop, productId, order.id);
    expect(rows.map((r) => r.kind)).toEqual(["RESERVE", "RELEASE"]);
    expect(rows[1]).toMatchObject({ delta: 0, reservedBefore: 4, reservedAfter: 0, onHandBefore: 10, onHandAfter: 10 });
  });

  test("a second cancellation is refused and releases nothing more", async () => {
    const productId = await stockedProduct(t, shop, 10);
    await placed(t, buyer, shop.storeId, [{ productId, quantity: 1 }]);
    const order = await placed(t, buyer, shop.storeId, [{ productId, quantity: 2 }]);
    await acted(t, shop.staffToken, order.id, "cancel");
    const again = await act(t, shop.staffToken, order.id, "cancel");
    expect(again.status).toBe(409);
    expect(await level(t, shop, productId)).toEqual({ onHand: 10, reserved: 1 });
  });

  test("two cancellations at once release the stock once", async () => {
    const productId = await stockedProduct(t, shop, 10);
    await placed(t, buyer, shop.storeId, [{ productId, quantity: 1 }]);
    const order = await placed(t, buyer, shop.storeId, [{ productId, quantity: 3 }]);
    const answers = await Promise.all([act(t, shop.staffToken, order.id, "cancel"), act(t, shop.staffToken, order.id, "cancel")]);
    expect(answers.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(await level(t, shop, productId)).toEqual({ onHand: 10, reserved: 1 });
  });

  test("is announced after commit with the order id", async () => {
    const productId = await stockedProduct(t, shop, 10);
    const order = await placed(t, buyer, shop.storeId, [{ productId, quantity: 1 }]);
    announced.length = 0;
    await acted(t, shop.staffToken, order.id, "cancel");
    expect(announced).toEqual([{ productIds: [productId], warehouseIds: [shop.warehouseId], correlationId: order.id, urgent: true }]);
  });
});

describe("shipping", () => {
  test("takes the reserved units off on hand and reserved together, and marks the allocations SHIPPED", async () => {
    const productId = await stockedProduct(t, shop, 10);
    await placed(t, buyer, shop.storeId, [{ productId, quantity: 1 }]);
    const order = await placed(t, buyer, shop.storeId, [{ productId, quantity: 3 }]);
    await acted(t, shop.staffToken, order.id, "confirm");
    const shipped = await acted(t, shop.staffToken, order.id, "ship");
    expect(shipped.status).toBe("SHIPPED");
    expect(await level(t, shop, productId)).toEqual({ onHand: 7, reserved: 1 });
    expect(states(shipped)).toEqual(["SHIPPED"]);
  });

  test("writes SHIP ledger rows naming the shelf picked from", async () => {
    const productId = await stockedProduct(t, shop, 10);
    const order = await placed(t, buyer, shop.storeId, [{ productId, quantity: 3 }]);
    await acted(t, shop.staffToken, order.id, "confirm");
    await acted(t, shop.staffToken, order.id, "ship");
    const ship = (await ledgerOf(t, shop, productId, order.id)).filter((r) => r.kind === "SHIP");
    expect(ship).toHaveLength(1);
    expect(ship[0]).toMatchObject({ shelfId: shop.shelfId, delta: -3, onHandBefore: 10, onHandAfter: 7, reservedBefore: 3, reservedAfter: 0 });
  });

  test("a customer cannot ship: 403", async () => {
    const productId = await stockedProduct(t, shop, 10);
    const order = await placed(t, buyer, shop.storeId, [{ productId, quantity: 1 }]);
    await acted(t, shop.staffToken, order.id, "confirm");
    expect((await act(t, buyer, order.id, "ship")).status).toBe(403);
  });
});

describe("returning", () => {
  test("puts every shipped unit on the named shelf, even in another warehouse, and marks the allocations RETURNED", async () => {
    const two = await twoWarehouseStore();
    const productId = await stockedProduct(t, shop, 10);
    const order = await placed(t, buyer, shop.storeId, [{ productId, quantity: 4 }]);
    await acted(t, shop.staffToken, order.id, "confirm");
    await acted(t, shop.staffToken, order.id, "ship");
    await acted(t, shop.staffToken, order.id, "deliver");
    const returned = await acted(t, shop.staffToken, order.id, "return", { shelfId: two.shelfId });
    expect(returned.status).toBe("RETURNED");
    expect(states(returned)).toEqual(["RETURNED"]);
    expect(await level(t, shop, productId)).toEqual({ onHand: 6, reserved: 0 });
    expect(await level(t, shop, productId, two.warehouseId)).toEqual({ onHand: 4, reserved: 0 });
    const rows = (await ledgerOf(t, shop, productId, order.id)).filter((r) => r.kind === "RETURN");
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ shelfId: two.shelfId, warehouseId: two.warehouseId, delta: 4 });
  });

  test("announces the return shelf's warehouse", async () => {
    const two = await twoWarehouseStore();
    const productId = await stockedProduct(t, shop, 10);
    const order = await placed(t, buyer, shop.storeId, [{ productId, quantity: 1 }]);
    await acted(t, shop.staffToken, order.id, "confirm");
    await acted(t, shop.staffToken, order.id, "ship");
    announced.length = 0;
    await acted(t, shop.staffToken, order.id, "return", { shelfId: two.shelfId });
    expect(announced).toHaveLength(1);
    expect(announced[0]?.warehouseIds).toContain(two.warehouseId);
  });

  test("an unknown shelf is 404 and the order stays shipped", async () => {
    const productId = await stockedProduct(t, shop, 10);
    const order = await placed(t, buyer, shop.storeId, [{ productId, quantity: 1 }]);
    await acted(t, shop.staffToken, order.id, "confirm");
    await acted(t, shop.staffToken, order.id, "ship");
    const res = await act(t, shop.staffToken, order.id, "return", { shelfId: "00000000-0000-4000-8000-00000000000f" });
    expect(res.status).toBe(404);
    expect((await bodyOf(res)).error.code).toBe("SHELF_NOT_FOUND");
    expect((await detail(order.id)).status).toBe("SHIPPED");
    expect(await level(t, shop, productId)).toEqual({ onHand: 9, reserved: 0 });
  });

  test("a return without a shelf is 422", async () => {
    const productId = await stockedProduct(t, shop, 10);
    const order = await placed(t, buyer, shop.storeId, [{ productId, quantity: 1 }]);
    expect((await act(t, shop.staffToken, order.id, "return", {})).status).toBe(422);
  });
});

describe("the stock invariants", () => {
  test("hold after a mix of placing, cancelling, shipping and returning", async () => {
    const productId = await stockedProduct(t, shop, 20);
    const kept = await placed(t, buyer, shop.storeId, [{ productId, quantity: 2 }]);
    const cancelled = await placed(t, buyer, shop.storeId, [{ productId, quantity: 3 }]);
    const returned = await placed(t, buyer, shop.storeId, [{ productId, quantity: 4 }]);
    await acted(t, shop.staffToken, cancelled.id, "cancel");
    for (const action of ["confirm", "ship", "return"]) {
      await acted(t, shop.staffToken, returned.id, action, action === "return" ? { shelfId: shop.shelfId } : undefined);
    }
    expect(kept.status).toBe("CREATED");
    expect(await level(t, shop, productId)).toEqual({ onHand: 20, reserved: 2 });
    expect(await invariantsOk(t, shop)).toMatchObject({ ok: true, violations: [] });
  });
});

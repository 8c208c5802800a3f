import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { StockChange } from "../../src/domains/inventory/events";
import { createTestApp, type TestApp } from "../support/app";
import { bodyOf, type Json } from "../support/http";
import { get, sendJson } from "../support/identity";
import { act, createSet, invariantsOk, ledgerOf, newCustomer, openShop, placed, type Shop, stockedProduct } from "../order/support";
import { createReturn, productBarcode, receive, received, returnOf, shippedWebOrder, stockIn } from "./support";

let t: TestApp;
let shop: Shop;
let buyer: string;
const announced: StockChange[] = [];
beforeAll(async () => {
  t = await createTestApp({ label: "returns-receive" });
  shop = await openShop(t);
  buyer = await newCustomer(t);
  t.services.events.stock.on((change) => void announced.push(change));
});
afterAll(() => t.close());

/** What the store may sell of the product, as the catalog shows it. */
async function sellableOn(productId: string, storeId: string): Promise<number> {
  const detail = await bodyOf(await get(t, `/api/v1/catalog/products/${productId}`, shop.staffToken));
  return detail.availability.find((a: Json) => a.storeId === storeId).sellable;
}

async function orderStatus(orderId: string): Promise<string> {
  return (await bodyOf(await get(t, `/api/v1/orders/${orderId}`, shop.staffToken))).status;
}

describe("a web return received one unit to a shelf and one to quarantine", () => {
  let productId: string;
  let order: Json;
  let done: Json;
  let sellableBefore: number;
  beforeAll(async () => {
    productId = await stockedProduct(t, shop, 10);
    order = await shippedWebOrder(t, shop, buyer, [{ productId, quantity: 2 }]);
    sellableBefore = await sellableOn(productId, shop.storeId);
    const ret = await createReturn(t, shop, { orderId: order.id });
    announced.length = 0;
    expect(ret).toMatchObject({ source: "WEB", status: "REQUESTED", decision: "PENDING", orderId: order.id, commands: [] });
    expect(ret.lines).toEqual([expect.objectContaining({ productId, orderLineNo: 1, quantityClaimed: 2, quantityReceived: 0 })]);
    done = await received(t, shop, ret.id, [
      { productId, quantity: 1, shelfId: shop.shelfId, condition: "UNOPENED" },
      { productId, quantity: 1, shelfId: "QUARANTINE", condition: "DAMAGED" },
    ]);
  });

  test("makes only the shelved unit sellable; the other is counted in quarantine", async () => {
    expect(await stockIn(t, shop, productId)).toEqual({ onHand: 9, reserved: 0, free: 9, quarantined: 1 });
    expect(await sellableOn(productId, shop.storeId)).toBe(sellableBefore + 1);
  });

  test("announces the restocked product at once, so the marketplaces hear of it", () => {
    expect(announced).toEqual([expect.objectContaining({ productIds: [productId], warehouseIds: [shop.warehouseId], correlationId: order.id, urgent: true })]);
  });

  test("writes a RETURN ledger row for the shelf and a QUARANTINE row for the unit put aside", async () => {
    const rows = (await ledgerOf(t, shop, productId, order.id)).filter((r) => r.kind === "RETURN" || r.kind === "QUARANTINE");
    expect(rows).toEqual([
      expect.objectContaining({ kind: "RETURN", shelfId: shop.shelfId, delta: 1, quarantineDelta: 0, onHandBefore: 8, onHandAfter: 9 }),
      expect.objectContaining({ kind: "QUARANTINE", shelfId: null, warehouseId: shop.warehouseId, delta: 0, quarantineDelta: 1, onHandBefore: 9, onHandAfter: 9 }),
    ]);
  });

  test("the return shows both receipts and is RECEIVED; the order, with nothing left out, is RETURNED", async () => {
    expect(done.status).toBe("RECEIVED");
    expect(done.lines[0]).toMatchObject({ quantityReceived: 2, quantityRestocked: 1, quantityQuarantined: 1 });
    expect(done.lines[0].receipts.map((r: Json) => [r.to, r.shelfId, r.condition])).toEqual([
      ["SHELF", shop.shelfId, "UNOPENED"],
      ["QUARANTINE", null, "DAMAGED"],
    ]);
    expect(await orderStatus(order.id)).toBe("RETURNED");
  });

  test("the invariants hold, with the quarantine shown apart", async () => {
    const report = await invariantsOk(t, shop);
    expect(report).toMatchObject({ ok: true, violations: [] });
    expect(report.quarantine.units).toBeGreaterThanOrEqual(1);
  });
});

describe("a set returned with a component missing", () => {
  test("restocks only the components that came back, and the return stays PARTLY_RECEIVED", async () => {
    const a = await stockedProduct(t, shop, 5);
    const b = await stockedProduct(t, shop, 6);
    const setId = await createSet(t, shop.staffToken, [
      { productId: a, quantity: 1 },
      { productId: b, quantity: 2 },
    ]);
    const order = await shippedWebOrder(t, shop, buyer, [{ productId: setId, quantity: 1 }]);
    const ret = await createReturn(t, shop, { orderId: order.id, lines: [{ productId: setId, quantity: 1 }] });
    expect(ret.lines.map((l: Json) => [l.orderedProductId, l.productId, l.quantityClaimed]).sort()).toEqual(
      [
        [setId, a, 1],
        [setId, b, 2],
      ].sort(),
    );
    // One of the two B's never came back.
    const done = await received(t, shop, ret.id, [
      { productId: a, quantity: 1, shelfId: shop.shelfId, condition: "OPENED" },
      { barcode: await productBarcode(t, shop, b), quantity: 1, shelfId: shop.shelfId, condition: "OPENED" },
    ]);
    expect(done.status).toBe("PARTLY_RECEIVED");
    expect((await stockIn(t, shop, a)).onHand).toBe(5);
    expect((await stockIn(t, shop, b)).onHand).toBe(5);
    expect(await orderStatus(order.id)).toBe("SHIPPED");
    expect(await invariantsOk(t, shop)).toMatchObject({ ok: true });
  });
});

describe("refusals", () => {
  async function requested(quantity = 2): Promise<{ productId: string; ret: Json }> {
    const productId = await stockedProduct(t, shop, 10);
    const order = await shippedWebOrder(t, shop, buyer, [{ productId, quantity }]);
    return { productId, ret: await createReturn(t, shop, { orderId: order.id }) };
  }

  test("receiving more than the return expects is 409 RETURN_OVER_RECEIVED and changes nothing", async () => {
    const { productId, ret } = await requested();
    await received(t, shop, ret.id, [{ productId, quantity: 1, shelfId: shop.shelfId, condition: "UNOPENED" }]);
    const res = await receive(t, shop, ret.id, [
      { productId, quantity: 1, shelfId: shop.shelfId, condition: "UNOPENED" },
      { productId, quantity: 1, shelfId: "QUARANTINE", condition: "DAMAGED" },
    ]);
    expect(res.status).toBe(409);
    expect((await bodyOf(res)).error).toMatchObject({ code: "RETURN_OVER_RECEIVED", details: { productId, requested: 2, expected: 1 } });
    expect(await stockIn(t, shop, productId)).toEqual({ onHand: 9, reserved: 0, free: 9, quarantined: 0 });
    expect((await returnOf(t, shop, ret.id)).lines[0]).toMatchObject({ quantityReceived: 1 });
  });

  test("a product the return does not hold is 409 RETURN_LINE_NOT_FOUND", async () => {
    const { ret } = await requested();
    const other = await stockedProduct(t, shop, 1);
    const res = await receive(t, shop, ret.id, [{ productId: other, quantity: 1, shelfId: shop.shelfId, condition: "UNOPENED" }]);
    expect(res.status).toBe(409);
    expect((await bodyOf(res)).error.code).toBe("RETURN_LINE_NOT_FOUND");
  });

  test("a line naming its product twice, or not at all, is 422 naming the line", async () => {
    const { productId, ret } = await requested();
    const both = await receive(t, shop, ret.id, [{ productId, barcode: "x", quantity: 1, shelfId: shop.shelfId, condition: "UNOPENED" }]);
    expect(both.status).toBe(422);
    expect((await bodyOf(both)).error.details.fields[0].path).toBe("/lines/0");
    const none = await receive(t, shop, ret.id, [{ quantity: 1, shelfId: shop.shelfId, condition: "UNOPENED" }]);
    expect(none.status).toBe(422);
  });

  test("an unknown shelf is 404 SHELF_NOT_FOUND and nothing is received", async () => {
    const { productId, ret } = await requested();
    const res = await receive(t, shop, ret.id, [{ productId, quantity: 1, shelfId: "00000000-0000-4000-8000-00000000000f", condition: "UNOPENED" }]);
    expect(res.status).toBe(404);
    expect((await bodyOf(res)).error.code).toBe("SHELF_NOT_FOUND");
    expect((await returnOf(t, shop, ret.id)).status).toBe("REQUESTED");
  });

  test("units another return already took back are 409 RETURN_EXCEEDS_SHIPPED: nothing restocks twice", async () => {
    const productId = await stockedProduct(t, shop, 10);
    const order = await shippedWebOrder(t, shop, buyer, [{ productId, quantity: 1 }]);
    const first = await createReturn(t, shop, { orderId: order.id });
    const second = await createReturn(t, shop, { orderId: order.id });
    await received(t, shop, first.id, [{ productId, quantity: 1, shelfId: shop.shelfId, condition: "UNOPENED" }]);
    const res = await receive(t, shop, second.id, [{ productId, quantity: 1, shelfId: shop.shelfId, condition: "UNOPENED" }]);
    expect(res.status).toBe(409);
    expect((await bodyOf(res)).error).toMatchObject({ code: "RETURN_EXCEEDS_SHIPPED", details: { short: [{ productId, requested: 1, shipped: 0 }] } });
    expect((await stockIn(t, shop, productId)).onHand).toBe(10);
  });

  test("a web return of an order with nothing shipped is 409 NOTHING_TO_RETURN", async () => {
    const productId = await stockedProduct(t, shop, 3);
    const order = await placed(t, buyer, shop.storeId, [{ productId, quantity: 1 }]);
    const res = await sendJson(t, "POST", "/api/v1/returns", { orderId: order.id }, shop.staffToken);
    expect(res.status).toBe(409);
    expect((await bodyOf(res)).error).toMatchObject({ code: "NOTHING_TO_RETURN", details: { status: "CREATED" } });
  });

  test("naming more of a product than was shipped is 409 RETURN_EXCEEDS_SHIPPED", async () => {
    const productId = await stockedProduct(t, shop, 10);
    const order = await shippedWebOrder(t, shop, buyer, [{ productId, quantity: 1 }]);
    const res = await sendJson(t, "POST", "/api/v1/returns", { orderId: order.id, lines: [{ productId, quantity: 2 }] }, shop.staffToken);
    expect(res.status).toBe(409);
    expect((await bodyOf(res)).error.code).toBe("RETURN_EXCEEDS_SHIPPED");
  });
});

describe("the order's return route", () => {
  test("records a web return, RECEIVED at once onto the shelf, and says where in Location", async () => {
    const productId = await stockedProduct(t, shop, 10);
    const order = await shippedWebOrder(t, shop, buyer, [{ productId, quantity: 3 }]);
    const res = await act(t, shop.staffToken, order.id, "return", { shelfId: shop.shelfId });
    expect(res.status).toBe(200);
    expect((await bodyOf(res)).status).toBe("RETURNED");
    const location = res.headers.get("location") ?? "";
    expect(location).toMatch(/^\/api\/v1\/returns\/[0-9a-f-]{36}$/);
    const ret = await bodyOf(await get(t, location, shop.staffToken));
    expect(ret).toMatchObject({ source: "WEB", status: "RECEIVED", orderId: order.id });
    expect(ret.lines).toEqual([expect.objectContaining({ productId, quantityClaimed: 3, quantityRestocked: 3, quantityQuarantined: 0 })]);
    expect(await stockIn(t, shop, productId)).toMatchObject({ onHand: 10, quarantined: 0 });
  });
});

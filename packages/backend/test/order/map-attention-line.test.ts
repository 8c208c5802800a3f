/**
 * Staff map a marketplace order line no product matched (UNKNOWN_BARCODE) to a product:
 * POST /api/v1/orders/:id/lines/:lineId/map { productId }. Once no line is left unmatched the
 * order reserves through the marketplace reservation (OVERSOLD when short) and leaves
 * NEEDS_ATTENTION, and the needing-attention gauge falls at once.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../support/app";
import { bodyOf, type Json } from "../support/http";
import { customer, get, sendJson } from "../support/identity";
import { deliver, type IntakeShop, intakeShop, level, listedProduct, type MarketStore, ordersFor } from "./intake-support";

let t: TestApp;
let shop: IntakeShop;
let store: MarketStore;
beforeAll(async () => {
  t = await createTestApp({ label: "map-attention-line" });
  shop = await intakeShop(t, 1);
  store = shop.stores[0] as MarketStore;
});
afterAll(() => t.close());

let packages = 0;
const packageOf = (lines: Json[]) => ({
  shipmentPackageId: 6_000_000 + (Date.now() % 1_000_000) * 10 + ++packages,
  status: "Created",
  lastModifiedDate: Date.now(),
  lines: lines.map((line, i) => ({ lineId: i + 1, lineUnitPrice: 10.5, ...line })),
});

const gaugeLine = (storeId: string) => new RegExp(`marketplace_orders_needing_attention\\{[^}]*store="${storeId}"[^}]*\\} (\\d+)`);
async function gauge(): Promise<number | undefined> {
  const match = (await t.metrics.registry.metrics()).match(gaugeLine(store.storeId));
  return match ? Number(match[1]) : undefined;
}

/** Delivers the package and answers the order it became. */
async function recorded(lines: Json[]): Promise<Json> {
  const body = packageOf(lines);
  expect((await deliver(t, store.storeId, body)).status).toBe(200);
  const [order] = await ordersFor(t, shop, store, String(body.shipmentPackageId));
  return order;
}

const map = (orderId: string, lineId: number | string, productId: string, token = shop.staffToken) =>
  sendJson(t, "POST", `/api/v1/orders/${orderId}/lines/${lineId}/map`, { productId }, token);

describe("staff map an unmatched marketplace line to a product", () => {
  test("the order reserves once its unmatched line is mapped, and the gauge falls", async () => {
    const known = await listedProduct(t, shop, 10);
    const target = await listedProduct(t, shop, 10);
    const order = await recorded([
      { barcode: "869-sold-under-another-code", quantity: 2 },
      { barcode: known.barcode, quantity: 1 },
    ]);
    expect(order).toMatchObject({ status: "NEEDS_ATTENTION", attentionLines: [{ lineNo: 1, reason: "UNKNOWN_BARCODE" }] });
    expect(await level(t, shop, known.productId)).toEqual({ onHand: 10, reserved: 0 });
    const open = await gauge();
    expect(open).toBeGreaterThan(0);

    const res = await map(order.id, 1, target.productId);
    expect(res.status).toBe(200);
    const mapped = await bodyOf(res);
    expect(mapped).toMatchObject({ id: order.id, status: "CREATED", attentionReasons: null, attentionLines: [] });
    expect(mapped.items.map((item: Json) => [item.productId, item.quantity, item.unitPrice])).toEqual([
      [target.productId, 2, 1_050],
      [known.productId, 1, 1_050],
    ]);
    expect(mapped.total).toBe(3 * 1_050);
    expect(await level(t, shop, target.productId)).toEqual({ onHand: 10, reserved: 2 });
    expect(await level(t, shop, known.productId)).toEqual({ onHand: 10, reserved: 1 });
    expect(await gauge()).toBe((open ?? 0) - 1);

    const again = await map(order.id, 1, target.productId);
    expect(again.status).toBe(409);
    expect((await bodyOf(again)).error.code).toBe("ORDER_LINE_NOT_UNMATCHED");
    expect(await level(t, shop, target.productId)).toEqual({ onHand: 10, reserved: 2 });
  });

  test("an order mapped onto a product short of stock becomes OVERSOLD and reserves nothing", async () => {
    const empty = await listedProduct(t, shop, 1);
    const order = await recorded([{ barcode: "869-more-than-we-have", quantity: 3 }]);
    const res = await map(order.id, 1, empty.productId);
    expect(res.status).toBe(200);
    expect(await bodyOf(res)).toMatchObject({ status: "OVERSOLD", shortages: [{ productId: empty.productId, requested: 3, available: 1 }] });
    expect(await level(t, shop, empty.productId)).toEqual({ onHand: 1, reserved: 0 });
  });

  test("an order with two unmatched lines waits, unreserved, until both are mapped", async () => {
    const first = await listedProduct(t, shop, 10);
    const second = await listedProduct(t, shop, 10);
    const order = await recorded([
      { barcode: "869-first-unknown", quantity: 1 },
      { barcode: "869-second-unknown", quantity: 1 },
    ]);
    const half = await bodyOf(await map(order.id, 1, first.productId));
    expect(half).toMatchObject({ status: "NEEDS_ATTENTION", attentionReasons: ["UNKNOWN_BARCODE"], attentionLines: [{ lineNo: 2 }] });
    expect(await level(t, shop, first.productId)).toEqual({ onHand: 10, reserved: 0 });

    expect(await bodyOf(await map(order.id, 2, second.productId))).toMatchObject({ status: "CREATED" });
    expect(await level(t, shop, first.productId)).toEqual({ onHand: 10, reserved: 1 });
    expect(await level(t, shop, second.productId)).toEqual({ onHand: 10, reserved: 1 });
  });

  test("a line that is not unmatched answers 409, and so does a line that could not be read for another reason", async () => {
    const known = await listedProduct(t, shop, 10);
    const order = await recorded([
      { barcode: "869-unmatched", quantity: 1 },
      { barcode: known.barcode, quantity: 1 },
      { barcode: known.barcode, quantity: 50_000 },
    ]);
    for (const lineNo of [2, 3]) {
      const res = await map(order.id, lineNo, known.productId);
      expect(res.status).toBe(409);
      expect((await bodyOf(res)).error.code).toBe("ORDER_LINE_NOT_UNMATCHED");
    }
  });

  test("an unknown order or line answers 404, an unknown product 422, a customer 403", async () => {
    const known = await listedProduct(t, shop, 10);
    const order = await recorded([{ barcode: "869-refusals", quantity: 1 }]);

    const noOrder = await map(crypto.randomUUID(), 1, known.productId);
    expect(noOrder.status).toBe(404);
    expect((await bodyOf(noOrder)).error.code).toBe("ORDER_NOT_FOUND");
    const noLine = await map(order.id, 9, known.productId);
    expect(noLine.status).toBe(404);
    expect((await bodyOf(noLine)).error.code).toBe("ORDER_LINE_NOT_FOUND");
    const noProduct = await map(order.id, 1, crypto.randomUUID());
    expect(noProduct.status).toBe(422);
    expect((await bodyOf(noProduct)).error.code).toBe("UNKNOWN_PRODUCT");
    expect((await map(order.id, "first", known.productId)).status).toBe(422);

    const buyer = (await customer(t)).tokens.accessToken as string;
    expect((await map(order.id, 1, known.productId, buyer)).status).toBe(403);
    expect((await bodyOf(await get(t, `/api/v1/orders/${order.id}`, shop.staffToken))).status).toBe("NEEDS_ATTENTION");
  });
});

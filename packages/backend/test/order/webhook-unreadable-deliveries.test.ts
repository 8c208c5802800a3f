/**
 * A Trendyol webhook delivery that is an order but not one intake can read (a quantity past any
 * limit, a line without a barcode, a quantity sent as text, too many lines, no package id) used
 * to be refused 422 by the body schema: nothing was recorded, and Trendyol, which delivers again
 * on every non-2xx, would deliver it forever. Such a delivery must be recorded NEEDS_ATTENTION
 * with its raw payload and reasons and answered 200; only a body that is no order at all is 4xx.
 */
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../support/app";
import { bodyOf, type Json } from "../support/http";
import { get } from "../support/identity";
import { deliver, type IntakeShop, intakeShop, level, listedProduct, type MarketStore } from "./intake-support";

let t: TestApp;
let shop: IntakeShop;
let store: MarketStore;
beforeAll(async () => {
  t = await createTestApp({ label: "webhook-unreadable" });
  shop = await intakeShop(t, 1);
  store = shop.stores[0] as MarketStore;
});
afterAll(() => t.close());

let packages = 0;
const packageOf = (lines: unknown, extra: Json = {}): Json => ({
  shipmentPackageId: 8_000_000 + (Date.now() % 1_000_000) * 10 + ++packages,
  status: "Created",
  lastModifiedDate: Date.now(),
  lines,
  ...extra,
});

async function recorded(externalOrderId: string): Promise<Json[]> {
  const res = await get(t, `/api/v1/orders?status=NEEDS_ATTENTION&storeId=${store.storeId}&limit=100`, shop.staffToken);
  expect(res.status).toBe(200);
  return (await bodyOf(res)).items.filter((order: Json) => order.externalOrderId === externalOrderId);
}

const staffView = async (orderId: string): Promise<Json> => bodyOf(await get(t, `/api/v1/orders/${orderId}`, shop.staffToken));

/** Delivers the body, expects 200 needs_attention, and answers the one order recorded for it. */
async function deliveredNeedingAttention(body: Json): Promise<{ answer: Json; order: Json }> {
  const res = await deliver(t, store.storeId, body);
  const answer = await bodyOf(res);
  expect({ status: res.status, answer }).toMatchObject({ status: 200, answer: { accepted: true, outcome: "needs_attention" } });
  const orders = await recorded(answer.externalOrderId);
  expect(orders).toHaveLength(1);
  const order = await staffView(orders[0].id);
  expect(order.rawPayload).toEqual(body);
  return { answer, order };
}

describe("a delivery the old body schema refused is recorded NEEDS_ATTENTION and answered 200, not refused 422 for Trendyol to deliver forever", () => {
  test("a line quantity over 100,000 and a quantity sent as text", async () => {
    const { productId, barcode } = await listedProduct(t, shop, 5);
    const other = await listedProduct(t, shop, 5);
    const { order } = await deliveredNeedingAttention(packageOf([
      { barcode, quantity: 150_000, lineUnitPrice: 10 },
      { barcode: other.barcode, quantity: "2", lineUnitPrice: 10 },
    ]));
    expect(order.attentionReasons).toEqual(["QUANTITY_OUT_OF_RANGE"]);
    expect(order.attentionLines).toMatchObject([
      { lineNo: 1, reason: "QUANTITY_OUT_OF_RANGE", barcode, quantity: 150_000 },
      { lineNo: 2, reason: "QUANTITY_OUT_OF_RANGE", barcode: other.barcode },
    ]);
    expect(await level(t, shop, productId)).toEqual({ onHand: 5, reserved: 0 });
  });

  test("a line without a barcode, a line that is not an object, and a line field of any JSON type", async () => {
    const { productId, barcode } = await listedProduct(t, shop, 5);
    const { order } = await deliveredNeedingAttention(packageOf([
      { barcode, quantity: 1, lineUnitPrice: 10, discountDetails: [{ a: null }], lineId: "x" },
      { quantity: 1, lineUnitPrice: 10 },
      { barcode: 869_123, quantity: 1 },
      42,
      null,
    ]));
    expect(order.attentionReasons).toEqual(["UNKNOWN_BARCODE"]);
    expect(order.items).toMatchObject([{ productId, quantity: 1 }]);
    expect(order.attentionLines.map((line: Json) => line.lineNo)).toEqual([2, 3, 4, 5]);
    expect(await level(t, shop, productId)).toEqual({ onHand: 5, reserved: 0 });
  });

  test("more than 1000 lines, no lines at all, and an empty line list", async () => {
    const { barcode } = await listedProduct(t, shop, 5);
    const many = Array.from({ length: 1001 }, (_, i) => ({ barcode: `${barcode}-${i}`, quantity: 1, lineUnitPrice: 1 }));
    for (const body of [packageOf(many), packageOf([]), (({ lines: _lines, ...rest }) => rest)(packageOf([]))]) {
      const { order } = await deliveredNeedingAttention(body);
      expect(order.attentionReasons).toEqual(["LINE_COUNT_OUT_OF_RANGE"]);
    }
  });

  test("no package id: keyed on a digest of the raw payload as stored, so Trendyol's next delivery of it records nothing more", async () => {
    const { barcode } = await listedProduct(t, shop, 5);
    const { shipmentPackageId: _id, ...body } = packageOf([{ barcode, quantity: 1, lineUnitPrice: 10 }]);
    const { answer, order } = await deliveredNeedingAttention(body);
    expect(order.attentionReasons).toEqual(["MISSING_ORDER_ID"]);
    expect(answer.externalOrderId).toBe(`payload:${createHash("sha256").update(JSON.stringify(body)).digest("hex")}`);
    expect(order.items).toHaveLength(1);

    const again = await deliver(t, store.storeId, body);
    expect(again.status).toBe(200);
    expect(await bodyOf(again)).toMatchObject({ externalOrderId: answer.externalOrderId, outcome: "duplicate" });
    expect(await recorded(answer.externalOrderId)).toHaveLength(1);
  });

  test("a package id that is neither a number nor text", async () => {
    const { barcode } = await listedProduct(t, shop, 5);
    const { order } = await deliveredNeedingAttention(packageOf([{ barcode, quantity: 1, lineUnitPrice: 10 }], { shipmentPackageId: { nested: 1 }, id: true }));
    expect(order.attentionReasons).toEqual(["MISSING_ORDER_ID"]);
  });
});

describe("only a body that is no order at all is refused", () => {
  test("not JSON, not an object, or lines that are not a list of at most 10,000: a 4xx, never a 500", async () => {
    const bodies: unknown[] = [
      "{not json",
      "[]",
      "42",
      "null",
      '"a string"',
      [packageOf([{ barcode: "x", quantity: 1 }])],
      packageOf("not a list"),
      packageOf(Array.from({ length: 10_001 }, () => 0)),
    ];
    for (const body of bodies) {
      const res = await deliver(t, store.storeId, body);
      expect({ body: String(body).slice(0, 40), status: res.status >= 400 && res.status < 500 }).toEqual({ body: String(body).slice(0, 40), status: true });
    }
  });
});

describe("a line whose price cannot be read is not sold at 0", () => {
  test("a price sent as text, and no price at all, are recorded NEEDS_ATTENTION PRICE_OUT_OF_RANGE and reserve nothing", async () => {
    const { productId, barcode } = await listedProduct(t, shop, 5);
    const other = await listedProduct(t, shop, 5);
    const { order } = await deliveredNeedingAttention(packageOf([
      { barcode, quantity: 1, lineUnitPrice: "on sale" },
      { barcode: other.barcode, quantity: 1 },
    ]));
    expect(order.attentionReasons).toEqual(["PRICE_OUT_OF_RANGE"]);
    expect(await level(t, shop, productId)).toEqual({ onHand: 5, reserved: 0 });
    expect(await level(t, shop, other.productId)).toEqual({ onHand: 5, reserved: 0 });
  });
});

// Regression (contract fuzz): half a surrogate pair (a JSON \ud800 escape) cannot be stored in the
// raw payload's jsonb, and the delivery was answered 503 for Trendyol to deliver it again forever.
describe("half a surrogate pair in a delivery", () => {
  test("arrives as U+FFFD: the delivery is recorded and answered 200", async () => {
    const body = packageOf([{ barcode: "x\ud800lone", quantity: 1, lineUnitPrice: 10 }]);
    const res = await deliver(t, store.storeId, body);
    expect(res.status).toBe(200);
    const orders = await recorded((await bodyOf(res)).externalOrderId);
    expect(orders).toHaveLength(1);
    expect((await staffView(orders[0].id)).rawPayload.lines[0].barcode).toBe("x\uFFFDlone");
  });
});

/**
 * Marketplace orders intake cannot take in (a barcode we do not sell, a quantity past our limit,
 * an id Postgres cannot store) are recorded NEEDS_ATTENTION with the raw payload and the reason,
 * counted, and listed for staff: never answered 200 and dropped.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../support/app";
import { addStock } from "../support/catalog";
import { bodyOf, type Json } from "../support/http";
import { customer, get, sendJson } from "../support/identity";
import { act } from "./support";
import {
  deliver,
  type IntakeShop,
  intakeShop,
  level,
  listedProduct,
  type MarketStore,
  marketplaceCancel,
  marketplaceOrder,
  ordersFor,
} from "./intake-support";

let t: TestApp;
let shop: IntakeShop;
let store: MarketStore;
beforeAll(async () => {
  t = await createTestApp({ label: "needs-attention" });
  shop = await intakeShop(t, 1);
  store = shop.stores[0] as MarketStore;
});
afterAll(() => t.close());

let packages = 0;
const packageOf = (lines: Json[], extra: Json = {}) => ({
  shipmentPackageId: 7_000_000 + Date.now() % 1_000_000 * 10 + ++packages,
  status: "Created",
  lastModifiedDate: Date.now(),
  lines: lines.map((line, i) => ({ lineId: i + 1, lineUnitPrice: 10.5, ...line })),
  ...extra,
});

async function needingAttention(storeId = store.storeId): Promise<Json[]> {
  const res = await get(t, `/api/v1/orders?status=NEEDS_ATTENTION&storeId=${storeId}&limit=100`, shop.staffToken);
  expect(res.status).toBe(200);
  return (await bodyOf(res)).items;
}

async function staffView(orderId: string): Promise<Json> {
  return bodyOf(await get(t, `/api/v1/orders/${orderId}`, shop.staffToken));
}

const gaugeLine = (storeId: string) => new RegExp(`marketplace_orders_needing_attention\\{[^}]*store="${storeId}"[^}]*\\} (\\d+)`);
async function gauge(storeId: string): Promise<number | undefined> {
  const match = (await t.metrics.registry.metrics()).match(gaugeLine(storeId));
  return match ? Number(match[1]) : undefined;
}

describe("the Trendyol webhook records what intake cannot take in", () => {
  test("a delivery for an unknown barcode is recorded NEEDS_ATTENTION with its raw payload, not answered 200 and dropped", async () => {
    const body = packageOf([{ barcode: "869-never-sold-here", quantity: 2 }], { someNewTrendyolField: { nested: true } });
    const res = await deliver(t, store.storeId, body);
    expect(res.status).toBe(200);

    const [order] = await ordersFor(t, shop, store, String(body.shipmentPackageId));
    expect(order).toMatchObject({
      status: "NEEDS_ATTENTION",
      attentionReasons: ["UNKNOWN_BARCODE"],
      items: [],
      attentionLines: [{ lineNo: 1, reason: "UNKNOWN_BARCODE", barcode: "869-never-sold-here", quantity: 2, unitPrice: 1_050 }],
    });
    expect(await bodyOf(res)).toMatchObject({ accepted: true, externalOrderId: String(body.shipmentPackageId), outcome: "needs_attention" });
    expect((await staffView(order.id)).rawPayload).toEqual(body);
  });

  test("a delivery with a line quantity between 10,000 and 100,000 is recorded NEEDS_ATTENTION, not answered 200 and dropped", async () => {
    const { productId, barcode } = await listedProduct(t, shop, 5);
    const body = packageOf([{ barcode, quantity: 50_000 }]);
    const res = await deliver(t, store.storeId, body);
    expect(res.status).toBe(200);

    const [order] = await ordersFor(t, shop, store, String(body.shipmentPackageId));
    expect(order).toMatchObject({
      status: "NEEDS_ATTENTION",
      attentionReasons: ["QUANTITY_OUT_OF_RANGE"],
      attentionLines: [{ lineNo: 1, reason: "QUANTITY_OUT_OF_RANGE", barcode, quantity: 50_000 }],
    });
    expect(await level(t, shop, productId)).toEqual({ onHand: 5, reserved: 0 });
  });

  test("a delivery whose package id carries a NUL is recorded NEEDS_ATTENTION, not answered 200 and dropped", async () => {
    const { barcode } = await listedProduct(t, shop, 5);
    const id = `PKG-${Date.now()}\u0000-evil`;
    const body = { ...packageOf([{ barcode, quantity: 1 }]), shipmentPackageId: id };
    const res = await deliver(t, store.storeId, body);
    expect(res.status).toBe(200);
    const externalOrderId = (await bodyOf(res)).externalOrderId;

    const recorded = (await needingAttention()).filter((order) => order.externalOrderId === externalOrderId);
    expect(recorded).toHaveLength(1);
    expect(recorded[0].attentionReasons).toEqual(["INVALID_EXTERNAL_ID"]);
    expect((await staffView(recorded[0].id)).rawPayload.shipmentPackageId).toBe(id);

    // Delivered again (Trendyol retries): still one order.
    expect((await deliver(t, store.storeId, body)).status).toBe(200);
    expect((await needingAttention()).filter((order) => order.externalOrderId === externalOrderId)).toHaveLength(1);
  });

  test("a delivery whose barcode carries a NUL is recorded NEEDS_ATTENTION, not answered 200 and dropped", async () => {
    const body = packageOf([{ barcode: "869\u0000-nul", quantity: 1 }]);
    expect((await deliver(t, store.storeId, body)).status).toBe(200);
    const [order] = await ordersFor(t, shop, store, String(body.shipmentPackageId));
    expect(order).toMatchObject({ status: "NEEDS_ATTENTION", attentionLines: [{ reason: "UNKNOWN_BARCODE", barcode: "869\u0000-nul" }] });
  });

  test("an order with one unknown line keeps its known lines, flags the unknown one and reserves nothing", async () => {
    const { productId, barcode } = await listedProduct(t, shop, 5);
    const body = packageOf([
      { barcode, quantity: 2, lineUnitPrice: 30 },
      { barcode: "869-unknown-second-line", quantity: 1, lineUnitPrice: 7 },
    ]);
    expect((await deliver(t, store.storeId, body)).status).toBe(200);
    const [order] = await ordersFor(t, shop, store, String(body.shipmentPackageId));
    expect(order).toMatchObject({
      status: "NEEDS_ATTENTION",
      attentionReasons: ["UNKNOWN_BARCODE"],
      items: [{ productId, quantity: 2, unitPrice: 3_000 }],
      attentionLines: [{ lineNo: 2, reason: "UNKNOWN_BARCODE", barcode: "869-unknown-second-line", quantity: 1, unitPrice: 700 }],
    });
    expect(await level(t, shop, productId)).toEqual({ onHand: 5, reserved: 0 });
  });
});

describe("the order pull records what intake cannot take in", () => {
  test("an order pulled with an unknown barcode is recorded NEEDS_ATTENTION, not skipped", async () => {
    const { packageId } = await marketplaceOrder(shop, store, [{ barcode: "869-pulled-unknown", quantity: 1, unitPrice: 4_000 }]);
    const report = await t.services.orderIntake.pullStore(store.storeId);
    expect(report).toMatchObject({ pulled: true, outcomes: { needs_attention: 1 } });
    const [order] = await ordersFor(t, shop, store, packageId);
    expect(order).toMatchObject({ status: "NEEDS_ATTENTION", attentionLines: [{ barcode: "869-pulled-unknown", reason: "UNKNOWN_BARCODE" }] });
    expect((await staffView(order.id)).rawPayload).toMatchObject({ shipmentPackageId: Number(packageId) });
  });

  test("the same unreadable order pulled again and delivered by webhook is recorded once", async () => {
    const { packageId, payload } = await marketplaceOrder(shop, store, [{ barcode: "869-pulled-twice", quantity: 1, unitPrice: 4_000 }]);
    await t.services.orderIntake.pullStore(store.storeId);
    await t.services.orderIntake.pullStore(store.storeId);
    expect((await deliver(t, store.storeId, payload)).status).toBe(200);
    expect(await ordersFor(t, shop, store, packageId)).toHaveLength(1);
  });

  test("a NEEDS_ATTENTION order seen again once its product exists is taken in then and reserves", async () => {
    const barcode = `869-later-${Date.now()}`;
    const body = packageOf([{ barcode, quantity: 2, lineUnitPrice: 25 }]);
    expect((await deliver(t, store.storeId, body)).status).toBe(200);
    expect((await ordersFor(t, shop, store, String(body.shipmentPackageId)))[0]?.status).toBe("NEEDS_ATTENTION");

    // The seller creates the product, and Trendyol sends the package again (a status change, a retry).
    const product = { sku: `SKU-${barcode}`, barcode, name: "Created later", type: "SIMPLE", price: 10_000, listPrice: 12_000, currency: "TRY", vatRate: 20 };
    const createdProduct = await sendJson(t, "POST", "/api/v1/catalog/products", product, shop.staffToken);
    expect(createdProduct.status).toBe(201);
    const productId = (await bodyOf(createdProduct)).id;
    expect((await addStock(t, shop.staffToken, shop.warehouse.shelfId, productId, 3)).status).toBeLessThan(300);
    const again = await deliver(t, store.storeId, { ...body, status: "Picking" });
    expect(await bodyOf(again)).toMatchObject({ outcome: "created" });

    const recorded = await ordersFor(t, shop, store, String(body.shipmentPackageId));
    expect(recorded).toHaveLength(1);
    // Taken in, then moved on to Picking as the package says.
    expect(recorded[0]).toMatchObject({ status: "PICKING", attentionReasons: null, attentionLines: [], items: [{ productId, quantity: 2, unitPrice: 2_500 }] });
    expect(await level(t, shop, productId)).toEqual({ onHand: 3, reserved: 2 });
  });
});

describe("cancelling an order that needs attention", () => {
  test("a marketplace cancellation of a NEEDS_ATTENTION order is recorded", async () => {
    const { packageId } = await marketplaceOrder(shop, store, [{ barcode: "869-cancel-later", quantity: 1, unitPrice: 1_000 }]);
    await t.services.orderIntake.pullStore(store.storeId);
    expect((await ordersFor(t, shop, store, packageId))[0]?.status).toBe("NEEDS_ATTENTION");

    const payload = await marketplaceCancel(shop, store, packageId);
    expect(await bodyOf(await deliver(t, store.storeId, payload))).toMatchObject({ outcome: "cancelled" });
    const recorded = await ordersFor(t, shop, store, packageId);
    expect(recorded.map((o) => o.status)).toEqual(["CANCELLED"]);
    expect(recorded[0].attentionLines).toEqual([expect.objectContaining({ barcode: "869-cancel-later" })]);
  });

  test("a cancellation seen before an unreadable order records it, cancelled", async () => {
    const { packageId } = await marketplaceOrder(shop, store, [{ barcode: "869-cancel-first", quantity: 1, unitPrice: 1_000 }]);
    const payload = await marketplaceCancel(shop, store, packageId);
    expect((await deliver(t, store.storeId, payload)).status).toBe(200);
    const recorded = await ordersFor(t, shop, store, packageId);
    expect(recorded.map((o) => o.status)).toEqual(["CANCELLED"]);
    expect((await staffView(recorded[0].id)).rawPayload).toMatchObject({ shipmentPackageId: Number(packageId) });
  });

  test("staff can cancel a NEEDS_ATTENTION order, and nothing else moves it", async () => {
    const body = packageOf([{ barcode: "869-staff-cancels", quantity: 1 }]);
    await deliver(t, store.storeId, body);
    const [order] = await ordersFor(t, shop, store, String(body.shipmentPackageId));
    const confirm = await act(t, shop.staffToken, order.id, "confirm");
    expect(confirm.status).toBe(409);
    expect((await bodyOf(confirm)).error).toMatchObject({ code: "INVALID_TRANSITION", details: { from: "NEEDS_ATTENTION", to: "CONFIRMED" } });
    const cancelled = await act(t, shop.staffToken, order.id, "cancel");
    expect(cancelled.status).toBe(200);
    expect((await bodyOf(cancelled)).status).toBe("CANCELLED");
  });
});

describe("who sees them, and the metric", () => {
  test("staff list orders needing attention with ?status=NEEDS_ATTENTION, and only those", async () => {
    const { barcode } = await listedProduct(t, shop, 5);
    const good = packageOf([{ barcode, quantity: 1 }]);
    const bad = packageOf([{ barcode: "869-for-the-list", quantity: 1 }]);
    await deliver(t, store.storeId, good);
    await deliver(t, store.storeId, bad);
    const listed = await needingAttention();
    expect(listed.length).toBeGreaterThanOrEqual(1);
    expect(listed.every((order) => order.status === "NEEDS_ATTENTION")).toBe(true);
    expect(listed.map((order) => order.externalOrderId)).toContain(String(bad.shipmentPackageId));
    expect(listed.map((order) => order.externalOrderId)).not.toContain(String(good.shipmentPackageId));
  });

  test("customers cannot see orders needing attention, in the list or one by one", async () => {
    const body = packageOf([{ barcode: "869-not-for-customers", quantity: 1 }]);
    await deliver(t, store.storeId, body);
    const [order] = await ordersFor(t, shop, store, String(body.shipmentPackageId));
    const buyer = (await customer(t)).tokens.accessToken;
    const list = await get(t, `/api/v1/orders?status=NEEDS_ATTENTION&storeId=${store.storeId}`, buyer);
    expect(list.status).toBe(200);
    expect((await bodyOf(list)).items).toEqual([]);
    expect((await get(t, `/api/v1/orders/${order.id}`, buyer)).status).toBe(404);
  });

  test("marketplace_orders_needing_attention counts the store's open ones and falls when one is cancelled", async () => {
    const open = (await needingAttention()).length;
    expect(open).toBeGreaterThan(0);
    expect(await gauge(store.storeId)).toBe(open);

    const body = packageOf([{ barcode: "869-for-the-gauge", quantity: 1 }]);
    await deliver(t, store.storeId, body);
    expect(await gauge(store.storeId)).toBe(open + 1);

    const [order] = await ordersFor(t, shop, store, String(body.shipmentPackageId));
    await act(t, shop.staffToken, order.id, "cancel");
    // Staff actions are picked up by the pull worker's next run.
    await t.services.orderIntake.pullAll();
    expect(await gauge(store.storeId)).toBe(open);
    const metrics = await t.metrics.registry.metrics();
    expect(metrics).toMatch(/marketplace_orders_needing_attention\{marketplace="TRENDYOL",store="[^"]+"[^}]*\} \d+/);
    expect(metrics).toMatch(/marketplace_orders_taken_in_total\{marketplace="TRENDYOL",source="webhook",outcome="needs_attention"[^}]*\} [1-9]/);
  });
});

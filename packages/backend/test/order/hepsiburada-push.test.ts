/**
 * Hepsiburada's order push received per store on real Postgres: authenticated with the store's
 * push credentials (nothing recorded otherwise), a pushed order and the same order pulled are one
 * order with one reservation, a pushed cancellation and the pulled record of it release once, and
 * what cannot be read is recorded NEEDS_ATTENTION rather than refused.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../support/app";
import { createStore } from "../support/catalog";
import { bodyOf } from "../support/http";
import {
  basic,
  eventually,
  HB_PUSH,
  type HbShop,
  hbOrder,
  hbShop,
  listed,
  ordersUnder,
  pull,
  pushCancel,
  pushedLine,
  pushOrder,
  reserved,
  sandboxControl,
  storeOrders,
} from "./hepsiburada-push-support";

let t: TestApp;
let shop: HbShop;
let server: ReturnType<typeof Bun.serve>;
beforeAll(async () => {
  t = await createTestApp({ label: "hepsiburada-push" });
  shop = await hbShop(t);
  // The sandbox pushes over HTTP, so the app listens for this file.
  server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: (request) => t.app.handle(request) });
}, 60_000);
afterAll(async () => {
  await server.stop(true);
  await t.close();
});

let numbers = 0;
const orderNumber = () => `77${Date.now() % 1_000_000}${++numbers}`;

describe("refused pushes", () => {
  test("without credentials, with a wrong password or username, or a bearer token: 401 WEBHOOK_UNAUTHORISED and nothing recorded", async () => {
    const { barcode } = await listed(shop, "HB refused", 5);
    const number = orderNumber();
    const body = { items: [pushedLine(number, `${number}-1`, barcode, 1)] };
    const attempts: Record<string, string>[] = [
      {},
      { authorization: basic(HB_PUSH.username, "wrong") },
      { authorization: basic("someone", HB_PUSH.password) },
      { authorization: "Bearer something" },
      { authorization: "Basic !!!" },
    ];
    for (const headers of attempts) {
      for (const res of [await pushOrder(shop, body, headers), await pushCancel(shop, `${number}-1`, { id: `${number}-1`, orderNumber: number, quantity: 1 }, headers)]) {
        expect(res.status).toBe(401);
        expect((await bodyOf(res)).error.code).toBe("WEBHOOK_UNAUTHORISED");
      }
    }
    expect(await ordersUnder(shop, number)).toEqual([]);
  });

  test("for an unknown store, a malformed store id, a Trendyol store or a Hepsiburada store without push credentials: 401 all the same", async () => {
    const trendyol = await createStore(t, shop.tokens.admin, {
      type: "TRENDYOL",
      sellerId: "hb-push-ty",
      baseUrl: shop.sandbox.url,
      credentials: { apiKey: "k", apiSecret: "s", hbPushUsername: HB_PUSH.username, hbPushPassword: HB_PUSH.password },
      warehouseIds: [shop.warehouse.id],
    });
    const withoutPush = await createStore(t, shop.tokens.admin, {
      type: "HEPSIBURADA",
      sellerId: "hb-no-push",
      baseUrl: shop.sandbox.url,
      credentials: { serviceKey: "s", developerUsername: "d" },
      warehouseIds: [shop.warehouse.id],
    });
    const before = (await storeOrders(shop)).length;
    for (const storeId of ["7d4f0c52-1111-4111-8111-111111111111", "not-a-uuid", trendyol, withoutPush]) {
      const number = orderNumber();
      expect((await pushOrder(shop, { items: [pushedLine(number, `${number}-1`, "x", 1)] }, undefined, storeId)).status).toBe(401);
      expect((await pushCancel(shop, `${number}-1`, {}, undefined, storeId)).status).toBe(401);
    }
    expect((await storeOrders(shop)).length).toBe(before);
  });

  test("a body that is no push: 400 when not JSON, 422 when not an object or items is not a list", async () => {
    expect((await pushOrder(shop, "{not json")).status).toBe(400);
    for (const body of [[1, 2], "a string", { items: "nope" }]) {
      const res = await pushOrder(shop, JSON.stringify(body));
      expect(res.status).toBe(422);
      expect((await bodyOf(res)).error.code).toBe("VALIDATION_FAILED");
    }
    expect((await pushCancel(shop, "l-1", JSON.stringify([1]))).status).toBe(422);
  });
});

describe("accepted pushes", () => {
  test("the sandbox's push reserves the order's lines (201); pulled twice after, it stays one order with one reservation", async () => {
    const a = await listed(shop, "HB pushed A", 20);
    const b = await listed(shop, "HB pushed B", 20);
    await sandboxControl(shop, "PUT", "push", { url: `http://127.0.0.1:${server.port}/api/v1/marketplace/webhooks/hepsiburada/${shop.storeId}`, ...HB_PUSH });
    const number = await hbOrder(shop, [
      { barcode: a.barcode, quantity: 2, unitPrice: 1_500 },
      { barcode: b.barcode, quantity: 1, unitPrice: 2_500 },
    ]);
    expect(await eventually(async () => (await reserved(shop, a.productId)) === 2 && (await reserved(shop, b.productId)) === 1)).toBe(true);
    const [pushed] = await ordersUnder(shop, number);
    expect(pushed?.status).toBe("CREATED");

    const report = await pull(shop);
    expect(report.outcomes.created ?? 0).toBe(0);
    await pull(shop);
    expect([await reserved(shop, a.productId), await reserved(shop, b.productId)]).toEqual([2, 1]);
    expect(await ordersUnder(shop, number)).toHaveLength(1);
    const deliveries = (await sandboxControl(shop, "GET", "push")).deliveries.filter((d: { orderNumber: string }) => d.orderNumber === number);
    expect(deliveries).toEqual([{ kind: "order", orderNumber: number, attempts: 1, delivered: true, lastHttpStatus: 201 }]);
    await sandboxControl(shop, "DELETE", "push");
  }, 60_000);

  test("an order pulled first and pushed later (Hepsiburada sending it again) reserves nothing more", async () => {
    const a = await listed(shop, "HB pulled first", 20);
    const number = await hbOrder(shop, [{ barcode: a.barcode, quantity: 3, unitPrice: 1_000 }]);
    await pull(shop);
    expect(await reserved(shop, a.productId)).toBe(3);
    for (let i = 0; i < 2; i++) {
      const res = await pushOrder(shop, { items: [pushedLine(number, `${number}-1`, a.barcode, 3, 10)] });
      expect(res.status).toBe(201);
      expect(await bodyOf(res)).toEqual({ accepted: true, orders: [{ externalOrderId: number, outcome: "duplicate" }] });
    }
    expect(await reserved(shop, a.productId)).toBe(3);
    expect(await ordersUnder(shop, number)).toHaveLength(1);
  });

  test("a pushed cancellation releases the line's units once; the pulled record of it and a repeat release nothing more (204)", async () => {
    const a = await listed(shop, "HB cancel A", 20);
    const b = await listed(shop, "HB cancel B", 20);
    const number = await hbOrder(shop, [
      { barcode: a.barcode, quantity: 3, unitPrice: 1_000 },
      { barcode: b.barcode, quantity: 1, unitPrice: 2_000 },
    ]);
    await pull(shop);
    expect([await reserved(shop, a.productId), await reserved(shop, b.productId)]).toEqual([3, 1]);
    await sandboxControl(shop, "PUT", "push", { url: `http://127.0.0.1:${server.port}/api/v1/marketplace/webhooks/hepsiburada/${shop.storeId}`, ...HB_PUSH });
    await sandboxControl(shop, "POST", "cancel-line", { lineId: `${number}-1`, quantity: 1 });
    expect(await eventually(async () => (await reserved(shop, a.productId)) === 2)).toBe(true);
    await sandboxControl(shop, "DELETE", "push");

    const report = await pull(shop);
    expect(report.outcomes.cancelled ?? 0).toBe(0);
    await pull(shop);
    expect([await reserved(shop, a.productId), await reserved(shop, b.productId)]).toEqual([2, 1]);
    const [order] = await ordersUnder(shop, number);
    expect(order?.status).toBe("CREATED");

    // The same cancellation pushed again, as the pull's cancelled list shows it.
    const records = (await (await fetch(`${shop.sandbox.url}/orders/merchantid/${shop.merchantId}/cancelled?offset=0&limit=50`, { headers: { authorization: basic(shop.merchantId, "hb-service"), "user-agent": "hb-dev" } })).json()) as {
      items: { lineItemId: string; cancelDate: string; orderNumber: string; quantity: number }[];
    };
    const record = records.items.find((r) => r.lineItemId === `${number}-1`);
    if (!record) throw new Error("the sandbox lists no cancelled record");
    const again = await pushCancel(shop, record.lineItemId, { id: record.lineItemId, orderNumber: number, quantity: 1, cancelDate: record.cancelDate, isUnpackedLine: "false" });
    expect(again.status).toBe(204);
    expect(await again.text()).toBe("");
    expect([await reserved(shop, a.productId), await reserved(shop, b.productId)]).toEqual([2, 1]);
  }, 60_000);

  test("a cancellation pushed before its order is known is recorded and holds the order cancelled; the order pulled later reserves nothing", async () => {
    const a = await listed(shop, "HB cancel first", 20);
    const number = await hbOrder(shop, [{ barcode: a.barcode, quantity: 1, unitPrice: 1_000 }]);
    const res = await pushCancel(shop, `${number}-1`, { id: `${number}-1`, orderNumber: number, quantity: 1, cancelDate: "2026-12-06T10:00:00.000" });
    expect(res.status).toBe(204);
    expect((await ordersUnder(shop, number)).map((o) => o.status)).toEqual(["CANCELLED"]);
    await pull(shop);
    expect(await reserved(shop, a.productId)).toBe(0);
    expect((await ordersUnder(shop, number)).map((o) => o.status)).toEqual(["CANCELLED"]);
  });
});

describe("pushes intake cannot read are recorded, not refused", () => {
  test("a push without lines, a line without an order number, an unknown SKU: 201 and NEEDS_ATTENTION, counted as webhook intake", async () => {
    const empty = await pushOrder(shop, { items: [] });
    expect(empty.status).toBe(201);
    const [emptyOrder] = (await bodyOf(empty)).orders;
    expect(emptyOrder.outcome).toBe("needs_attention");
    expect((await ordersUnder(shop, emptyOrder.externalOrderId)).map((o) => o.status)).toEqual(["NEEDS_ATTENTION"]);

    const noNumber = await pushOrder(shop, { items: [{ id: "x-1", merchantSKU: "whatever", quantity: 1, unitPrice: { amount: 1 } }] });
    expect(noNumber.status).toBe(201);
    const [unnamed] = (await bodyOf(noNumber)).orders;
    expect((await ordersUnder(shop, unnamed.externalOrderId))[0]?.attentionReasons).toContain("MISSING_ORDER_ID");

    const number = orderNumber();
    const unknown = await pushOrder(shop, { items: [pushedLine(number, `${number}-1`, "no-such-sku", 1)] });
    expect(await bodyOf(unknown)).toEqual({ accepted: true, orders: [{ externalOrderId: number, outcome: "needs_attention" }] });
    expect((await ordersUnder(shop, number))[0]?.attentionReasons).toContain("UNKNOWN_BARCODE");

    const metrics = await t.metrics.registry.metrics();
    expect(metrics).toMatch(/marketplace_orders_taken_in_total\{marketplace="HEPSIBURADA",source="webhook",outcome="needs_attention"[^}]*\} [3-9]/);
  });

  test("without merchantSKU the line is named by Hepsiburada's sku: a product whose barcode it is matches, any other waits for an operator", async () => {
    const a = await listed(shop, "HB no merchant sku", 5);
    const number = orderNumber();
    const { merchantSKU: _dropped, ...line } = pushedLine(number, `${number}-1`, a.barcode, 1);
    const res = await pushOrder(shop, { items: [{ ...line, sku: a.barcode }] });
    expect(await bodyOf(res)).toEqual({ accepted: true, orders: [{ externalOrderId: number, outcome: "created" }] });
    expect(await reserved(shop, a.productId)).toBe(1);

    const other = orderNumber();
    const { merchantSKU: _gone, ...hbOnly } = pushedLine(other, `${other}-1`, a.barcode, 1);
    expect((await bodyOf(await pushOrder(shop, { items: [hbOnly] }))).orders[0].outcome).toBe("needs_attention");
    expect(await reserved(shop, a.productId)).toBe(1);
  });

  test("a cancellation whose body names another line than the path is recorded NEEDS_ATTENTION and releases nothing", async () => {
    const a = await listed(shop, "HB mismatched cancel", 10);
    const number = orderNumber();
    await pushOrder(shop, { items: [pushedLine(number, `${number}-1`, a.barcode, 2)] });
    expect(await reserved(shop, a.productId)).toBe(2);
    const res = await pushCancel(shop, `${number}-1`, { id: `${number}-9`, orderNumber: number, quantity: 2, cancelDate: "2026-12-06T11:00:00" });
    expect(res.status).toBe(204);
    expect(await reserved(shop, a.productId)).toBe(2);
    expect((await ordersUnder(shop, number)).map((o) => o.status)).toEqual(["CREATED"]);
    const attention = (await storeOrders(shop)).filter((o) => o.status === "NEEDS_ATTENTION" && o.attentionReasons?.includes("MISSING_ORDER_ID"));
    expect(attention.length).toBeGreaterThanOrEqual(1);
  });
});

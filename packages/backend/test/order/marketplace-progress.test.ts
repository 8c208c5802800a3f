/**
 * What Trendyol does to an order after it was created comes back through the pull and webhooks
 * (real adapter, sandbox): the carrier ships the package, it is delivered or returned; the order
 * follows once and never goes back. Staff's commands the marketplace's state already answers are
 * settled by the pull, never sent.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Registry } from "prom-client";
import { normaliseTrendyolPackage } from "../../src/domains/marketplace/trendyol/order-normaliser";
import { feedOrder } from "../../src/domains/order/marketplace-feed";
import { createIntakeMetrics } from "../../src/domains/order/metrics";
import { createLogger } from "../../src/infra/logger";
import { createTestApp, type TestApp } from "../support/app";
import { bodyOf, type Json } from "../support/http";
import { bearer, get, postJson } from "../support/identity";
import { deliver, type IntakeShop, intakeShop, level, listedProduct, type MarketStore, marketplaceOrder, marketplaceUnsupply, ordersFor } from "./intake-support";

let t: TestApp;
let shop: IntakeShop;
let store: MarketStore;
beforeAll(async () => {
  t = await createTestApp({ label: "marketplace-progress", env: { ORDER_PULL_QUOTA: "off" } });
  shop = await intakeShop(t, 1);
  store = shop.stores[0] as MarketStore;
});
afterAll(() => t.close());

async function pulled(): Promise<void> {
  const report = await t.services.orderIntake.pullStore(store.storeId);
  if (!report.pulled) throw new Error(`store not pulled: ${report.reason}`);
}

/** Trendyol (or its carrier) moves the package; answers its payload as Trendyol now sends it. */
async function moveOn(packageId: string, status: string): Promise<Json> {
  const res = await fetch(`${shop.sandbox.url}/__sandbox/sellers/${store.sellerId}/orders/${packageId}/status`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ status }),
  });
  if (res.status !== 200) throw new Error(`sandbox status ${status}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as Json).payload;
}

async function orderOf(orderNumber: string): Promise<Json> {
  const [order] = await ordersFor(t, shop, store, orderNumber);
  if (!order) throw new Error(`no order ${orderNumber}`);
  return bodyOf(await get(t, `/api/v1/orders/${order.id}`, shop.staffToken));
}

const states = (order: Json) => (order.commands as Json[]).map((c) => [c.kind, c.state]);

async function sandboxCalls(orderNumber: string): Promise<Record<string, number>> {
  const res = await fetch(`${shop.sandbox.url}/__sandbox/sellers/${store.sellerId}/order-state/${orderNumber}`);
  return ((await res.json()) as Json).commandCalls;
}

async function step(orderId: string, kind: "pick" | "invoice" | "unsupply", body: unknown = {}): Promise<Json> {
  const res = await postJson(t, `/api/v1/orders/${orderId}/${kind}`, body, bearer(shop.staffToken));
  if (res.status !== 200) throw new Error(`${kind}: ${res.status} ${await res.text()}`);
  return bodyOf(res);
}

describe("Trendyol's package statuses move our order forward, once", () => {
  test("shipped by the carrier: SHIPPED, reserved stock shipped once however often it is read; then delivered", async () => {
    const { productId, barcode } = await listedProduct(t, shop, 10);
    const { packageId, orderNumber } = await marketplaceOrder(shop, store, [{ barcode, quantity: 2, unitPrice: 5_000 }]);
    await pulled();
    expect((await orderOf(orderNumber)).status).toBe("CREATED");
    expect(await level(t, shop, productId)).toEqual({ onHand: 10, reserved: 2 });

    const shipped = await moveOn(packageId, "Shipped");
    await pulled();
    const order = await orderOf(orderNumber);
    expect(order.status).toBe("SHIPPED");
    expect(order.allocations).toEqual([expect.objectContaining({ productId, quantity: 2, state: "SHIPPED" })]);
    expect(await level(t, shop, productId)).toEqual({ onHand: 8, reserved: 0 });

    // The same package again, by the pull and by webhook: nothing moves twice.
    await pulled();
    expect((await deliver(t, store.storeId, shipped)).status).toBe(200);
    expect((await orderOf(orderNumber)).status).toBe("SHIPPED");
    expect(await level(t, shop, productId)).toEqual({ onHand: 8, reserved: 0 });

    await moveOn(packageId, "Delivered");
    await pulled();
    const delivered = await orderOf(orderNumber);
    expect(delivered.status).toBe("DELIVERED");
    expect(delivered.allocations).toEqual([expect.objectContaining({ productId, quantity: 2, state: "SHIPPED" })]);
    expect(await level(t, shop, productId)).toEqual({ onHand: 8, reserved: 0 });
  });

  test("a stale read (Created, Picking after Shipped) changes nothing", async () => {
    const { productId, barcode } = await listedProduct(t, shop, 5);
    const { packageId, orderNumber, payload: created } = await marketplaceOrder(shop, store, [{ barcode, quantity: 1, unitPrice: 5_000 }]);
    await pulled();
    const picking = await moveOn(packageId, "Picking");
    await moveOn(packageId, "Invoiced");
    await moveOn(packageId, "Shipped");
    await pulled();
    expect((await orderOf(orderNumber)).status).toBe("SHIPPED");
    expect((await deliver(t, store.storeId, picking)).status).toBe(200);
    expect((await deliver(t, store.storeId, created)).status).toBe(200);
    const after = await orderOf(orderNumber);
    expect(after.status).toBe("SHIPPED");
    expect(after.items.map((item: Json) => item.status)).toEqual(["SHIPPED"]);
    expect(await level(t, shop, productId)).toEqual({ onHand: 4, reserved: 0 });
  });

  test("picked and invoiced in the seller's panel: PICKING, then INVOICED, the stock still reserved", async () => {
    const { productId, barcode } = await listedProduct(t, shop, 5);
    const { packageId, orderNumber } = await marketplaceOrder(shop, store, [{ barcode, quantity: 1, unitPrice: 5_000 }]);
    await pulled();
    await moveOn(packageId, "Picking");
    await pulled();
    expect((await orderOf(orderNumber)).status).toBe("PICKING");
    await moveOn(packageId, "Invoiced");
    await pulled();
    expect((await orderOf(orderNumber)).status).toBe("INVOICED");
    expect(await level(t, shop, productId)).toEqual({ onHand: 5, reserved: 1 });
  });

  test("returned: RETURNED, and no stock moves until staff receive the goods", async () => {
    const { productId, barcode } = await listedProduct(t, shop, 5);
    const { packageId, orderNumber } = await marketplaceOrder(shop, store, [{ barcode, quantity: 1, unitPrice: 5_000 }]);
    await pulled();
    await moveOn(packageId, "Delivered");
    await moveOn(packageId, "Returned");
    await pulled();
    const returned = await orderOf(orderNumber);
    expect(returned.status).toBe("RETURNED");
    expect(returned.allocations).toEqual([expect.objectContaining({ productId, quantity: 1, state: "SHIPPED" })]);
    expect(await level(t, shop, productId)).toEqual({ onHand: 4, reserved: 0 });
  });

  test("an order first seen shipped is taken in and shipped at once: its stock consumed once", async () => {
    const { productId, barcode } = await listedProduct(t, shop, 5);
    const { packageId, orderNumber } = await marketplaceOrder(shop, store, [{ barcode, quantity: 3, unitPrice: 5_000 }]);
    await moveOn(packageId, "Shipped");
    await pulled();
    await pulled();
    expect((await orderOf(orderNumber)).status).toBe("SHIPPED");
    expect(await level(t, shop, productId)).toEqual({ onHand: 2, reserved: 0 });
  });
});

describe("an order in two packages", () => {
  const deps = () => ({ orders: t.services.orders, metrics: createIntakeMetrics(new Registry()), log: createLogger({ level: "silent", pretty: false }) });
  let n = 0;

  test.each(["shipped first", "invoiced first"] as const)("one package shipped, the other invoiced, read in any order (%s) and again: the same order, stock shipped once", async (first) => {
    const a = await listedProduct(t, shop, 10);
    const b = await listedProduct(t, shop, 10);
    const orderNumber = `TWO-${Date.now()}-${++n}`;
    const pkg = (id: number, status: string, lineId: number, barcode: string) =>
      normaliseTrendyolPackage({ shipmentPackageId: id, orderNumber, shipmentPackageStatus: status, currencyCode: "TRY", lastModifiedDate: Date.now(), lines: [{ lineId, barcode, quantity: 2, lineUnitPrice: 10 }] }, new Date());
    const feed = (order: ReturnType<typeof pkg>) => feedOrder(deps(), { storeId: store.storeId, marketplace: "TRENDYOL", source: "pull" }, order);
    const base = Date.now() % 1_000_000;
    const shipped = pkg(base * 10 + 1, "Shipped", 1, a.barcode);
    const invoiced = pkg(base * 10 + 2, "Invoiced", 2, b.barcode);
    for (const delivery of first === "shipped first" ? [shipped, invoiced] : [invoiced, shipped]) await feed(delivery);
    // Stale and repeated reads of both.
    for (const delivery of [pkg(base * 10 + 1, "Created", 1, a.barcode), invoiced, shipped, pkg(base * 10 + 2, "Picking", 2, b.barcode)]) await feed(delivery);
    const order = await orderOf(orderNumber);
    expect(order.status).toBe("INVOICED");
    expect(Object.fromEntries(order.items.map((item: Json) => [item.productId, item.status]))).toEqual({ [a.productId]: "SHIPPED", [b.productId]: "INVOICED" });
    expect([await level(t, shop, a.productId), await level(t, shop, b.productId)]).toEqual([{ onHand: 8, reserved: 0 }, { onHand: 10, reserved: 2 }]);
    expect((await bodyOf(await get(t, "/api/v1/inventory/invariants", shop.staffToken))).ok).toBe(true);
  });
});

describe("commands the marketplace's state answers", () => {
  test("a pending PICK overtaken by a package invoiced in the panel is OVERTAKEN and never sent", async () => {
    const { barcode } = await listedProduct(t, shop, 5);
    const { packageId, orderNumber } = await marketplaceOrder(shop, store, [{ barcode, quantity: 1, unitPrice: 5_000 }]);
    await pulled();
    const order = await orderOf(orderNumber);
    expect(states(await step(order.id, "pick"))).toEqual([["PICK", "PENDING"]]);
    await moveOn(packageId, "Picking");
    await moveOn(packageId, "Invoiced");
    await pulled();
    const after = await orderOf(orderNumber);
    expect(after.status).toBe("INVOICED");
    expect(after.commands).toMatchObject([{ kind: "PICK", state: "OVERTAKEN", reason: "the marketplace's order is already past this step" }]);
    await t.services.commandWorker.runOnce();
    expect(await sandboxCalls(orderNumber)).toEqual({});
  });

  test("staff's pick matching the seller's pick in the panel is CONFIRMED without a call", async () => {
    const { barcode } = await listedProduct(t, shop, 5);
    const { packageId, orderNumber } = await marketplaceOrder(shop, store, [{ barcode, quantity: 1, unitPrice: 5_000 }]);
    await pulled();
    await step((await orderOf(orderNumber)).id, "pick");
    await moveOn(packageId, "Picking");
    await pulled();
    expect(states(await orderOf(orderNumber))).toEqual([["PICK", "CONFIRMED"]]);
    await t.services.commandWorker.runOnce();
    expect(await sandboxCalls(orderNumber)).toEqual({});
  });

  test("an accepted (SENT) unsupply is CONFIRMED by the pull showing the package cancelled; its stock released once", async () => {
    const { productId, barcode } = await listedProduct(t, shop, 5);
    const { orderNumber } = await marketplaceOrder(shop, store, [{ barcode, quantity: 2, unitPrice: 5_000 }]);
    await pulled();
    const order = await orderOf(orderNumber);
    await step(order.id, "pick");
    await t.services.commandWorker.runOnce();
    await step(order.id, "unsupply", { lines: [{ productId, quantity: 1 }], reason: "OUT_OF_STOCK" });
    expect(await level(t, shop, productId)).toEqual({ onHand: 5, reserved: 1 });
    await t.services.commandWorker.runOnce();
    expect(states(await orderOf(orderNumber))).toEqual([["PICK", "CONFIRMED"], ["UNSUPPLY", "SENT"]]);
    await pulled();
    expect(states(await orderOf(orderNumber))).toEqual([["PICK", "CONFIRMED"], ["UNSUPPLY", "CONFIRMED"]]);
    expect(await sandboxCalls(orderNumber)).toEqual({ PICKING: 1, UNSUPPLIED: 1 });
    expect(await level(t, shop, productId)).toEqual({ onHand: 5, reserved: 1 });
  });

  test("a pending unsupply for a package the marketplace cancelled itself is OVERTAKEN, not sent", async () => {
    const { productId, barcode } = await listedProduct(t, shop, 5);
    const { packageId, orderNumber, payload } = await marketplaceOrder(shop, store, [{ barcode, quantity: 2, unitPrice: 5_000 }]);
    await pulled();
    const order = await orderOf(orderNumber);
    await step(order.id, "pick");
    await t.services.commandWorker.runOnce();
    await step(order.id, "unsupply", { lines: [{ productId, quantity: 1 }], reason: "OUT_OF_STOCK" });
    // The seller gives the unit up in the panel before our command goes.
    const lineId = Number(payload.lines[0].lineId);
    await marketplaceUnsupply(shop, store, packageId, [{ lineId, quantity: 1 }]);
    await pulled();
    expect(states(await orderOf(orderNumber))).toEqual([["PICK", "CONFIRMED"], ["UNSUPPLY", "OVERTAKEN"]]);
    await t.services.commandWorker.runOnce();
    expect(await sandboxCalls(orderNumber)).toEqual({ PICKING: 1 });
    expect(await level(t, shop, productId)).toEqual({ onHand: 5, reserved: 1 });
  });
});

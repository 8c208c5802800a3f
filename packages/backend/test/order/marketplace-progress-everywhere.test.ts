/**
 * Marketplace progress coming back on Hepsiburada, N11 and PttAVM (real adapters, one sandbox):
 * the order follows what the marketplace shows, once, and commands the pull shows done are
 * settled without a call.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Registry } from "prom-client";
import type { RunningSandbox } from "@pazarsync/marketplace-sandbox";
import { packageOrdersOf } from "../../src/domains/marketplace/hepsiburada/package-normaliser";
import { feedOrder } from "../../src/domains/order/marketplace-feed";
import { createIntakeMetrics } from "../../src/domains/order/metrics";
import { createLogger } from "../../src/infra/logger";
import type { TestApp } from "../support/app";
import { bodyOf, type Json } from "../support/http";
import { bearer, get, postJson } from "../support/identity";
import { MARKETPLACES, orderOn, type SandboxMarketplace } from "../support/marketplaces";
import { type EveryMarketplaceShop, everyMarketplaceShop, levelIn, listedOnEvery, type MarketplaceShop, ordersOfStore, pulledOutcomes } from "./marketplace-stores-support";

let everyShop: EveryMarketplaceShop;
let t: TestApp;
let sandbox: RunningSandbox;
let tokens: EveryMarketplaceShop["tokens"];
beforeAll(async () => {
  everyShop = await everyMarketplaceShop("progress-everywhere", { ORDER_PULL_QUOTA: "off" });
  ({ t, sandbox, tokens } = everyShop);
});
afterAll(() => everyShop?.close());

const marketplace = (type: string) => MARKETPLACES.find((m) => m.type === type) as SandboxMarketplace;
const storeOf = (m: SandboxMarketplace) => everyShop.storeOf(m);
const shop = (): MarketplaceShop => everyShop;

async function orderOf(m: SandboxMarketplace, externalId: string): Promise<Json> {
  const [order] = await ordersOfStore(shop(), m, externalId);
  if (!order) throw new Error(`no ${m.type} order ${externalId}`);
  return bodyOf(await get(t, `/api/v1/orders/${order.id}`, tokens.staff));
}

const states = (order: Json) => (order.commands as Json[]).map((c) => [c.kind, c.state]);

async function step(orderId: string, kind: "pick" | "ship", body: unknown = {}): Promise<Json> {
  const res = await postJson(t, `/api/v1/orders/${orderId}/${kind}`, body, bearer(tokens.staff));
  if (res.status !== 200) throw new Error(`${kind}: ${res.status} ${await res.text()}`);
  return bodyOf(res);
}

async function control(m: SandboxMarketplace, method: string, what: string, body?: unknown): Promise<Json> {
  const res = await fetch(`${sandbox.url}/__sandbox/marketplaces/${m.type.toLowerCase()}/${m.account}/${what}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status >= 300) throw new Error(`sandbox ${what}: ${res.status} ${await res.text()}`);
  return res.json();
}

describe("Hepsiburada", () => {
  const hb = marketplace("HEPSIBURADA");

  test("packed in the seller's panel: the pull shows the package, the order is PICKING and staff's pending pick is CONFIRMED without a call", async () => {
    const { productId, barcode } = await listedOnEvery(shop(), "HB packed", 5);
    const orderNumber = await orderOn(sandbox, hb, [{ barcode, quantity: 2, unitPrice: 4_000 }]);
    await pulledOutcomes(shop(), hb);
    const order = await orderOf(hb, orderNumber);
    expect(states(await step(order.id, "pick"))).toEqual([["PICK", "PENDING"]]);
    await control(hb, "POST", "pack", { lineIds: order.items.map((item: Json) => item.lineId) });
    await pulledOutcomes(shop(), hb);
    const after = await orderOf(hb, orderNumber);
    expect(after.status).toBe("PICKING");
    expect(states(after)).toEqual([["PICK", "CONFIRMED"]]);
    await t.services.commandWorker.runOnce();
    expect((await control(hb, "GET", `order-state?orderNumber=${orderNumber}`)).calls).toEqual({});
    expect(await levelIn(shop(), productId)).toEqual({ onHand: 5, reserved: 2 });
  });

  test("a package in transit, then delivered (as a package record says): SHIPPED with the stock shipped once, then DELIVERED", async () => {
    const { productId, barcode } = await listedOnEvery(shop(), "HB transit", 5);
    const orderNumber = await orderOn(sandbox, hb, [{ barcode, quantity: 1, unitPrice: 4_000 }]);
    await pulledOutcomes(shop(), hb);
    const order = await orderOf(hb, orderNumber);
    await control(hb, "POST", "pack", { lineIds: order.items.map((item: Json) => item.lineId) });
    await pulledOutcomes(shop(), hb);
    const [packed] = (await control(hb, "GET", `order-state?orderNumber=${orderNumber}`)).packages as Json[];
    // The packages list shows packed packages only: a package record in another status is read the same way.
    const record = (status: string) => ({ id: `pk-${packed.packageNumber}`, packageNumber: packed.packageNumber, status, items: order.items.map((item: Json) => ({ lineItemId: item.lineId, orderNumber, merchantSku: barcode, quantity: item.quantity, price: { amount: 40, currency: "TRY" } })) });
    const deps = { orders: t.services.orders, metrics: createIntakeMetrics(new Registry()), log: createLogger({ level: "silent", pretty: false }) };
    const feed = (status: string) => feedOrder(deps, { storeId: storeOf(hb), marketplace: "HEPSIBURADA", source: "pull" }, packageOrdersOf([record(status)], 180, { from: new Date(), to: new Date() })[0] as never);
    await feed("InTransit");
    await feed("InTransit");
    expect((await orderOf(hb, orderNumber)).status).toBe("SHIPPED");
    expect(await levelIn(shop(), productId)).toEqual({ onHand: 4, reserved: 0 });
    await feed("Delivered");
    await feed("Packaged");
    expect((await orderOf(hb, orderNumber)).status).toBe("DELIVERED");
    expect(await levelIn(shop(), productId)).toEqual({ onHand: 4, reserved: 0 });
  });
});

describe("N11", () => {
  const n11 = marketplace("N11");

  test("an accepted (SENT) pick is CONFIRMED by the pull showing the package Picking", async () => {
    const { productId, barcode } = await listedOnEvery(shop(), "N11 pick", 5);
    const orderNumber = await orderOn(sandbox, n11, [{ barcode, quantity: 1, unitPrice: 4_000 }]);
    await pulledOutcomes(shop(), n11);
    const order = await orderOf(n11, orderNumber);
    await step(order.id, "pick");
    await t.services.commandWorker.runOnce();
    expect(states(await orderOf(n11, orderNumber))).toEqual([["PICK", "SENT"]]);
    await pulledOutcomes(shop(), n11);
    const after = await orderOf(n11, orderNumber);
    expect(states(after)).toEqual([["PICK", "CONFIRMED"]]);
    expect(after.status).toBe("PICKING");
    expect(await levelIn(shop(), productId)).toEqual({ onHand: 5, reserved: 1 });
  });
});

describe("PttAVM", () => {
  const ptt = marketplace("PTTAVM");

  test("staff's shipment accepted (SENT) is CONFIRMED when PTT shows the lines sent; delivered later; the stock moved once, by staff", async () => {
    const { productId, barcode } = await listedOnEvery(shop(), "PTT ship", 5);
    const orderId = await orderOn(sandbox, ptt, [{ barcode, quantity: 2, unitPrice: 4_000 }]);
    await pulledOutcomes(shop(), ptt);
    const order = await orderOf(ptt, orderId);
    await step(order.id, "pick");
    await step(order.id, "ship");
    expect(await levelIn(shop(), productId)).toEqual({ onHand: 3, reserved: 0 });
    await t.services.commandWorker.runOnce();
    expect(states(await orderOf(ptt, orderId))).toEqual([["PICK", "NOT_SUPPORTED"], ["SHIP", "SENT"]]);
    await control(ptt, "POST", "line-status", { orderId, status: "gonderilmiş" });
    await pulledOutcomes(shop(), ptt);
    expect(states(await orderOf(ptt, orderId))).toEqual([["PICK", "NOT_SUPPORTED"], ["SHIP", "CONFIRMED"]]);
    await control(ptt, "POST", "line-status", { orderId, status: "tamamlandi" });
    await pulledOutcomes(shop(), ptt);
    expect((await orderOf(ptt, orderId)).status).toBe("DELIVERED");
    expect(await levelIn(shop(), productId)).toEqual({ onHand: 3, reserved: 0 });
  });
});

describe("Pazarama", () => {
  const pz = marketplace("PAZARAMA");

  test("the order keeps Pazarama's own order number: staff's pick reaches the sandbox (item 12) and the pull then changes nothing", async () => {
    const { productId, barcode } = await listedOnEvery(shop(), "PZ pick", 5);
    const orderId = await orderOn(sandbox, pz, [{ barcode, quantity: 1, unitPrice: 4_000 }]);
    await pulledOutcomes(shop(), pz);
    const order = await orderOf(pz, orderId);
    await step(order.id, "pick");
    await t.services.commandWorker.runOnce();
    expect(states(await orderOf(pz, orderId))).toEqual([["PICK", "CONFIRMED"]]);
    const shown = await control(pz, "GET", `order-state?orderId=${orderId}`);
    expect(shown.items.map((item: Json) => item.status)).toEqual([12]);
    await pulledOutcomes(shop(), pz);
    const after = await orderOf(pz, orderId);
    expect([after.status, states(after)]).toEqual(["PICKING", [["PICK", "CONFIRMED"]]]);
    expect(await levelIn(shop(), productId)).toEqual({ onHand: 5, reserved: 1 });
  });
});

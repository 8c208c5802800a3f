/**
 * A Trendyol order some of whose units the seller could not supply, as the sources show it
 * (packages/marketplace-fixtures/trendyol/order-pull.unsupplied.json): the old package becomes
 * Cancelled naming the units it gave up, the rest comes back under a new package id of the same
 * orderNumber (createdBy "cancel", originPackageIds). Replayed through the adapter, then through
 * intake on Postgres: one order, the cancelled units released once, nothing reserved twice.
 * Only the barcodes, order number and package ids are ours (the products must exist here).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Registry } from "prom-client";
import { type Fixture, fixture, serveFixtures } from "@pazarsync/marketplace-fixtures";
import type { NormalisedOrder } from "../../../src/domains/marketplace/service";
import { createTrendyolAdapter } from "../../../src/domains/marketplace/trendyol/adapter";
import { type FeedDeps, feedOrder } from "../../../src/domains/order/marketplace-feed";
import { createIntakeMetrics } from "../../../src/domains/order/metrics";
import { createLogger } from "../../../src/infra/logger";
import { createTestApp, type TestApp } from "../../support/app";
import type { Json } from "../../support/http";
import { type IntakeShop, intakeShop, level, listedProduct, type MarketStore, ordersFor } from "../../order/intake-support";

const DAY = 24 * 3600_000;
const SOURCE = fixture("trendyol", "order-pull.unsupplied");

function adapterOn(fetch: typeof globalThis.fetch) {
  return createTrendyolAdapter({ baseUrl: "https://apigw.trendyol.com", sellerId: "123", apiKey: "test-key", apiSecret: "test-secret", fetch });
}

/** The two stream reads, as the adapter normalises them: before the unsupplied report, and a later window after it. */
async function pulledPages(source: Fixture): Promise<{ before: NormalisedOrder[]; after: NormalisedOrder[]; mismatches: string[] }> {
  const server = serveFixtures(source);
  const adapter = adapterOn(server.fetch);
  const now = Date.now();
  const before = await adapter.pullOrders?.({ since: new Date(now - 2 * DAY), until: new Date(now - DAY) });
  const after = await adapter.pullOrders?.({ since: new Date(now - DAY), until: new Date(now) });
  expect(server.remaining()).toBe(0);
  expect(before?.next).toBeNull();
  expect(after?.next).toBeNull();
  return { before: before?.orders ?? [], after: after?.orders ?? [], mismatches: server.mismatches };
}

describe("Trendyol unsupplied units, through the adapter", () => {
  test("the stream shows the old package Cancelled with the units it gave up and the rest under a new package id of the same orderNumber", async () => {
    const { before, after, mismatches } = await pulledPages(SOURCE);
    expect(mismatches).toEqual([]);
    const summary = (orders: NormalisedOrder[]) => orders.map((o) => [o.externalId, o.packageId, o.status, o.marketplaceStatus, o.lines.map((l) => [l.lineId, l.barcode, l.quantity])]);
    expect(summary(before)).toEqual([
      [
        "TEST-20",
        "3330111121",
        "CREATED",
        "Created",
        [
          ["4765111121", "TEST-BARCODE-A", 2],
          ["4765111122", "TEST-BARCODE-B", 3],
        ],
      ],
    ]);
    expect(summary(after)).toEqual([
      ["TEST-20", "3330111122", "CREATED", "Created", [["4765111122", "TEST-BARCODE-B", 2]]],
      [
        "TEST-20",
        "3330111121",
        "CANCELLED",
        "Cancelled",
        [
          ["4765111121", "TEST-BARCODE-A", 2],
          ["4765111122", "TEST-BARCODE-B", 1],
        ],
      ],
    ]);
    // The package's own record of where it came from stays in the raw payload.
    expect(after[0]?.raw).toMatchObject({ createdBy: "cancel", originPackageIds: [3330111121] });
  });
});

let t: TestApp;
let shop: IntakeShop;
let store: MarketStore;
let deps: FeedDeps;
beforeAll(async () => {
  t = await createTestApp({ label: "trendyol-unsupplied-contract" });
  shop = await intakeShop(t, 1);
  store = shop.stores[0] as MarketStore;
  deps = { orders: t.services.orders, metrics: createIntakeMetrics(new Registry()), log: createLogger({ level: "silent", pretty: false }) };
});
afterAll(() => t.close());

let run = 0;

/** The fixture with this run's products, order number and package ids (line ids stay: they are per order). */
function ours(barcodes: { a: string; b: string }): { source: Fixture; orderNumber: string } {
  run += 1;
  const orderNumber = `TEST-20-${Date.now()}-${run}`;
  const base = 3_400_000_000 + (Date.now() % 1_000_000) * 10 + run * 2;
  const text = JSON.stringify(SOURCE)
    .replaceAll('"TEST-BARCODE-A"', JSON.stringify(barcodes.a))
    .replaceAll('"TEST-BARCODE-B"', JSON.stringify(barcodes.b))
    .replaceAll('"TEST-20"', JSON.stringify(orderNumber))
    .replaceAll("3330111121", String(base))
    .replaceAll("3330111122", String(base + 1));
  return { source: JSON.parse(text) as Fixture, orderNumber };
}

async function fed(orders: NormalisedOrder[]): Promise<string[]> {
  const outcomes: string[] = [];
  for (const order of orders) outcomes.push((await feedOrder(deps, { storeId: store.storeId, marketplace: "TRENDYOL", source: "pull" }, order)).outcome);
  return outcomes;
}

describe("Trendyol unsupplied units, through the adapter and intake", () => {
  test("the order stays one, the cancelled package releases exactly its units once, the new package reserves nothing twice", async () => {
    const a = await listedProduct(t, shop, 10);
    const b = await listedProduct(t, shop, 10);
    const { source, orderNumber } = ours({ a: a.barcode, b: b.barcode });
    const { before, after, mismatches } = await pulledPages(source);
    expect(mismatches).toEqual([]);

    expect(await fed(before)).toEqual(["created"]);
    expect([await level(t, shop, a.productId), await level(t, shop, b.productId)]).toEqual([
      { onHand: 10, reserved: 2 },
      { onHand: 10, reserved: 3 },
    ]);

    expect(await fed(after)).toEqual(["duplicate", "cancelled"]);
    const settled = [
      { onHand: 10, reserved: 0 },
      { onHand: 10, reserved: 2 },
    ];
    expect([await level(t, shop, a.productId), await level(t, shop, b.productId)]).toEqual(settled);

    // The pull's overlap reads the same window again: nothing moves.
    expect(await fed(after)).toEqual(["duplicate", "duplicate"]);
    expect([await level(t, shop, a.productId), await level(t, shop, b.productId)]).toEqual(settled);

    const orders = await ordersFor(t, shop, store, orderNumber);
    expect(orders).toHaveLength(1);
    const [order] = orders as [Json];
    expect(order).toMatchObject({ externalOrderId: orderNumber, status: "CREATED" });
    expect(order.items.map((item: Json) => [item.productId, item.quantity, item.cancelledQuantity ?? 0])).toEqual([
      [a.productId, 2, 2],
      [b.productId, 3, 1],
    ]);
    expect(order.packages.map((p: Json) => [p.packageId, p.status]).sort()).toEqual(
      [
        [after[1]?.packageId, "Cancelled"],
        [after[0]?.packageId, "Created"],
      ].sort(),
    );
  });

  test("the cancelled package read before the new one gives the same result", async () => {
    const a = await listedProduct(t, shop, 10);
    const b = await listedProduct(t, shop, 10);
    const { source, orderNumber } = ours({ a: a.barcode, b: b.barcode });
    const { before, after } = await pulledPages(source);
    await fed(before);
    expect(await fed([...after].reverse())).toEqual(["cancelled", "duplicate"]);
    expect([await level(t, shop, a.productId), await level(t, shop, b.productId)]).toEqual([
      { onHand: 10, reserved: 0 },
      { onHand: 10, reserved: 2 },
    ]);
    expect(await ordersFor(t, shop, store, orderNumber)).toHaveLength(1);
  });
});

/** The same order if the cancelled package listed every unit it held (no source says it does not): B 3, not 1. */
function listingEverything(orders: NormalisedOrder[]): NormalisedOrder[] {
  return orders.map((order) => (order.status === "CANCELLED" ? { ...order, lines: order.lines.map((line) => (line.lineId === "4765111122" ? { ...line, quantity: 3 } : line)) } : order));
}

describe("Trendyol unsupplied units, if the cancelled package lists every unit it held", () => {
  test.each(["new", "cancelled"] as const)("the %s package read first: the order ends holding exactly the new package's units", async (first) => {
    const a = await listedProduct(t, shop, 10);
    const b = await listedProduct(t, shop, 10);
    const { source, orderNumber } = ours({ a: a.barcode, b: b.barcode });
    const { before, after } = await pulledPages(source);
    await fed(before);
    const later = listingEverything(first === "new" ? after : [...after].reverse());
    await fed(later);
    const settled = [
      { onHand: 10, reserved: 0 },
      { onHand: 10, reserved: 2 },
    ];
    expect([await level(t, shop, a.productId), await level(t, shop, b.productId)]).toEqual(settled);
    expect(await fed(later)).toEqual(["duplicate", "duplicate"]);
    expect([await level(t, shop, a.productId), await level(t, shop, b.productId)]).toEqual(settled);
    const [order] = (await ordersFor(t, shop, store, orderNumber)) as [Json];
    expect(order).toMatchObject({ status: "CREATED" });
    expect(order.items.map((item: Json) => [item.productId, item.quantity, item.cancelledQuantity ?? 0])).toEqual([
      [a.productId, 2, 2],
      [b.productId, 3, 1],
    ]);
  });
});

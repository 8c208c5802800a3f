/**
 * Trendyol and N11 packages partition an order's lines: when units are given up, the old package
 * is cancelled and the rest comes back in new packages of the same order number, the lines keeping
 * their ids. No source says whether the cancelled package lists only the units given up (A) or
 * every unit it held (B), nor which of the two packages is read first. In all four cases the order
 * must end holding exactly the units its live packages list, with every release and reservation
 * in the ledger and the stock invariants whole; replays change nothing.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { Registry } from "prom-client";
import type { NormalisedOrder } from "../../src/domains/marketplace/service";
import { normaliseN11Package } from "../../src/domains/marketplace/n11/orders";
import { normaliseTrendyolPackage } from "../../src/domains/marketplace/trendyol/order-normaliser";
import { type FeedDeps, feedOrder } from "../../src/domains/order/marketplace-feed";
import { createIntakeMetrics } from "../../src/domains/order/metrics";
import { queryRows } from "../../src/infra/db";
import { createLogger } from "../../src/infra/logger";
import { createTestApp, type TestApp } from "../support/app";
import { bodyOf, type Json } from "../support/http";
import { get } from "../support/identity";
import { type IntakeShop, intakeShop, level, listedProduct, type MarketStore, ordersFor } from "./intake-support";

let t: TestApp;
let shop: IntakeShop;
let store: MarketStore;
let deps: FeedDeps;
beforeAll(async () => {
  t = await createTestApp({ label: "package-partition" });
  shop = await intakeShop(t, 1);
  store = shop.stores[0] as MarketStore;
  deps = { orders: t.services.orders, metrics: createIntakeMetrics(new Registry()), log: createLogger({ level: "silent", pretty: false }) };
});
afterAll(() => t.close());

let sequence = 0;
const nextId = () => `${Date.now() % 100_000_000}${++sequence}`;

interface Line {
  lineId: number;
  barcode: string;
  quantity: number;
}

/** One package as each marketplace's normaliser reads it (intake does not read the store's marketplace). */
const MARKETPLACES = {
  TRENDYOL: {
    created: "Created",
    /** What our order shows while its packages are live. */
    live: "CREATED",
    cancelled: "Cancelled",
    replaced: "UnPacked",
    read: (packageId: string, orderNumber: string, status: string, lines: Line[]): NormalisedOrder =>
      normaliseTrendyolPackage(
        {
          shipmentPackageId: Number(packageId),
          orderNumber,
          shipmentPackageStatus: status,
          currencyCode: "TRY",
          lastModifiedDate: Date.now(),
          lines: lines.map((l) => ({ lineId: l.lineId, barcode: l.barcode, quantity: l.quantity, lineUnitPrice: 10 })),
        },
        new Date(),
      ),
  },
  N11: {
    created: "Picking",
    // N11 splits only Picking packages: the order follows the marketplace there (marketplace-progress.ts).
    live: "PICKING",
    cancelled: "Cancelled",
    replaced: "UnPacked",
    read: (packageId: string, orderNumber: string, status: string, lines: Line[]): NormalisedOrder =>
      normaliseN11Package(
        { id: packageId, orderNumber, shipmentPackageStatus: status, lastModifiedDate: Date.now(), lines: lines.map((l) => ({ orderLineId: l.lineId, stockCode: l.barcode, quantity: l.quantity, price: 10 })) },
        new Date(),
      ),
  },
} as const;
type Marketplace = keyof typeof MARKETPLACES;

async function fed(marketplace: Marketplace, orders: NormalisedOrder[]): Promise<string[]> {
  const outcomes: string[] = [];
  for (const order of orders) outcomes.push((await feedOrder(deps, { storeId: store.storeId, marketplace, source: "pull" }, order)).outcome);
  return outcomes;
}

async function twoProducts() {
  return { a: await listedProduct(t, shop, 10), b: await listedProduct(t, shop, 10) };
}

/** What the order's ledger rows did to a product's reserved, and how many units they released. */
async function ledger(productId: string, orderId: string): Promise<{ reserved: number; released: number }> {
  const body = await bodyOf(await get(t, `/api/v1/inventory/products/${productId}/movements?limit=100`, shop.staffToken));
  const rows: Json[] = body.items.filter((m: Json) => m.correlationId === orderId);
  const changes = rows.map((m) => m.reservedAfter - m.reservedBefore);
  return { reserved: changes.reduce((sum, d) => sum + d, 0), released: changes.filter((d) => d < 0).reduce((sum, d) => sum - d, 0) };
}

async function invariantsOk(): Promise<boolean> {
  return (await bodyOf(await get(t, "/api/v1/inventory/invariants", shop.staffToken))).ok;
}

const cases = [
  { listing: "A (it lists only the units given up)", lists: "given-up", first: "cancelled" },
  { listing: "A (it lists only the units given up)", lists: "given-up", first: "new" },
  { listing: "B (it lists every unit it held)", lists: "everything", first: "cancelled" },
  { listing: "B (it lists every unit it held)", lists: "everything", first: "new" },
] as const;

describe.each(["TRENDYOL", "N11"] as const)("%s: units given up from a package", (marketplace) => {
  const m = MARKETPLACES[marketplace];

  test.each(cases)("cancelled package under $listing, the $first package read first: the order holds what its live packages list", async ({ lists, first }) => {
    const { a, b } = await twoProducts();
    const [orderNumber, original, rest] = [`P${nextId()}`, nextId(), nextId()];
    expect(await fed(marketplace, [m.read(original, orderNumber, m.created, [{ lineId: 1, barcode: a.barcode, quantity: 2 }, { lineId: 2, barcode: b.barcode, quantity: 3 }])])).toEqual(["created"]);

    // All of line 1 and one unit of line 2 are given up; line 2's other two units move to a new package.
    const givenUp = lists === "given-up" ? [{ lineId: 1, barcode: a.barcode, quantity: 2 }, { lineId: 2, barcode: b.barcode, quantity: 1 }] : [{ lineId: 1, barcode: a.barcode, quantity: 2 }, { lineId: 2, barcode: b.barcode, quantity: 3 }];
    const cancelled = m.read(original, orderNumber, m.cancelled, givenUp);
    const moved = m.read(rest, orderNumber, m.created, [{ lineId: 2, barcode: b.barcode, quantity: 2 }]);
    const deliveries = first === "cancelled" ? [cancelled, moved] : [moved, cancelled];
    await fed(marketplace, deliveries);

    const settled = [{ onHand: 10, reserved: 0 }, { onHand: 10, reserved: 2 }];
    expect([await level(t, shop, a.productId), await level(t, shop, b.productId)]).toEqual(settled);
    const [order] = (await ordersFor(t, shop, store, orderNumber)) as [Json];
    expect(order).toMatchObject({ status: m.live });
    expect(order.items.map((item: Json) => [item.productId, item.quantity, item.cancelledQuantity])).toEqual([[a.productId, 2, 2], [b.productId, 3, 1]]);
    expect((await ledger(a.productId, order.id)).reserved).toBe(0);
    expect((await ledger(b.productId, order.id)).reserved).toBe(2);
    // Read the new package first and the given-up unit is released once; read it last and B's
    // extra units can only be released and reserved again (nothing says they are coming back).
    if (first === "new" || lists === "given-up") expect((await ledger(b.productId, order.id)).released).toBe(1);

    // Every package again, in both orders, a stale first delivery among them: nothing moves.
    const stale = m.read(original, orderNumber, m.created, [{ lineId: 1, barcode: a.barcode, quantity: 2 }, { lineId: 2, barcode: b.barcode, quantity: 3 }]);
    const before = [await ledger(a.productId, order.id), await ledger(b.productId, order.id)];
    for (const again of [...deliveries, stale, ...[...deliveries].reverse()]) expect(await fed(marketplace, [again])).toEqual(["duplicate"]);
    expect([await level(t, shop, a.productId), await level(t, shop, b.productId)]).toEqual(settled);
    expect([await ledger(a.productId, order.id), await ledger(b.productId, order.id)]).toEqual(before);
    expect((await ordersFor(t, shop, store, orderNumber))[0]).toMatchObject({ status: m.live });
    expect(await invariantsOk()).toBe(true);
  });

  test.each(["given-up", "everything"] as const)("the new package cancelled too (listing %s): every unit is released and the order is CANCELLED", async (lists) => {
    const { a, b } = await twoProducts();
    const [orderNumber, original, rest] = [`P${nextId()}`, nextId(), nextId()];
    await fed(marketplace, [m.read(original, orderNumber, m.created, [{ lineId: 1, barcode: a.barcode, quantity: 2 }, { lineId: 2, barcode: b.barcode, quantity: 3 }])]);
    const givenUp = lists === "given-up" ? 1 : 3;
    await fed(marketplace, [
      m.read(rest, orderNumber, m.created, [{ lineId: 2, barcode: b.barcode, quantity: 2 }]),
      m.read(original, orderNumber, m.cancelled, [{ lineId: 1, barcode: a.barcode, quantity: 2 }, { lineId: 2, barcode: b.barcode, quantity: givenUp }]),
      m.read(rest, orderNumber, m.cancelled, [{ lineId: 2, barcode: b.barcode, quantity: 2 }]),
    ]);
    expect([await level(t, shop, a.productId), await level(t, shop, b.productId)]).toEqual([{ onHand: 10, reserved: 0 }, { onHand: 10, reserved: 0 }]);
    const [order] = (await ordersFor(t, shop, store, orderNumber)) as [Json];
    expect(order).toMatchObject({ status: "CANCELLED" });
    expect((await ledger(b.productId, order.id)).released).toBe(3);
    expect(await invariantsOk()).toBe(true);
  });

  test("a whole package cancelled at once, read twice, ends CANCELLED holding nothing", async () => {
    const { a, b } = await twoProducts();
    const [orderNumber, original] = [`P${nextId()}`, nextId()];
    const lines = [{ lineId: 1, barcode: a.barcode, quantity: 2 }, { lineId: 2, barcode: b.barcode, quantity: 3 }];
    await fed(marketplace, [m.read(original, orderNumber, m.created, lines)]);
    expect(await fed(marketplace, [m.read(original, orderNumber, m.cancelled, lines), m.read(original, orderNumber, m.cancelled, lines)])).toEqual(["cancelled", "duplicate"]);
    expect([await level(t, shop, a.productId), await level(t, shop, b.productId)]).toEqual([{ onHand: 10, reserved: 0 }, { onHand: 10, reserved: 0 }]);
    const [order] = (await ordersFor(t, shop, store, orderNumber)) as [Json];
    expect(order).toMatchObject({ status: "CANCELLED" });
    expect([(await ledger(a.productId, order.id)).released, (await ledger(b.productId, order.id)).released]).toEqual([2, 3]);
  });

  test.each(["replaced", "new"] as const)("a split (the original UnPacked, its lines in two new packages; the %s package read first) holds exactly the original units", async (first) => {
    const { a, b } = await twoProducts();
    const [orderNumber, original, one, two] = [`P${nextId()}`, nextId(), nextId(), nextId()];
    const lines = [{ lineId: 1, barcode: a.barcode, quantity: 2 }, { lineId: 2, barcode: b.barcode, quantity: 3 }];
    await fed(marketplace, [m.read(original, orderNumber, m.created, lines)]);
    const replaced = m.read(original, orderNumber, m.replaced, lines);
    const parts = [m.read(one, orderNumber, m.created, [lines[0] as Line]), m.read(two, orderNumber, m.created, [lines[1] as Line])];
    const deliveries = first === "replaced" ? [replaced, ...parts] : [...parts, replaced];
    await fed(marketplace, [...deliveries, ...deliveries]);
    const held = [{ onHand: 10, reserved: 2 }, { onHand: 10, reserved: 3 }];
    expect([await level(t, shop, a.productId), await level(t, shop, b.productId)]).toEqual(held);

    // One unit of line 2 given up afterwards, the cancelled part listing all three (B) and read
    // before the package holding the other two: exactly that unit ends released.
    await fed(marketplace, [m.read(two, orderNumber, m.cancelled, [{ lineId: 2, barcode: b.barcode, quantity: 3 }]), m.read(nextId(), orderNumber, m.created, [{ lineId: 2, barcode: b.barcode, quantity: 2 }])]);
    expect([await level(t, shop, a.productId), await level(t, shop, b.productId)]).toEqual([{ onHand: 10, reserved: 2 }, { onHand: 10, reserved: 2 }]);
    expect((await ordersFor(t, shop, store, orderNumber))[0]).toMatchObject({ status: m.live });
    expect(await invariantsOk()).toBe(true);
  });
});

describe("Trendyol: partition orders in other states", () => {
  const m = MARKETPLACES.TRENDYOL;

  test("an order waiting for an operator, cancelled whole by a package listing every unit it held, is taken in when the new package lists the rest", async () => {
    const { a } = await twoProducts();
    const [orderNumber, original, rest] = [`P${nextId()}`, nextId(), nextId()];
    const unknown = { lineId: 1, barcode: `869-never-sold-${nextId()}`, quantity: 1 };
    const known = { lineId: 2, barcode: a.barcode, quantity: 2 };
    expect(await fed("TRENDYOL", [m.read(original, orderNumber, m.created, [unknown, known])])).toEqual(["needs_attention"]);
    await fed("TRENDYOL", [m.read(original, orderNumber, "UnSupplied", [unknown, known])]);
    expect((await ordersFor(t, shop, store, orderNumber))[0]).toMatchObject({ status: "CANCELLED" });

    expect(await fed("TRENDYOL", [m.read(rest, orderNumber, m.created, [known])])).toEqual(["created"]);
    const [order] = (await ordersFor(t, shop, store, orderNumber)) as [Json];
    expect(order).toMatchObject({ status: "CREATED", attentionReasons: null });
    expect(order.attentionLines.map((line: Json) => line.cancelledQuantity)).toEqual([1]);
    expect(await level(t, shop, a.productId)).toEqual({ onHand: 10, reserved: 2 });
    expect(await fed("TRENDYOL", [m.read(rest, orderNumber, m.created, [known])])).toEqual(["duplicate"]);
    expect(await level(t, shop, a.productId)).toEqual({ onHand: 10, reserved: 2 });
  });

  test("units taken back when the stock went elsewhere meanwhile: the order is OVERSOLD, nothing reserved past the stock", async () => {
    const a = await listedProduct(t, shop, 3);
    const [orderNumber, original, rest] = [`P${nextId()}`, nextId(), nextId()];
    await fed("TRENDYOL", [m.read(original, orderNumber, m.created, [{ lineId: 1, barcode: a.barcode, quantity: 3 }])]);
    await fed("TRENDYOL", [m.read(original, orderNumber, m.cancelled, [{ lineId: 1, barcode: a.barcode, quantity: 3 }])]);
    // Another order takes the released stock before the new package is read.
    await fed("TRENDYOL", [m.read(nextId(), `Q${nextId()}`, m.created, [{ lineId: 1, barcode: a.barcode, quantity: 2 }])]);
    expect(await fed("TRENDYOL", [m.read(rest, orderNumber, m.created, [{ lineId: 1, barcode: a.barcode, quantity: 2 }])])).toEqual(["oversold"]);
    expect(await level(t, shop, a.productId)).toEqual({ onHand: 3, reserved: 2 });
    const [order] = (await ordersFor(t, shop, store, orderNumber)) as [Json];
    expect(order).toMatchObject({ status: "OVERSOLD", items: [{ quantity: 3, cancelledQuantity: 1 }] });
    expect(await invariantsOk()).toBe(true);
  });

  test("a package recorded before its lines were kept still reads, and lists nothing: the cancelled package releases what it names, as before", async () => {
    const { a } = await twoProducts();
    const [orderNumber, original, rest] = [`P${nextId()}`, nextId(), nextId()];
    await fed("TRENDYOL", [m.read(original, orderNumber, m.created, [{ lineId: 1, barcode: a.barcode, quantity: 3 }])]);
    const db = t.infra.database.db;
    await queryRows(db, sql`update orders set packages = ${JSON.stringify([{ packageId: original, status: "Created", cancelled: false }])}::jsonb where store_id = ${store.storeId} and external_order_id = ${orderNumber} returning id`);
    expect((await ordersFor(t, shop, store, orderNumber))[0].packages).toEqual([{ packageId: original, status: "Created", cancelled: false }]);

    await fed("TRENDYOL", [m.read(rest, orderNumber, m.created, [{ lineId: 1, barcode: a.barcode, quantity: 2 }]), m.read(original, orderNumber, m.cancelled, [{ lineId: 1, barcode: a.barcode, quantity: 1 }])]);
    expect(await level(t, shop, a.productId)).toEqual({ onHand: 10, reserved: 2 });
    expect((await ordersFor(t, shop, store, orderNumber))[0]).toMatchObject({ status: "CREATED", items: [{ quantity: 3, cancelledQuantity: 1 }] });
  });
});

/**
 * A marketplace order is one order, keyed by (store, order number), whatever packages it comes in.
 * Trendyol gives the rest of a package a NEW shipmentPackageId with the same orderNumber when a
 * line is unsupplied or part of the package is cancelled (MARKETPLACES.md, Trendyol); the lines
 * keep their order line ids. Such a package reserves nothing already reserved, and a cancelled
 * package releases exactly the units it names.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../support/app";
import { bodyOf, type Json } from "../support/http";
import {
  deliver,
  type IntakeShop,
  intakeShop,
  level,
  listedProduct,
  type MarketStore,
  marketplaceOrder,
  marketplaceUnsupply,
  ordersFor,
} from "./intake-support";

let t: TestApp;
let shop: IntakeShop;
let hooked: MarketStore;
let pulled: MarketStore;
beforeAll(async () => {
  // These tests pull one Trendyol store many times a second, over its order quota (21 a minute):
  // the quota's pacing is pull-schedule.test.ts's, here every pull reads.
  t = await createTestApp({ label: "order-packages", env: { ORDER_PULL_QUOTA: "off" } });
  shop = await intakeShop(t, 2);
  [hooked, pulled] = shop.stores as [MarketStore, MarketStore];
});
afterAll(() => t.close());

let sequence = 0;
const newOrderNumber = () => `10${Date.now() % 100_000_000}${++sequence}`;
const newPackageId = () => 4_000_000_000 + (Date.now() % 1_000_000) * 100 + ++sequence;

interface Line {
  lineId: number;
  barcode: string;
  quantity: number;
}

/** A package in Trendyol's current order model (webhook body and stream content alike). */
function trendyolPackage(packageId: number, orderNumber: string, status: string, lines: Line[]): Json {
  return {
    shipmentPackageId: packageId,
    orderNumber,
    shipmentPackageStatus: status,
    status,
    currencyCode: "TRY",
    lastModifiedDate: Date.now(),
    lines: lines.map((line) => ({ lineId: line.lineId, barcode: line.barcode, stockCode: line.barcode, quantity: line.quantity, lineUnitPrice: 10.5 })),
  };
}

async function delivered(body: Json): Promise<Json> {
  const res = await deliver(t, hooked.storeId, body);
  expect(res.status).toBe(200);
  return bodyOf(res);
}

async function twoProducts() {
  return { a: await listedProduct(t, shop, 10), b: await listedProduct(t, shop, 10) };
}

const pull = async () => {
  const report = await t.services.orderIntake.pullStore(pulled.storeId);
  if (!report.pulled) throw new Error(`store not pulled: ${report.reason}`);
  return report;
};

describe("Trendyol packages of one order, by webhook", () => {
  test("a Trendyol package split by an unsupplied line stays one order and reserves nothing twice", async () => {
    const { a, b } = await twoProducts();
    const orderNumber = newOrderNumber();
    const [first, rest] = [newPackageId(), newPackageId()];
    const original = trendyolPackage(first, orderNumber, "Created", [
      { lineId: 1, barcode: a.barcode, quantity: 2 },
      { lineId: 2, barcode: b.barcode, quantity: 3 },
    ]);
    expect(await delivered(original)).toMatchObject({ externalOrderId: orderNumber, outcome: "created" });
    expect(await level(t, shop, a.productId)).toEqual({ onHand: 10, reserved: 2 });
    expect(await level(t, shop, b.productId)).toEqual({ onHand: 10, reserved: 3 });

    // Line 1 cannot be supplied: the rest of the package (line 2) gets a new package id.
    expect(await delivered(trendyolPackage(rest, orderNumber, "Created", [{ lineId: 2, barcode: b.barcode, quantity: 3 }]))).toMatchObject({
      externalOrderId: orderNumber,
      outcome: "duplicate",
    });
    expect(await level(t, shop, b.productId)).toEqual({ onHand: 10, reserved: 3 });
    await delivered(trendyolPackage(first, orderNumber, "UnSupplied", [{ lineId: 1, barcode: a.barcode, quantity: 2 }]));

    expect(await level(t, shop, a.productId)).toEqual({ onHand: 10, reserved: 0 });
    expect(await level(t, shop, b.productId)).toEqual({ onHand: 10, reserved: 3 });
    const orders = await ordersFor(t, shop, hooked, orderNumber);
    expect(orders).toHaveLength(1);
    expect(orders[0]).toMatchObject({ externalOrderId: orderNumber, status: "CREATED" });
    expect(orders[0].packages.map((p: Json) => [p.packageId, p.status])).toEqual([
      [String(first), "UnSupplied"],
      [String(rest), "Created"],
    ]);
    expect(await ordersFor(t, shop, hooked, String(rest))).toEqual(orders);
  });

  test("the unsupplied package arriving before the package holding the rest releases its line once and reserves nothing twice", async () => {
    const { a, b } = await twoProducts();
    const orderNumber = newOrderNumber();
    const [first, rest] = [newPackageId(), newPackageId()];
    await delivered(trendyolPackage(first, orderNumber, "Created", [
      { lineId: 11, barcode: a.barcode, quantity: 2 },
      { lineId: 12, barcode: b.barcode, quantity: 3 },
    ]));
    await delivered(trendyolPackage(first, orderNumber, "UnSupplied", [{ lineId: 11, barcode: a.barcode, quantity: 2 }]));
    await delivered(trendyolPackage(rest, orderNumber, "Created", [{ lineId: 12, barcode: b.barcode, quantity: 3 }]));

    expect(await level(t, shop, a.productId)).toEqual({ onHand: 10, reserved: 0 });
    expect(await level(t, shop, b.productId)).toEqual({ onHand: 10, reserved: 3 });
    expect(await ordersFor(t, shop, hooked, orderNumber)).toHaveLength(1);
  });

  test("a partial cancellation releases exactly its lines, and cancelling the rest cancels the order", async () => {
    const { a, b } = await twoProducts();
    const orderNumber = newOrderNumber();
    const [first, rest] = [newPackageId(), newPackageId()];
    await delivered(trendyolPackage(first, orderNumber, "Created", [
      { lineId: 21, barcode: a.barcode, quantity: 3 },
      { lineId: 22, barcode: b.barcode, quantity: 1 },
    ]));
    // The buyer cancels one unit of line 21: the package is cancelled with it, the rest moves on.
    await delivered(trendyolPackage(first, orderNumber, "Cancelled", [{ lineId: 21, barcode: a.barcode, quantity: 1 }]));
    await delivered(trendyolPackage(rest, orderNumber, "Created", [
      { lineId: 21, barcode: a.barcode, quantity: 2 },
      { lineId: 22, barcode: b.barcode, quantity: 1 },
    ]));
    expect(await level(t, shop, a.productId)).toEqual({ onHand: 10, reserved: 2 });
    expect(await level(t, shop, b.productId)).toEqual({ onHand: 10, reserved: 1 });
    expect((await ordersFor(t, shop, hooked, orderNumber))[0]).toMatchObject({ status: "CREATED" });

    await delivered(trendyolPackage(rest, orderNumber, "Cancelled", [
      { lineId: 21, barcode: a.barcode, quantity: 2 },
      { lineId: 22, barcode: b.barcode, quantity: 1 },
    ]));
    expect(await level(t, shop, a.productId)).toEqual({ onHand: 10, reserved: 0 });
    expect(await level(t, shop, b.productId)).toEqual({ onHand: 10, reserved: 0 });
    const [order] = await ordersFor(t, shop, hooked, orderNumber);
    expect(order).toMatchObject({ status: "CANCELLED" });
  });

  test("every package delivered again, a stale Created last, changes nothing", async () => {
    const { a, b } = await twoProducts();
    const orderNumber = newOrderNumber();
    const [first, rest] = [newPackageId(), newPackageId()];
    const packages = [
      trendyolPackage(first, orderNumber, "Created", [
        { lineId: 31, barcode: a.barcode, quantity: 2 },
        { lineId: 32, barcode: b.barcode, quantity: 3 },
      ]),
      trendyolPackage(rest, orderNumber, "Created", [{ lineId: 32, barcode: b.barcode, quantity: 3 }]),
      trendyolPackage(first, orderNumber, "UnSupplied", [{ lineId: 31, barcode: a.barcode, quantity: 2 }]),
    ];
    for (const body of packages) await delivered(body);
    const once = [await level(t, shop, a.productId), await level(t, shop, b.productId)];
    expect(once).toEqual([
      { onHand: 10, reserved: 0 },
      { onHand: 10, reserved: 3 },
    ]);

    for (const body of [...packages].reverse()) expect(await delivered(body)).toMatchObject({ outcome: "duplicate" });
    expect([await level(t, shop, a.productId), await level(t, shop, b.productId)]).toEqual(once);
    expect(await ordersFor(t, shop, hooked, orderNumber)).toHaveLength(1);
  });

  test("unsupplying the one line no product matched takes the rest of the order in", async () => {
    const { a } = await twoProducts();
    const orderNumber = newOrderNumber();
    const [first, rest] = [newPackageId(), newPackageId()];
    await delivered(trendyolPackage(first, orderNumber, "Created", [
      { lineId: 41, barcode: "869-never-sold-here", quantity: 1 },
      { lineId: 42, barcode: a.barcode, quantity: 2 },
    ]));
    expect((await ordersFor(t, shop, hooked, orderNumber))[0]).toMatchObject({ status: "NEEDS_ATTENTION" });
    expect(await level(t, shop, a.productId)).toEqual({ onHand: 10, reserved: 0 });

    await delivered(trendyolPackage(first, orderNumber, "UnSupplied", [{ lineId: 41, barcode: "869-never-sold-here", quantity: 1 }]));
    await delivered(trendyolPackage(rest, orderNumber, "Created", [{ lineId: 42, barcode: a.barcode, quantity: 2 }]));
    expect((await ordersFor(t, shop, hooked, orderNumber))[0]).toMatchObject({ status: "CREATED", attentionReasons: null });
    expect(await level(t, shop, a.productId)).toEqual({ onHand: 10, reserved: 2 });
  });

  test("a package of an order recorded under its package id (before orders were keyed by order number) finds that order", async () => {
    const { a } = await twoProducts();
    const packageId = newPackageId();
    const orderNumber = newOrderNumber();
    await t.services.orders.intakeMarketplaceOrder({ storeId: hooked.storeId, externalOrderId: String(packageId), lines: [{ barcode: a.barcode, quantity: 4, unitPrice: 1_050 }], currency: "TRY" });
    expect(await level(t, shop, a.productId)).toEqual({ onHand: 10, reserved: 4 });

    expect(await delivered(trendyolPackage(packageId, orderNumber, "Cancelled", [{ lineId: 1, barcode: a.barcode, quantity: 4 }]))).toMatchObject({
      externalOrderId: String(packageId),
      outcome: "cancelled",
    });
    expect(await level(t, shop, a.productId)).toEqual({ onHand: 10, reserved: 0 });
    expect(await ordersFor(t, shop, hooked, orderNumber)).toHaveLength(0);
  });
});

describe("Trendyol packages of one order, by the pull", () => {
  test("a Trendyol package split by an unsupplied line stays one order and reserves nothing twice", async () => {
    const { a, b } = await twoProducts();
    const { packageId, orderNumber, payload } = await marketplaceOrder(shop, pulled, [
      { barcode: a.barcode, quantity: 2, unitPrice: 1_050 },
      { barcode: b.barcode, quantity: 3, unitPrice: 1_050 },
    ]);
    await pull();
    expect(await level(t, shop, a.productId)).toEqual({ onHand: 10, reserved: 2 });

    const lineOfA = payload.lines.find((line: Json) => line.barcode === a.barcode).lineId;
    const { rest } = await marketplaceUnsupply(shop, pulled, packageId, [{ lineId: lineOfA, quantity: 2 }]);
    expect(rest).not.toBeNull();
    await pull();
    await pull();

    expect(await level(t, shop, a.productId)).toEqual({ onHand: 10, reserved: 0 });
    expect(await level(t, shop, b.productId)).toEqual({ onHand: 10, reserved: 3 });
    const orders = await ordersFor(t, shop, pulled, orderNumber);
    expect(orders).toHaveLength(1);
    expect(orders[0].packages.map((p: Json) => p.packageId).sort()).toEqual([packageId, rest?.packageId].sort());
  });

  test("part of a line unsupplied releases exactly those units, pulled again or not", async () => {
    const { a } = await twoProducts();
    const { packageId, orderNumber, payload } = await marketplaceOrder(shop, pulled, [{ barcode: a.barcode, quantity: 3, unitPrice: 1_050 }]);
    await pull();
    await marketplaceUnsupply(shop, pulled, packageId, [{ lineId: payload.lines[0].lineId, quantity: 1 }]);
    await pull();
    await pull();

    expect(await level(t, shop, a.productId)).toEqual({ onHand: 10, reserved: 2 });
    const [order] = await ordersFor(t, shop, pulled, orderNumber);
    expect(order).toMatchObject({ status: "CREATED", items: [{ productId: a.productId, quantity: 3, cancelledQuantity: 1 }] });
  });
});

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { AppError } from "../../src/infra/errors";
import { createTestApp, type TestApp } from "../support/app";
import { createStore } from "../support/catalog";
import { bodyOf, type Json } from "../support/http";
import { get, sendJson } from "../support/identity";
import { acted, createSet, invariantsOk, ledgerOf, level, openShop, type Shop, stockedProduct } from "./support";
import { productBarcode } from "./transitions-support";

let t: TestApp;
let shop: Shop;
let marketplace: string;
let external = 0;
beforeAll(async () => {
  t = await createTestApp({ label: "order-intake" });
  shop = await openShop(t);
  marketplace = await createStore(t, shop.adminToken, { type: "TRENDYOL", sellerId: "98765", warehouseIds: [shop.warehouseId] });
});
afterAll(() => t.close());

const nextExternalId = () => `TY-${++external}-${Math.random().toString(36).slice(2, 7)}`;

function intake(externalOrderId: string, lines: { barcode: string; quantity: number; unitPrice: number }[]) {
  return t.services.orders.intakeMarketplaceOrder({ storeId: marketplace, externalOrderId, lines, currency: "TRY" });
}

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error("expected a refusal");
}

async function ordersOf(storeId: string): Promise<Json[]> {
  return (await bodyOf(await get(t, `/api/v1/orders?storeId=${storeId}&limit=100`, shop.staffToken))).items;
}

describe("taking in a marketplace order", () => {
  test("records it with the marketplace's prices and reserves its stock", async () => {
    const productId = await stockedProduct(t, shop, 10);
    const externalOrderId = nextExternalId();
    const { order, created } = await intake(externalOrderId, [{ barcode: await productBarcode(t, shop, productId), quantity: 3, unitPrice: 8_990 }]);
    expect(created).toBe(true);
    expect(order).toMatchObject({
      storeId: marketplace,
      externalOrderId,
      status: "CREATED",
      customerId: null,
      placedBy: null,
      total: 26_970,
      vatTotal: 4_495,
      shortages: null,
      items: [{ productId, quantity: 3, unitPrice: 8_990, lineTotal: 26_970 }],
    });
    expect(await level(t, shop, productId)).toEqual({ onHand: 10, reserved: 3 });
  });

  test("a repeat answers the recorded order and reserves nothing more", async () => {
    const productId = await stockedProduct(t, shop, 10);
    const externalOrderId = nextExternalId();
    const lines = [{ barcode: await productBarcode(t, shop, productId), quantity: 2, unitPrice: 1_000 }];
    const first = await intake(externalOrderId, lines);
    const again = await intake(externalOrderId, lines);
    expect(again.created).toBe(false);
    expect(again.order.id).toBe(first.order.id);
    expect(await level(t, shop, productId)).toEqual({ onHand: 10, reserved: 2 });
  });

  test("two intakes of one order at once record it once", async () => {
    const productId = await stockedProduct(t, shop, 10);
    const externalOrderId = nextExternalId();
    const lines = [{ barcode: await productBarcode(t, shop, productId), quantity: 1, unitPrice: 1_000 }];
    const results = await Promise.all([intake(externalOrderId, lines), intake(externalOrderId, lines), intake(externalOrderId, lines)]);
    expect(new Set(results.map((r) => r.order.id)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(await level(t, shop, productId)).toEqual({ onHand: 10, reserved: 1 });
  });

  test("the same external id on another store is another order", async () => {
    const productId = await stockedProduct(t, shop, 10);
    const otherStore = await createStore(t, shop.adminToken, { type: "N11", sellerId: "555", warehouseIds: [shop.warehouseId] });
    const externalOrderId = nextExternalId();
    const lines = [{ barcode: await productBarcode(t, shop, productId), quantity: 1, unitPrice: 1_000 }];
    const here = await intake(externalOrderId, lines);
    const there = await t.services.orders.intakeMarketplaceOrder({ storeId: otherStore, externalOrderId, lines, currency: "TRY" });
    expect(there.created).toBe(true);
    expect(there.order.id).not.toBe(here.order.id);
  });

  test("an inactive product is still recorded: the marketplace already sold it", async () => {
    const productId = await stockedProduct(t, shop, 10);
    expect((await sendJson(t, "PATCH", `/api/v1/catalog/products/${productId}`, { active: false }, shop.staffToken)).status).toBe(200);
    const { order } = await intake(nextExternalId(), [{ barcode: await productBarcode(t, shop, productId), quantity: 1, unitPrice: 1_000 }]);
    expect(order.status).toBe("CREATED");
  });

  test("an unknown barcode is recorded NEEDS_ATTENTION naming it, reserving nothing", async () => {
    const { order, created } = await intake(nextExternalId(), [{ barcode: "not-in-catalog", quantity: 1, unitPrice: 1_000 }]);
    expect(created).toBe(true);
    expect(order).toMatchObject({ status: "NEEDS_ATTENTION", attentionReasons: ["UNKNOWN_BARCODE"], items: [], allocations: [] });
    expect(order.attentionLines).toEqual([{ lineNo: 1, reason: "UNKNOWN_BARCODE", barcode: "not-in-catalog", quantity: 1, unitPrice: 1_000 }]);
  });

  test("an unknown store is refused with 422 UNKNOWN_STORE", async () => {
    const error = await rejection(
      t.services.orders.intakeMarketplaceOrder({ storeId: "not-a-uuid", externalOrderId: "X-1", lines: [{ barcode: "b", quantity: 1, unitPrice: 1 }], currency: "TRY" }),
    );
    expect(error).toMatchObject({ status: 422, code: "UNKNOWN_STORE" });
  });

  test("a line with a quantity of 0 is recorded NEEDS_ATTENTION, reserving nothing", async () => {
    const productId = await stockedProduct(t, shop, 10);
    const { order } = await intake(nextExternalId(), [{ barcode: await productBarcode(t, shop, productId), quantity: 0, unitPrice: 1 }]);
    expect(order).toMatchObject({ status: "NEEDS_ATTENTION", attentionReasons: ["QUANTITY_OUT_OF_RANGE"], items: [] });
    expect(await level(t, shop, productId)).toEqual({ onHand: 10, reserved: 0 });
  });
});

describe("an order for stock already gone", () => {
  test("is recorded OVERSOLD with its shortages, reserving nothing, not even what was there", async () => {
    const scarce = await stockedProduct(t, shop, 1);
    const plenty = await stockedProduct(t, shop, 10);
    const { order } = await intake(nextExternalId(), [
      { barcode: await productBarcode(t, shop, plenty), quantity: 2, unitPrice: 1_000 },
      { barcode: await productBarcode(t, shop, scarce), quantity: 3, unitPrice: 1_000 },
    ]);
    expect(order.status).toBe("OVERSOLD");
    expect(order.shortages).toEqual([{ productId: scarce, requested: 3, available: 1 }]);
    expect(order.allocations).toEqual([]);
    expect(await level(t, shop, scarce)).toEqual({ onHand: 1, reserved: 0 });
    expect(await level(t, shop, plenty)).toEqual({ onHand: 10, reserved: 0 });
    expect(await ledgerOf(t, shop, plenty, order.id)).toEqual([]);
  });

  test("a repeat of an OVERSOLD order does not record it twice", async () => {
    const productId = await stockedProduct(t, shop, 0);
    const externalOrderId = nextExternalId();
    const lines = [{ barcode: await productBarcode(t, shop, productId), quantity: 1, unitPrice: 1_000 }];
    const first = await intake(externalOrderId, lines);
    const again = await intake(externalOrderId, lines);
    expect(again).toMatchObject({ created: false, order: { id: first.order.id, status: "OVERSOLD" } });
    expect((await ordersOf(marketplace)).filter((o) => o.externalOrderId === externalOrderId)).toHaveLength(1);
  });

  test("a set competing with its loose component is judged on their sum", async () => {
    const component = await stockedProduct(t, shop, 5);
    const other = await stockedProduct(t, shop, 10);
    const setId = await createSet(t, shop.staffToken, [{ productId: component, quantity: 2 }, { productId: other, quantity: 1 }]);
    const { order } = await intake(nextExternalId(), [
      { barcode: await productBarcode(t, shop, setId), quantity: 1, unitPrice: 40_000 },
      { barcode: await productBarcode(t, shop, component), quantity: 4, unitPrice: 1_000 },
    ]);
    expect(order.status).toBe("OVERSOLD");
    expect(order.shortages).toEqual([{ productId: component, requested: 6, available: 5 }]);
  });

  test("an operator may cancel it, which releases nothing", async () => {
    const productId = await stockedProduct(t, shop, 1);
    await intake(nextExternalId(), [{ barcode: await productBarcode(t, shop, productId), quantity: 1, unitPrice: 1_000 }]);
    const { order } = await intake(nextExternalId(), [{ barcode: await productBarcode(t, shop, productId), quantity: 1, unitPrice: 1_000 }]);
    expect(order.status).toBe("OVERSOLD");
    const cancelled = await acted(t, shop.staffToken, order.id, "cancel");
    expect(cancelled.status).toBe("CANCELLED");
    expect(await level(t, shop, productId)).toEqual({ onHand: 1, reserved: 1 });
    expect(await invariantsOk(t, shop)).toMatchObject({ ok: true });
  });
});

describe("marketplace cancellations", () => {
  test("release a known order's reservation", async () => {
    const productId = await stockedProduct(t, shop, 10);
    const externalOrderId = nextExternalId();
    await intake(externalOrderId, [{ barcode: await productBarcode(t, shop, productId), quantity: 4, unitPrice: 1_000 }]);
    const result = await t.services.orders.cancelMarketplaceOrder({ storeId: marketplace, externalOrderId });
    expect(result).toMatchObject({ outcome: "CANCELLED", order: { status: "CANCELLED" } });
    expect(await level(t, shop, productId)).toEqual({ onHand: 10, reserved: 0 });
  });

  test("a repeated cancellation does nothing", async () => {
    const productId = await stockedProduct(t, shop, 10);
    const externalOrderId = nextExternalId();
    await intake(externalOrderId, [{ barcode: await productBarcode(t, shop, productId), quantity: 4, unitPrice: 1_000 }]);
    await t.services.orders.cancelMarketplaceOrder({ storeId: marketplace, externalOrderId });
    const again = await t.services.orders.cancelMarketplaceOrder({ storeId: marketplace, externalOrderId });
    expect(again.outcome).toBe("ALREADY_CANCELLED");
    expect(await level(t, shop, productId)).toEqual({ onHand: 10, reserved: 0 });
  });

  test("an unknown order is a no-op", async () => {
    expect(await t.services.orders.cancelMarketplaceOrder({ storeId: marketplace, externalOrderId: "never-seen" })).toEqual({ outcome: "UNKNOWN" });
  });

  test("a shipped order cannot be cancelled: 409 INVALID_TRANSITION", async () => {
    const productId = await stockedProduct(t, shop, 10);
    const externalOrderId = nextExternalId();
    const { order } = await intake(externalOrderId, [{ barcode: await productBarcode(t, shop, productId), quantity: 1, unitPrice: 1_000 }]);
    await acted(t, shop.staffToken, order.id, "confirm");
    await acted(t, shop.staffToken, order.id, "ship");
    const error = await rejection(t.services.orders.cancelMarketplaceOrder({ storeId: marketplace, externalOrderId }));
    expect(error).toMatchObject({ status: 409, code: "INVALID_TRANSITION" });
  });
});

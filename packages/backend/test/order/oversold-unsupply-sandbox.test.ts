/**
 * An OVERSOLD Trendyol order filled in part, end to end on the sandbox: 3 units ordered with stock
 * for 1; staff give up 2 (OUT_OF_STOCK) and the last one is reserved; the worker sends the
 * unsupplied call through the real port, the sandbox cancels the old package with the reason and
 * puts the unit left in a new package; the next pulls map both packages onto the one order, which
 * keeps 1 reserved and releases nothing twice; stock, ledger and invariants balance; and another
 * Trendyol store listing the product is pushed what is left, then what a staff cancel releases.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../support/app";
import type { Json } from "../support/http";
import { manualClock } from "./commands-support";
import { type IntakeShop, intakeShop, level, listedProduct, type MarketStore, marketplaceOrder, ordersFor, shownQuantity } from "./intake-support";
import { drain, packageSummary, pullUntilTaken, sandboxOrder, sandboxWorker } from "./sandbox-commands-support";
import { acted, invariantsOk, ledgerOf } from "./support";

let t: TestApp;
let shop: IntakeShop;
let storeA: MarketStore;
let storeB: MarketStore;
beforeAll(async () => {
  t = await createTestApp({ label: "order-oversold-unsupply", env: { ORDER_PULL_QUOTA: "off" } });
  shop = await intakeShop(t, 2);
  [storeA, storeB] = shop.stores as [MarketStore, MarketStore];
});
afterAll(() => t.close());

/** Pushes every dirty mark and reads the results, so the sandbox shows what we computed. */
async function syncEverywhere(): Promise<void> {
  await t.services.sync.flushAll();
  await t.services.sync.pollReceipts();
}

const asShop = () => ({ staffToken: shop.staffToken }) as Parameters<typeof invariantsOk>[1];

describe("an OVERSOLD Trendyol order: 2 of 3 units given up, 1 filled", () => {
  test("the sandbox shows the unsupplied units with the reason and the new package; our one order maps both; stock, ledger and the other store agree", async () => {
    // No push before the order: Trendyol refuses a body it took in the last 15 minutes, and the store
    // shows 1, then 0, then 1 again below (the sync's own tests cover that refusal).
    const { productId, barcode } = await listedProduct(t, shop, 1);

    const { orderNumber, packageId } = await marketplaceOrder(shop, storeA, [{ barcode, quantity: 3, unitPrice: 4_000 }]);
    const [orderId] = await pullUntilTaken(t, storeA, [orderNumber]);
    if (!orderId) throw new Error("not taken in");
    const taken = (await ordersFor(t, shop, storeA, packageId))[0] as Json;
    expect(taken).toMatchObject({ status: "OVERSOLD", shortages: [{ productId, requested: 3, available: 1 }] });
    expect(await level(t, shop, productId)).toEqual({ onHand: 1, reserved: 0 });

    // Staff give up the 2 units they cannot supply: the last one is reserved, the order leaves OVERSOLD.
    const filled = await acted(t, shop.staffToken, orderId, "unsupply", { lines: [{ barcode, quantity: 2 }], reason: "OUT_OF_STOCK" });
    expect(filled).toMatchObject({ status: "CREATED", shortages: null, items: [{ quantity: 3, cancelledQuantity: 2 }] });
    expect(filled.commands).toMatchObject([{ kind: "UNSUPPLY", state: "PENDING", lines: [{ lineNo: 1, quantity: 2 }] }]);
    expect(await level(t, shop, productId)).toEqual({ onHand: 1, reserved: 1 });
    await syncEverywhere();
    expect(await shownQuantity(shop, storeB, barcode)).toBe(0);

    // The worker sends it through the Trendyol port: accepted, then observed applied.
    const clock = manualClock();
    await drain(t, sandboxWorker(t, clock), clock, [orderId]);
    const shown = await sandboxOrder(shop, storeA, orderNumber);
    expect(packageSummary(shown)).toEqual([
      ["Cancelled", 500, [[barcode, 2]]],
      ["Created", null, [[barcode, 1]]],
    ]);
    expect(shown.commandCalls).toEqual({ UNSUPPLIED: 1 });
    const newPackage = String(shown.packages.find((p) => p.status === "Created")?.shipmentPackageId);
    expect(newPackage).not.toBe(packageId);

    // The next pulls read the old package Cancelled and the new one: one order holding both, 1 reserved, nothing released twice.
    for (let pull = 0; pull < 2; pull++) {
      await pullUntilTaken(t, storeA, [orderNumber]);
      const orders = await ordersFor(t, shop, storeA, orderNumber);
      expect(orders.map((o) => o.id)).toEqual([orderId]);
      const order = orders[0] as Json;
      expect(order.status).toBe("CREATED");
      expect(order.packages.map((p: Json) => [p.packageId, p.status]).sort()).toEqual(
        [
          [packageId, "Cancelled"],
          [newPackage, "Created"],
        ].sort(),
      );
      expect(await level(t, shop, productId)).toEqual({ onHand: 1, reserved: 1 });
    }
    expect((await ledgerOf(t, asShop() as never, productId, orderId)).map((m: Json) => [m.kind, m.reservedAfter])).toEqual([["RESERVE", 1]]);
    expect(await invariantsOk(t, asShop())).toMatchObject({ ok: true });
    await syncEverywhere();
    expect(await shownQuantity(shop, storeB, barcode)).toBe(0);

    // Staff cancel the rest: the CANCEL goes to the new package; the released unit reaches the other store.
    const cancelled = await acted(t, shop.staffToken, orderId, "cancel", { reason: "OUT_OF_STOCK" });
    expect(cancelled.status).toBe("CANCELLED");
    await drain(t, sandboxWorker(t, clock), clock, [orderId]);
    const after = await sandboxOrder(shop, storeA, orderNumber);
    expect(packageSummary(after)).toEqual([
      ["Cancelled", 500, [[barcode, 1]]],
      ["Cancelled", 500, [[barcode, 2]]],
    ]);
    expect(after.packages.find((p) => String(p.shipmentPackageId) === newPackage)?.status).toBe("Cancelled");
    expect(after.commandCalls).toEqual({ UNSUPPLIED: 2 });
    await pullUntilTaken(t, storeA, [orderNumber]);
    expect(await level(t, shop, productId)).toEqual({ onHand: 1, reserved: 0 });
    expect((await ledgerOf(t, asShop() as never, productId, orderId)).map((m: Json) => [m.kind, m.reservedAfter])).toEqual([
      ["RESERVE", 1],
      ["RELEASE", 0],
    ]);
    expect(await invariantsOk(t, asShop())).toMatchObject({ ok: true });
    await syncEverywhere();
    expect(await shownQuantity(shop, storeB, barcode)).toBe(1);
  }, 120_000);
});

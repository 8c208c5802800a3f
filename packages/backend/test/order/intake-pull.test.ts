import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../support/app";
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
  shownQuantity,
} from "./intake-support";

let t: TestApp;
let shop: IntakeShop;
let storeA: MarketStore;
let storeB: MarketStore;
beforeAll(async () => {
  // These tests pull one Trendyol store many times a second, over its order quota (21 a minute):
  // the quota's pacing is pull-schedule.test.ts's, here every pull reads.
  t = await createTestApp({ label: "intake-pull", env: { ORDER_PULL_QUOTA: "off" } });
  shop = await intakeShop(t, 2);
  [storeA, storeB] = shop.stores as [MarketStore, MarketStore];
});
afterAll(() => t.close());

const pull = (store: MarketStore) => t.services.orderIntake.pullStore(store.storeId);

async function outcomesOf(store: MarketStore) {
  const report = await pull(store);
  if (!report.pulled) throw new Error(`store not pulled: ${report.reason}`);
  return report.outcomes;
}

/** Pushes every dirty mark and reads the results, so the sandbox shows what we computed. */
async function syncEverywhere(): Promise<void> {
  await t.services.sync.flushAll();
  await t.services.sync.pollReceipts();
}

/** The other store of this Trendyol shop; intake-everywhere.test.ts follows a release to all five marketplaces. */
function otherMarketplaces(): { name: string; shown: (barcode: string) => Promise<number | undefined> }[] {
  return [{ name: "TRENDYOL seller B", shown: (barcode) => shownQuantity(shop, storeB, barcode) }];
}

describe("pulling marketplace orders", () => {
  test("the same order pulled twice and delivered by webhook is recorded once", async () => {
    const { productId, barcode } = await listedProduct(t, shop, 10);
    const { packageId, payload } = await marketplaceOrder(shop, storeA, [{ barcode, quantity: 2, unitPrice: 12_990 }]);

    expect((await outcomesOf(storeA)).created).toBe(1);
    expect((await outcomesOf(storeA)).duplicate).toBeGreaterThanOrEqual(1);
    expect((await deliver(t, storeA.storeId, payload)).status).toBe(200);

    const recorded = await ordersFor(t, shop, storeA, packageId);
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({ status: "CREATED", total: 25_980, items: [{ productId, quantity: 2, unitPrice: 12_990 }] });
    expect(await level(t, shop, productId)).toEqual({ onHand: 10, reserved: 2 });
  });

  test("packages in Trendyol's legacy field names are taken in the same way", async () => {
    const { productId, barcode } = await listedProduct(t, shop, 5);
    const { packageId } = await marketplaceOrder(shop, storeA, [{ barcode, quantity: 1, unitPrice: 5_000 }], "legacy");
    expect((await outcomesOf(storeA)).created).toBe(1);
    expect(await ordersFor(t, shop, storeA, packageId)).toHaveLength(1);
    expect(await level(t, shop, productId)).toEqual({ onHand: 5, reserved: 1 });
  });

  test("an order for stock already sold on another marketplace becomes OVERSOLD", async () => {
    const { productId, barcode } = await listedProduct(t, shop, 1);
    await marketplaceOrder(shop, storeB, [{ barcode, quantity: 1, unitPrice: 1_000 }]);
    const late = await marketplaceOrder(shop, storeA, [{ barcode, quantity: 1, unitPrice: 1_000 }]);

    expect((await outcomesOf(storeB)).created).toBe(1);
    expect((await outcomesOf(storeA)).oversold).toBe(1);
    const [oversold] = await ordersFor(t, shop, storeA, late.packageId);
    expect(oversold?.status).toBe("OVERSOLD");
    expect(oversold?.shortages).toEqual([expect.objectContaining({ productId })]);
    expect(await level(t, shop, productId)).toEqual({ onHand: 1, reserved: 1 });
  });

  test("a marketplace cancellation releases the stock and every other marketplace shows it again", async () => {
    const { productId, barcode } = await listedProduct(t, shop, 5);
    const { packageId } = await marketplaceOrder(shop, storeA, [{ barcode, quantity: 2, unitPrice: 2_000 }]);
    expect((await outcomesOf(storeA)).created).toBe(1);
    await syncEverywhere();
    for (const other of otherMarketplaces()) expect({ [other.name]: await other.shown(barcode) }).toEqual({ [other.name]: 3 });

    await marketplaceCancel(shop, storeA, packageId);
    expect((await outcomesOf(storeA)).cancelled).toBe(1);
    expect(await level(t, shop, productId)).toEqual({ onHand: 5, reserved: 0 });
    expect((await ordersFor(t, shop, storeA, packageId))[0]?.status).toBe("CANCELLED");

    await syncEverywhere();
    for (const other of otherMarketplaces()) expect({ [other.name]: await other.shown(barcode) }).toEqual({ [other.name]: 5 });
    expect(await shownQuantity(shop, storeA, barcode)).toBe(5);
  });

  test("a cancellation seen before its order is recorded cancelled and the order reserves nothing later", async () => {
    const { productId, barcode } = await listedProduct(t, shop, 4);
    const { packageId, payload } = await marketplaceOrder(shop, storeA, [{ barcode, quantity: 3, unitPrice: 1_000 }]);
    await marketplaceCancel(shop, storeA, packageId);

    expect((await outcomesOf(storeA)).cancelled).toBe(1);
    // Trendyol retries webhooks for a long time: the "Created" delivery can come after.
    expect((await deliver(t, storeA.storeId, payload)).status).toBe(200);

    const recorded = await ordersFor(t, shop, storeA, packageId);
    expect(recorded.map((o) => o.status)).toEqual(["CANCELLED"]);
    expect(await level(t, shop, productId)).toEqual({ onHand: 4, reserved: 0 });
  });

  test("a shipped order seen for the first time still consumes its stock", async () => {
    const { productId, barcode } = await listedProduct(t, shop, 3);
    const { packageId } = await marketplaceOrder(shop, storeA, [{ barcode, quantity: 1, unitPrice: 1_000 }]);
    const res = await fetch(`${shop.sandbox.url}/__sandbox/sellers/${storeA.sellerId}/orders/${packageId}/status`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ status: "Shipped" }),
    });
    expect(res.status).toBe(200);
    expect((await outcomesOf(storeA)).created).toBe(1);
    // Taken in, then shipped as the package says: the unit left the warehouse (marketplace-progress.test.ts).
    expect((await ordersFor(t, shop, storeA, packageId))[0]?.status).toBe("SHIPPED");
    expect(await level(t, shop, productId)).toEqual({ onHand: 2, reserved: 0 });
  });

  test("stores that cannot be pulled are skipped with a reason", async () => {
    const report = await t.services.orderIntake.pullStore("0b0e7a8e-0000-4000-8000-000000000000");
    expect(report).toEqual({ storeId: "0b0e7a8e-0000-4000-8000-000000000000", pulled: false, reason: "not_found" });
    const all = await t.services.orderIntake.pullAll();
    expect(all.map((r) => r.storeId).sort()).toEqual([storeA.storeId, storeB.storeId].sort());
  });
});

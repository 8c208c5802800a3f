import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createClaimPull, claimPullLockKey } from "../../src/domains/returns/claim-pull";
import { createLogger } from "../../src/infra/logger";
import { createTestApp, type TestApp } from "../support/app";
import { createStore } from "../support/catalog";
import { claimOf, type TestClaimsPort, testClaimsPort } from "../support/claims-port";
import { bodyOf, type Json } from "../support/http";
import { get } from "../support/identity";
import { openShop, type Shop, stockedProduct } from "../order/support";
import { marketplaceStore, shippedMarketplaceOrder } from "./support";

let t: TestApp;
let shop: Shop;
beforeAll(async () => {
  t = await createTestApp({ label: "returns-claim-pull" });
  shop = await openShop(t);
});
afterAll(() => t.close());

const OVERLAP_MS = 60_000;

function pullWith(port: TestClaimsPort | undefined, clock: { at: number }, pageBudget = 5) {
  return createClaimPull({
    db: t.infra.database.db,
    locks: t.infra.locks,
    log: createLogger({ level: "silent", pretty: false }),
    stores: t.services.stores,
    portFor: async () => port,
    recordClaim: (storeId, claim) => t.services.returns.recordClaim(storeId, claim),
    rematchWaiting: (storeId) => t.services.returns.rematchWaitingClaims(storeId),
    settings: { overlapMs: OVERLAP_MS, pageBudget },
    now: () => clock.at,
  });
}

async function claimsOf(storeId: string): Promise<Json[]> {
  return (await bodyOf(await get(t, `/api/v1/returns?storeId=${storeId}&limit=100`, shop.staffToken))).items;
}

/** A store with two shipped orders and three claims over two pages. */
async function storeWithClaims() {
  const storeId = await marketplaceStore(t, shop);
  const productId = await stockedProduct(t, shop, 10);
  const one = await shippedMarketplaceOrder(t, shop, storeId, productId, 2);
  const two = await shippedMarketplaceOrder(t, shop, storeId, productId, 1);
  const pages = [
    [claimOf(one.number, [{ barcode: one.barcode, quantity: 1 }]), claimOf(two.number, [{ barcode: two.barcode, quantity: 1 }])],
    [claimOf("TY-UNKNOWN-ORDER", [{ barcode: one.barcode, quantity: 1 }])],
  ];
  return { storeId, pages };
}

describe("the claims pull", () => {
  test("reads every page, records each claim once, and moves the watermark to the window's end", async () => {
    const { storeId, pages } = await storeWithClaims();
    const port = testClaimsPort({ pages });
    const clock = { at: Date.parse("2026-12-06T12:00:00.000Z") };
    const first = await pullWith(port, clock).pullStore(storeId);
    expect(first).toMatchObject({ pulled: true, pages: 2, complete: true, outcomes: { CREATED: 3 }, watermark: "2026-12-06T12:00:00.000Z" });
    expect(port.asked.map((w) => w.page)).toEqual([undefined, "1"]);
    const recorded = await claimsOf(storeId);
    expect(recorded).toHaveLength(3);
    expect(recorded.filter((r) => r.status === "NEEDS_ATTENTION").map((r) => r.claim.orderNumber)).toEqual(["TY-UNKNOWN-ORDER"]);

    clock.at += 600_000;
    port.asked.length = 0;
    const second = await pullWith(port, clock).pullStore(storeId);
    // A Trendyol store lists claims by creation date: the open claims (recorded before this clock's window) are read again too.
    expect(second).toMatchObject({ pulled: true, complete: true, pages: 2, reread: 2, outcomes: { UNCHANGED: 6 } });
    // From the watermark less the overlap, up to now.
    expect(port.asked[0]?.since.toISOString()).toBe(new Date(Date.parse("2026-12-06T12:00:00.000Z") - OVERLAP_MS).toISOString());
    expect(port.asked[0]?.until.toISOString()).toBe(new Date(clock.at).toISOString());
    expect(await claimsOf(storeId)).toHaveLength(3);
  });

  test("a failed page keeps the watermark: the next run reads the same window again", async () => {
    const { storeId, pages } = await storeWithClaims();
    const port = testClaimsPort({ pages });
    port.failing.add(1);
    const clock = { at: Date.parse("2026-12-06T12:00:00.000Z") };
    await expect(pullWith(port, clock).pullStore(storeId)).rejects.toThrow("page 1 failed");
    expect(await claimsOf(storeId)).toHaveLength(2);
    port.failing.clear();
    port.asked.length = 0;
    clock.at += 60_000;
    const again = await pullWith(port, clock).pullStore(storeId);
    expect(again).toMatchObject({ pulled: true, complete: true, outcomes: { UNCHANGED: 2, CREATED: 1 } });
    // The first window's start again (the store's creation less the overlap): the watermark never moved.
    expect(port.asked[0]?.since.getTime()).toBeLessThan(Date.parse("2026-12-06T12:00:00.000Z") - OVERLAP_MS);
  });

  test("a run past its page budget records what it read and leaves the watermark", async () => {
    const { storeId, pages } = await storeWithClaims();
    const report = await pullWith(testClaimsPort({ pages }), { at: Date.now() }, 1).pullStore(storeId);
    expect(report).toMatchObject({ pulled: true, pages: 1, complete: false, outcomes: { CREATED: 2 } });
    expect(await claimsOf(storeId)).toHaveLength(2);
  });

  test("a claim kept without its order finds it on a later run, though the marketplace does not list it again", async () => {
    const storeId = await marketplaceStore(t, shop);
    const productId = await stockedProduct(t, shop, 10);
    const barcode = (await bodyOf(await get(t, `/api/v1/catalog/products/${productId}`, shop.staffToken))).barcode;
    const number = `TY-LATER-${Math.random().toString(36).slice(2, 8)}`;
    const port = testClaimsPort({ pages: [[claimOf(number, [{ barcode, quantity: 1 }])]] });
    const clock = { at: Date.now() };
    expect(await pullWith(port, clock).pullStore(storeId)).toMatchObject({ outcomes: { CREATED: 1 }, rematched: 0 });
    expect((await claimsOf(storeId))[0]).toMatchObject({ status: "NEEDS_ATTENTION", orderId: null });
    const { order } = await t.services.orders.intakeMarketplaceOrder({ storeId, externalOrderId: number, lines: [{ barcode, quantity: 1, unitPrice: 9_900 }], currency: "TRY" });
    port.pages = [[]];
    clock.at += 60_000;
    expect(await pullWith(port, clock).pullStore(storeId)).toMatchObject({ pulled: true, outcomes: {}, rematched: 1 });
    const [matched] = await claimsOf(storeId);
    expect(matched).toMatchObject({ status: "REQUESTED", orderId: order.id, attentionReasons: [] });
    expect(matched.lines).toEqual([expect.objectContaining({ productId, quantityClaimed: 1, attention: null })]);
    expect(JSON.parse(matched.claim.raw)).toMatchObject({ orderNumber: number });
  });

  test("a store another replica is pulling is skipped", async () => {
    const { storeId, pages } = await storeWithClaims();
    const port = testClaimsPort({ pages });
    const report = await t.infra.locks.withLocks([claimPullLockKey(storeId)], () => pullWith(port, { at: Date.now() }).pullStore(storeId));
    expect(report).toEqual({ storeId, pulled: false, reason: "locked" });
    expect(port.asked).toEqual([]);
  });

  test("web stores, and stores whose adapter lists no claims, are not pulled", async () => {
    const pull = pullWith(undefined, { at: Date.now() });
    expect(await pull.pullStore(shop.storeId)).toMatchObject({ pulled: false, reason: "web" });
    const storeId = await createStore(t, shop.adminToken, { type: "TRENDYOL", sellerId: "7777", warehouseIds: [shop.warehouseId] });
    expect(await pull.pullStore(storeId)).toMatchObject({ pulled: false, reason: "no_claim_pull" });
  });
});

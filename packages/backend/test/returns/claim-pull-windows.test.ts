/**
 * The claims pull's budget and windows: pages paid from the store's claims buckets (none left: the
 * run stops, the watermark stays), creation-dated lists (Trendyol) re-read back to the oldest claim
 * still open, and the claims metrics.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Registry } from "prom-client";
import { createTrendyolAdapter } from "../../src/domains/marketplace/trendyol/adapter";
import { createClaimMetrics } from "../../src/domains/returns/claim-metrics";
import { createClaimQuota } from "../../src/domains/returns/claim-quota";
import { createRateLimiter } from "../../src/domains/stock-sync/token-bucket";
import { createClaimPull, type ClaimQuota } from "../../src/domains/returns/claim-pull";
import { createLogger } from "../../src/infra/logger";
import { createTestApp, type TestApp } from "../support/app";
import { claimOf, type TestClaimsPort, testClaimsPort } from "../support/claims-port";
import { openShop, type Shop, stockedProduct } from "../order/support";
import { marketplaceStore, returnsWithPort, shippedMarketplaceOrder } from "./support";

let t: TestApp;
let shop: Shop;
beforeAll(async () => {
  t = await createTestApp({ label: "returns-claim-windows" });
  shop = await openShop(t);
});
afterAll(() => t.close());

const OVERLAP_MS = 60_000;
const DAY = 24 * 60 * 60_000;

function pullWith(port: TestClaimsPort, clock: { at: number }, extra: { quota?: ClaimQuota; registry?: Registry } = {}) {
  return createClaimPull({
    db: t.infra.database.db,
    locks: t.infra.locks,
    log: createLogger({ level: "silent", pretty: false }),
    stores: t.services.stores,
    portFor: async () => port,
    recordClaim: (storeId, claim) => t.services.returns.recordClaim(storeId, claim),
    settings: { overlapMs: OVERLAP_MS, pageBudget: 5 },
    ...(extra.quota ? { quota: extra.quota } : {}),
    ...(extra.registry ? { metrics: createClaimMetrics(extra.registry) } : {}),
    now: () => clock.at,
  });
}

async function storeWithClaims() {
  const storeId = await marketplaceStore(t, shop);
  const productId = await stockedProduct(t, shop, 10);
  const one = await shippedMarketplaceOrder(t, shop, storeId, productId, 2);
  const pages = [[claimOf(one.number, [{ barcode: one.barcode, quantity: 1 }])], [claimOf("TY-NOT-OURS", [{ barcode: one.barcode, quantity: 1 }])]];
  return { storeId, pages };
}

describe("the claims pull's budget", () => {
  test("stops when the store's claims buckets give no token: incomplete, throttled, the watermark kept for the next run", async () => {
    const { storeId, pages } = await storeWithClaims();
    const port = testClaimsPort({ pages });
    let tokens = 1;
    const quota: ClaimQuota = async () => (tokens-- > 0 ? { granted: true, waitMs: 0 } : { granted: false, waitMs: 500 });
    const clock = { at: Date.now() };
    const first = await pullWith(port, clock, { quota }).pullStore(storeId);
    expect(first).toMatchObject({ pulled: true, pages: 1, complete: false, throttled: true, outcomes: { CREATED: 1 } });
    tokens = 10;
    clock.at += 60_000;
    port.asked.length = 0;
    const second = await pullWith(port, clock, { quota }).pullStore(storeId);
    expect(second).toMatchObject({ pulled: true, pages: 2, complete: true, throttled: false });
    // The same window start again: nothing listed in the first run's window was skipped.
    const store = await t.services.stores.findStore(storeId);
    expect(port.asked[0]?.since.toISOString()).toBe(new Date(Date.parse(store?.createdAt ?? "") - OVERLAP_MS).toISOString());
  });
});

describe("the claims quota", () => {
  test("pays into the store's buckets for the profile's claims group, in the KeyValueStore: a 2-per-minute group (its share held back, as for every bucket) grants one page, then waits", async () => {
    const { storeId, pages } = await storeWithClaims();
    const adapter = createTrendyolAdapter({ baseUrl: "https://apigw.trendyol.com", sellerId: "1", apiKey: "k", apiSecret: "s" });
    const profile = { ...adapter.profile, rateLimits: [{ group: "claims", requests: 2, perMs: 60_000 }] };
    const clock = { at: Date.now() };
    const quota = createClaimQuota(async (id) => ({ storeId: id, marketplace: "TRENDYOL", profile }), createRateLimiter(t.infra.kv, { now: () => clock.at }));
    const port = testClaimsPort({ pages: [...pages, []] });
    const first = await pullWith(port, clock, { quota }).pullStore(storeId);
    expect(first).toMatchObject({ pulled: true, pages: 1, complete: false, throttled: true });
    // Another replica's pull of the same store spends the same buckets.
    expect(await quota(storeId)).toMatchObject({ granted: false });
    clock.at += 60_000;
    const refilled = await pullWith(port, clock, { quota }).pullStore(storeId);
    expect(refilled.pulled && refilled.pages).toBeGreaterThanOrEqual(1);
  });
});

describe("a claim list filtered on creation dates (a Trendyol store)", () => {
  test("without a by-id read (as for Hepsiburada), the window is re-read back to the oldest claim still open, the watermark unmoved; decided claims end the re-read", async () => {
    const { storeId, pages } = await storeWithClaims();
    const port = testClaimsPort({ pages });
    const registry = new Registry();
    const clock = { at: Date.now() };
    await pullWith(port, clock, { registry }).pullStore(storeId);
    clock.at += DAY;
    await pullWith(port, clock).pullStore(storeId);
    clock.at += DAY;
    port.asked.length = 0;
    const third = await pullWith(port, clock).pullStore(storeId);
    expect(third).toMatchObject({ pulled: true, complete: true, watermark: new Date(clock.at).toISOString() });
    if (!third.pulled) throw new Error("not pulled");
    expect(third.reread).toBe(2);
    // Main window from the last watermark, then the re-read from the open claims' recording up to where the main window starts.
    const [main, reread] = [port.asked[0], port.asked[2]];
    expect(main?.since.toISOString()).toBe(new Date(clock.at - DAY - OVERLAP_MS).toISOString());
    expect(reread?.until.toISOString()).toBe(main?.since.toISOString());
    expect(reread && clock.at - 2 * DAY - reread.since.getTime()).toBeGreaterThanOrEqual(OVERLAP_MS - 5_000);

    const text = await registry.getSingleMetricAsString("returns_claims_recorded_total");
    expect(text).toContain('returns_claims_recorded_total{marketplace="TRENDYOL",outcome="CREATED"} 2');

    // Once no claim is open and undecided here, nothing is re-read.
    for (const ret of (await t.services.returns.listReturns({ storeId }, { page: 1, limit: 10, offset: 0 })).items) {
      if (ret.orderId) await returnsWithPort(t, port).approve(null, ret.id);
    }
    port.pages = [[claimOf("TY-NOT-OURS", [{ barcode: "x", quantity: 1 }], { claimId: pages[1]?.[0]?.claimId, state: "APPROVED" })]];
    await pullWith(port, clock).pullStore(storeId);
    clock.at += DAY;
    port.asked.length = 0;
    const later = await pullWith(port, clock).pullStore(storeId);
    expect(later).toMatchObject({ pulled: true, reread: 0 });
    expect(port.asked).toHaveLength(1);
  });

  test("a port that reads claims by id (readClaim) re-reads each open claim once instead of the window, and takes over the marketplace's decision", async () => {
    const { storeId, pages } = await storeWithClaims();
    const port = testClaimsPort({ pages });
    const clock = { at: Date.now() };
    await pullWith(port, clock).pullStore(storeId);
    const known = pages[0]?.[0];
    if (!known) throw new Error("no claim");
    const asked: string[] = [];
    const byId: TestClaimsPort = Object.assign(port, {
      readClaim: async (claimId: string) => {
        asked.push(claimId);
        return claimId === known.claimId ? { ...known, state: "APPROVED" as const, marketplaceStatus: "Accepted", lastModifiedAt: new Date(clock.at).toISOString() } : undefined;
      },
    });
    clock.at += DAY;
    await pullWith(byId, clock).pullStore(storeId);
    asked.length = 0;
    clock.at += DAY;
    port.asked.length = 0;
    // The claims were created two windows ago: only reading them by id shows their status now.
    const later = await pullWith(byId, clock).pullStore(storeId);
    // The one open claim with its order (the other waits for its order: NEEDS_ATTENTION, still OPEN too).
    expect(later).toMatchObject({ pulled: true, complete: true, reread: 2 });
    expect(asked.sort()).toEqual(pages.flat().map((c) => c.claimId).sort());
    expect(port.asked).toHaveLength(2);
    const returns = (await t.services.returns.listReturns({ storeId }, { page: 1, limit: 10, offset: 0 })).items;
    expect(returns.find((r) => r.claim?.claimId === known.claimId)).toMatchObject({ decision: "APPROVED", claim: expect.objectContaining({ state: "APPROVED" }) });
  });

  test("the needing-attention gauge counts the store's returns waiting for staff", async () => {
    const { storeId, pages } = await storeWithClaims();
    const registry = new Registry();
    const pull = pullWith(testClaimsPort({ pages }), { at: Date.now() }, { registry });
    await pull.pullStore(storeId);
    await pull.refreshGauges();
    expect(await registry.getSingleMetricAsString("returns_needing_attention")).toContain(`returns_needing_attention{store_id="${storeId}"} 1`);
  });
});

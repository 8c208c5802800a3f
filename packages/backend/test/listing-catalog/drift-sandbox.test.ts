/**
 * The drift check end to end on every marketplace, with the real adapters reading the sandbox's
 * catalog: the marketplace changes a shown quantity behind our back, a staff member asks for a
 * check, the job worker finds the drift (and skips a listing with a newer mark and one with a
 * pending receipt), and the next flush restores the quantity. A quantity shown higher than told is
 * a drift at once; a lower one only once a check the confirm time later still sees it, so a sale
 * the order pull has not taken in yet is never "restored" into an oversell. On Trendyol and PttAVM the restore
 * of a listing pushed alone is byte for byte the body sent minutes before, which they refuse
 * inside their identical-body windows: the restore carries the prices the read showed, and goes.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startSandbox, type RunningSandbox } from "@pazarsync/marketplace-sandbox";
import { MarketplaceDuplicateRequest } from "../../src/domains/marketplace/service";
import type { StockSync } from "../../src/domains/stock-sync/service";
import type { AdapterProfile } from "../../src/domains/marketplace/types";
import { createTestApp, type TestApp } from "../support/app";
import { addStock } from "../support/catalog";
import { bodyOf, type Json } from "../support/http";
import { admin, get, sendJson, staff } from "../support/identity";
import { MARKETPLACES, orderOn, type SandboxMarketplace } from "../support/marketplaces";
import { setShownQuantity } from "../marketplace/catalog-support";
import { engineOnClock, testClock, type TestClock } from "../stock-sync/behaviour-support";
import { type DriftShop, driftShop, driftTotal, FOREIGN, flushed, lastPushed, list, shownPrices, shownQuantity, type Tokens } from "./drift-sandbox-support";

let t: TestApp;
let sandbox: RunningSandbox;
let engine: StockSync;
let tokens: Tokens;
// The marketplace's clock and our engine's, ten minutes behind the drift check's wall clock: every
// send happens "before" the check started (a later one would be skipped as in flight), and stepping
// it lets Pazarama's 10-second write spacing pass without waiting.
const clock: TestClock = testClock();
clock.advance(-10 * 60_000);
// The jobs' clock (the drift check's reads and the job rows): wall time, stepped past the confirm
// time when a lower shown quantity is to be confirmed.
const jobsClock: TestClock = testClock();
const run = Math.random().toString(36).slice(2, 7).toUpperCase();
/** Per marketplace, what the check cost and how long a restore took (printed with DRIFT_MEASURE=1). */
const measured: Record<string, unknown>[] = [];

beforeAll(async () => {
  t = await createTestApp({ label: "drift-sandbox", env: { SYNC_POLL_DELAY_MS: "0", ORDER_PULL_QUOTA: "off" }, jobsNow: jobsClock.now });
  tokens = { staff: (await staff(t)).tokens.accessToken, admin: (await admin(t)).tokens.accessToken };
  const accounts = MARKETPLACES.flatMap((m) => [accountOf(m, 1), accountOf(m, 2), accountOf(m, 3)]);
  const others = accounts.filter((m) => m.type !== "TRENDYOL");
  sandbox = await startSandbox({
    resultDelayMs: 0,
    now: clock.now,
    sellers: accounts.filter((m) => m.type === "TRENDYOL").map((m) => ({ sellerId: m.account, apiKey: m.key, apiSecret: m.secret })),
    accounts: Object.fromEntries(MARKETPLACES.filter((m) => m.type !== "TRENDYOL").map((m) => [m.type, others.filter((a) => a.type === m.type).map((a) => ({ account: a.account, key: a.key, secret: a.secret }))])),
  });
  engine = engineOnClock(t, clock);
}, 60_000);

afterAll(async () => {
  // DRIFT_MEASURE=1 prints what each check cost: reads made, wall time from the request to the restore shown.
  if (process.env.DRIFT_MEASURE === "1") console.info(JSON.stringify(measured, null, 1));
  sandbox?.state.trendyolWebhooks.stop();
  await sandbox?.stop();
  await t?.close();
});

/** Each test's own account on the marketplace (N11 finds an account by its key: each has its own). */
function accountOf(m: SandboxMarketplace, n: number): SandboxMarketplace {
  const key = `${m.key}-${n}`;
  const credentials = Object.fromEntries(Object.entries(m.credentials).map(([name, value]) => [name, value === m.key ? key : value]));
  return { ...m, account: `${m.account}-${n}`, key, credentials };
}

const requestsOf = (m: SandboxMarketplace) => sandbox.state.requests().filter((r) => r.marketplace === m.type && r.sellerId === m.account);

/** The stock writes the marketplace received (the ones whose bodies it compares). */
const writesOf = (m: SandboxMarketplace) => requestsOf(m).filter((r) => r.bodyHash !== undefined);

/** Staff asks for a check; the job worker runs it; answers the job as GET /api/v1/jobs/:id shows it, and what it cost. */
async function driftCheck(shop: DriftShop): Promise<{ job: Json; requests: { method: string; path: string; status: number | null }[]; startedAt: number }> {
  const before = requestsOf(shop.m).length;
  const startedAt = performance.now();
  const res = await sendJson(t, "POST", `/api/v1/stores/${shop.storeId}/listings/drift-check`, undefined, tokens.staff);
  expect(res.status).toBe(202);
  const { jobId } = await bodyOf(res);
  expect(res.headers.get("location")).toBe(`/api/v1/jobs/${jobId}`);
  await t.services.jobWorker.runOnce();
  await t.services.jobWorker.idle();
  const job = await bodyOf(await get(t, `/api/v1/jobs/${jobId}`, tokens.staff));
  const requests = requestsOf(shop.m).slice(before).map((r) => ({ method: r.method, path: r.path.split("?")[0] ?? r.path, status: r.status }));
  return { job, requests, startedAt };
}

async function storeStatus(storeId: string): Promise<Json> {
  const status = await bodyOf(await get(t, "/api/v1/stock-sync/status", tokens.staff));
  return (status.stores as Json[]).find((s) => s.storeId === storeId);
}

for (const template of MARKETPLACES) {
  describe(`a drift on ${template.type}`, () => {
    test("is found by the check with the marketplace's own read, the marked and pending listings skipped, and the next flush restores it", async () => {
      const m = accountOf(template, 1);
      const shop = await driftShop(t, tokens, sandbox, m, run);
      const { steady, drifted, marked, pending } = shop;
      // Pushed and confirmed: three listings in one body, then the drifted one alone at 20.
      await list(t, tokens, shop, steady, marked, pending);
      await flushed(engine, clock, shop.storeId);
      await engine.pollReceipts();
      await list(t, tokens, shop, drifted);
      await flushed(engine, clock, shop.storeId);
      await engine.pollReceipts();
      expect(Object.fromEntries(await lastPushed(t, tokens, shop.storeId))).toEqual({ [steady.id]: 11, [drifted.id]: 20, [marked.id]: 9, [pending.id]: 10 });
      expect(await shownQuantity(sandbox, shop, drifted)).toBe(20);
      const pricesBefore = await shownPrices(sandbox, shop, drifted);

      // A change sent, its receipt not yet polled (the marketplace shows 12, confirmed is 10)...
      expect((await addStock(t, tokens.staff, shop.shelfId, pending.id, 2)).status).toBe(200);
      await flushed(engine, clock, shop.storeId);
      // ...a change marked, not flushed, while the seller panel shows yet another number...
      expect((await addStock(t, tokens.staff, shop.shelfId, marked.id, 3)).status).toBe(200);
      expect(await t.services.sync.buffer.isMarked(shop.storeId, marked.id)).toBe(true);
      await setShownQuantity(sandbox.url, m.type, m.account, marked.key, 1);
      // ...and behind our back the marketplace shows 25 where it confirmed 20: stock we never gave it, a drift at once.
      await setShownQuantity(sandbox.url, m.type, m.account, drifted.key, 25);
      expect(await shownQuantity(sandbox, shop, pending)).toBe(12);
      const counted = await driftTotal(t, m.type);

      const check = await driftCheck(shop);
      expect(check.job).toMatchObject({ kind: "LISTING_DRIFT_CHECK", storeId: shop.storeId, state: "SUCCEEDED", error: null });
      expect(check.job.result).toEqual({
        read: 4 + FOREIGN,
        checked: 2,
        drifted: 1,
        suspected: 0,
        skipped: { pending: 1, marked: 1, inFlight: 0, fulfilled: 0, unconfirmed: 0 },
        unmatched: FOREIGN,
      });
      expect(check.requests.length).toBeGreaterThan(0);
      expect(check.requests.filter((r) => r.status !== 200)).toEqual([]);
      expect(await driftTotal(t, m.type)).toBe(counted + 1);
      const status = await storeStatus(shop.storeId);
      expect(status).toMatchObject({ driftsFound: 1 });
      expect(status.lastDriftAt).not.toBeNull();
      expect(status.lastDriftCheckAt).toBe(check.job.finishedAt);
      const afterCheck = await lastPushed(t, tokens, shop.storeId);
      expect([afterCheck.get(drifted.id), afterCheck.get(pending.id), afterCheck.get(marked.id)]).toEqual([null, 10, 9]);

      // The next flush: the drift restored, the marked change sent; receipts confirm both.
      await flushed(engine, clock, shop.storeId);
      expect(await shownQuantity(sandbox, shop, drifted)).toBe(20);
      const restoredMs = performance.now() - check.startedAt;
      expect(await shownQuantity(sandbox, shop, marked)).toBe(12);
      await engine.pollReceipts();
      expect(Object.fromEntries(await lastPushed(t, tokens, shop.storeId))).toEqual({ [steady.id]: 11, [drifted.id]: 20, [marked.id]: 12, [pending.id]: 12 });
      expect(await shownPrices(sandbox, shop, drifted)).toEqual(pricesBefore);
      expect(writesOf(m).map((w) => w.status).filter((s) => s !== 200)).toEqual([]);
      measured.push({ marketplace: m.type, check: 1, reads: check.requests, restoredMs: Math.round(restoredMs) });
    }, 30_000);

    test("a restore that repeats the body sent seconds before goes out at once where the write can echo the shown prices (Trendyol), waits where it cannot (PttAVM), and changes no price", async () => {
      const m = accountOf(template, 2);
      const shop = await driftShop(t, tokens, sandbox, m, `${run}W`);
      const { steady, drifted, marked, pending } = shop;
      await list(t, tokens, shop, steady, marked, pending);
      await flushed(engine, clock, shop.storeId);
      await engine.pollReceipts();
      // The body the restore would repeat: the drifted listing alone at 20.
      await list(t, tokens, shop, drifted);
      await flushed(engine, clock, shop.storeId);
      const sentAt = clock.now();
      await engine.pollReceipts();
      const earlier = writesOf(m).at(-1);
      const pricesBefore = await shownPrices(sandbox, shop, drifted);
      await setShownQuantity(sandbox.url, m.type, m.account, drifted.key, 7);

      // Lower than told: only suspected by the first check, a drift once a check the confirm time later still sees it.
      const counted = await driftTotal(t, m.type);
      const first = await driftCheck(shop);
      expect(first.job.result).toMatchObject({ read: 4 + FOREIGN, checked: 4, drifted: 0, suspected: 1 });
      expect(await t.services.sync.buffer.isMarked(shop.storeId, drifted.id)).toBe(false);
      expect(await driftTotal(t, m.type)).toBe(counted);
      jobsClock.advance(t.config.listingDriftConfirmMs);
      const check = await driftCheck(shop);
      expect(check.job.result).toMatchObject({ read: 4 + FOREIGN, checked: 4, drifted: 1, suspected: 0, skipped: { pending: 0, marked: 0, inFlight: 0, fulfilled: 0, unconfirmed: 0 } });
      expect(await driftTotal(t, m.type)).toBe(counted + 1);
      const profile = await profileOf(shop);
      const writesBefore = writesOf(m).length;
      clock.advance(11_000);
      const flush = await engine.flushOne(shop.storeId);
      const restore = writesOf(m).slice(writesBefore);
      const restoredMs = performance.now() - check.startedAt;
      if (profile.duplicateWindowMs !== undefined && profile.echoesShownPrices !== true) {
        // PttAVM's write also sets a VAT rate and a discount its read does not show: no echo. The
        // restore waits for the window's end, marked, rather than being sent to be refused.
        expect(flush).toMatchObject({ outcome: "deferred", sent: 0 });
        expect(restore).toEqual([]);
        expect(await t.services.sync.buffer.isMarked(shop.storeId, drifted.id)).toBe(true);
        expect(await shownQuantity(sandbox, shop, drifted)).toBe(7);
      } else {
        // Accepted as it came: one write, no refusal, no deferral.
        expect(flush).toMatchObject({ outcome: "sent", sent: 1 });
        expect(restore.map((r) => r.status)).toEqual([200]);
        expect(await shownQuantity(sandbox, shop, drifted)).toBe(20);
        await engine.pollReceipts();
        expect((await lastPushed(t, tokens, shop.storeId)).get(drifted.id)).toBe(20);
        if (profile.duplicateWindowMs !== undefined) expect(restore[0]?.bodyHash).not.toBe(earlier?.bodyHash);
        // The body differs by the prices the read showed, written back: one price update, no price changed (below).
        if (profile.echoesShownPrices === true) expect(sandbox.state.sellers.get(m.account)?.priceUpdates.get(drifted.barcode)?.length).toBe(1);
      }
      expect(await shownPrices(sandbox, shop, drifted)).toEqual(pricesBefore);
      if (profile.duplicateWindowMs !== undefined) {
        // Inside the window: without the echo the restore is the earlier body byte for byte, and the marketplace still refuses that.
        expect(clock.now() - sentAt).toBeLessThan(profile.duplicateWindowMs);
        await expect(resendEarlier(shop)).rejects.toBeInstanceOf(MarketplaceDuplicateRequest);
        const probe = writesOf(m).at(-1);
        expect(probe).toMatchObject({ status: 400 });
        expect(probe?.bodyHash).toBe(earlier?.bodyHash);
      }
      measured.push({ marketplace: m.type, check: 2, reads: check.requests.length, outcome: flush?.outcome, restoredMs: flush?.outcome === "sent" ? Math.round(restoredMs) : null, windowMs: profile.duplicateWindowMs ?? null, sinceEarlierBodyMs: clock.now() - sentAt });
    }, 30_000);

    test("a lower shown quantity from a real sale is suspected, never drifted: the order pull takes it in and our push tells the lower value before the confirm time; the marketplace never shows more than we have", async () => {
      const m = accountOf(template, 3);
      const shop = await driftShop(t, tokens, sandbox, m, `${run}O`);
      const { steady } = shop;
      await list(t, tokens, shop, steady);
      await flushed(engine, clock, shop.storeId);
      await engine.pollReceipts();
      expect((await lastPushed(t, tokens, shop.storeId)).get(steady.id)).toBe(11);
      const counted = await driftTotal(t, m.type);

      // A buyer orders 2; the marketplace lowers what it shows at once (the sandbox's order route
      // does not play that part, so its shown-quantity route does), before our pull has seen the order.
      // The order is placed at wall time, where our pull (on the wall clock) looks for new orders,
      // not ten minutes back on the marketplace's clock; which then goes back to where it was.
      const behind = Math.max(0, Date.now() - clock.now());
      clock.advance(behind);
      await orderOn(sandbox, m, [{ barcode: steady.key, quantity: 2, unitPrice: 10_000 }]);
      clock.advance(-behind);
      await setShownQuantity(sandbox.url, m.type, m.account, steady.key, 9);
      const first = await driftCheck(shop);
      expect(first.job.result).toMatchObject({ read: 4 + FOREIGN, checked: 1, drifted: 0, suspected: 1 });
      expect(await t.services.sync.buffer.isMarked(shop.storeId, steady.id)).toBe(false);
      expect(await shownQuantity(sandbox, shop, steady)).toBe(9);

      // Within the confirm time the pull takes the order in, and the flush tells the marketplace 9.
      const report = await t.services.orderIntake.pullStore(shop.storeId);
      if (!report.pulled) throw new Error(report.reason);
      await flushed(engine, clock, shop.storeId);
      await engine.pollReceipts();
      expect((await lastPushed(t, tokens, shop.storeId)).get(steady.id)).toBe(9);
      expect(await shownQuantity(sandbox, shop, steady)).toBe(9);

      jobsClock.advance(t.config.listingDriftConfirmMs);
      const second = await driftCheck(shop);
      expect(second.job.result).toMatchObject({ read: 4 + FOREIGN, checked: 1, drifted: 0, suspected: 0 });
      expect(await driftTotal(t, m.type)).toBe(counted);
      expect(await t.services.sync.buffer.isMarked(shop.storeId, steady.id)).toBe(false);
      expect(await shownQuantity(sandbox, shop, steady)).toBe(9);
    }, 30_000);
  });
}

/** The store's adapter profile: its identical-body window and whether a write may echo shown prices. */
async function profileOf(shop: DriftShop): Promise<AdapterProfile> {
  const channel = await t.services.sync.channels.channel(shop.storeId);
  if (channel.kind !== "push") throw new Error("the store does not push");
  return channel.adapter.profile;
}

/** The restore as it would have gone without the echoed prices: the drifted listing alone at 20, sent by the store's own adapter. */
async function resendEarlier(shop: DriftShop): Promise<unknown> {
  const channel = await t.services.sync.channels.channel(shop.storeId);
  if (channel.kind !== "push") throw new Error("the store does not push");
  const stockCode = shop.m.type === "HEPSIBURADA" || shop.m.type === "N11" ? shop.drifted.sku : shop.drifted.barcode;
  return channel.adapter.pushStockAndPrice([{ barcode: shop.drifted.barcode, stockCode, quantity: 20 }]);
}

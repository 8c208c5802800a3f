/**
 * An order's stock change is flushed soon, not on the next interval: the app's order intake
 * kicks the stores (over the app's broadcast: in-process embedded, Redis pub/sub on servers) and
 * the sync worker, on a clock the test steps, flushes them after the coalescing delay, as their
 * rate limits allow. The interval here is 60 s, so "within a second" can only be the kick.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Registry } from "prom-client";
import { startSandbox, type RunningSandbox } from "@pazarsync/marketplace-sandbox";
import { createMarketplaceIntake } from "../../src/domains/order/marketplace-intake";
import { startSyncWorker } from "../../src/domains/stock-sync/jobs";
import type { StockSync } from "../../src/domains/stock-sync/service";
import type { Worker } from "../../src/domains/stock-sync/worker";
import { createLogger } from "../../src/infra/logger";
import { createTestApp, type TestApp } from "../support/app";
import { addStock, createSimple, createStore, createWarehouse, putListing } from "../support/catalog";
import { manualClock, manualTimers } from "../support/clock";
import { databaseUrl, redisUrl } from "../support/env";
import { bodyOf } from "../support/http";
import { admin, customer, get, staff } from "../support/identity";
import { newKey, placeOrder } from "../order/support";
import { cancelOn, MARKETPLACES, orderOn, type SandboxMarketplace, shownOn } from "../support/marketplaces";
import { engineOnClock, eventually } from "./behaviour-support";

const INTERVAL_MS = 60_000;
// Ahead of real time, so orders the sandbox dates on it fall inside the pull window of stores made now.
const clock = manualClock(Date.now() + 10 * 60_000);
const timers = manualTimers(clock);
const log = createLogger({ level: "silent", pretty: false });
const tokens = { staff: "", admin: "" };
const stores = new Map<SandboxMarketplace, string>();
let t: TestApp;
let engine: StockSync;
let sandbox: RunningSandbox;
let warehouse: { id: string; shelfId: string };
let intake: ReturnType<typeof createMarketplaceIntake>;
let worker: Worker;

const byType = (type: SandboxMarketplace["type"]) => MARKETPLACES.find((m) => m.type === type) as SandboxMarketplace;
const n11 = byType("N11");
const trendyol = byType("TRENDYOL");
const pazarama = byType("PAZARAMA");

beforeAll(async () => {
  t = await createTestApp({ label: "flush-soon", env: { SYNC_POLL_DELAY_MS: "0", SYNC_WORKER: "false" } });
  tokens.staff = (await staff(t)).tokens.accessToken;
  tokens.admin = (await admin(t)).tokens.accessToken;
  engine = engineOnClock(t, clock, { intervalMs: INTERVAL_MS }, { broadcast: t.infra.broadcast });
  const others = MARKETPLACES.filter((m) => m.type !== "TRENDYOL");
  sandbox = await startSandbox({
    resultDelayMs: 0,
    now: clock.now,
    sellers: [{ sellerId: trendyol.account, apiKey: trendyol.key, apiSecret: trendyol.secret }],
    accounts: Object.fromEntries(others.map((m) => [m.type, [{ account: m.account, key: m.key, secret: m.secret }]])),
  });
  warehouse = await createWarehouse(t, tokens.staff);
  for (const m of MARKETPLACES) {
    stores.set(m, await createStore(t, tokens.admin, { type: m.type, sellerId: m.account, baseUrl: sandbox.url, credentials: m.credentials, warehouseIds: [warehouse.id] }));
  }
  // The app's order service (so its stock announcements kick), pulling on the test's clock.
  const { stores: storeService, orders } = t.services;
  intake = createMarketplaceIntake({
    db: t.infra.database.db,
    locks: t.infra.locks,
    kv: t.infra.kv,
    log,
    registry: new Registry(),
    stores: storeService,
    orders,
    settings: { ...t.config.orderPull, marketplaceTimeoutMs: t.config.sync.marketplaceTimeoutMs },
    now: clock.now,
  });
  worker = startSyncWorker(engine, { ...t.config.sync, intervalMs: INTERVAL_MS }, log, timers.schedule);
});
afterAll(async () => {
  await worker?.stop();
  await sandbox?.stop();
  await t.close();
});

const storeOf = (m: SandboxMarketplace) => stores.get(m) as string;

/** A product with stock, listed on all five; each store already shows `stock` (Pazarama's next write allowed). */
async function listedEverywhere(stock: number): Promise<{ productId: string; barcode: string }> {
  const productId = await createSimple(t, tokens.staff, "Everywhere");
  await addStock(t, tokens.staff, warehouse.shelfId, productId, stock);
  for (const storeId of stores.values()) await putListing(t, tokens.admin, storeId, productId, { enabled: true });
  const barcode = String((await bodyOf(await get(t, `/api/v1/catalog/products/${productId}`, tokens.staff))).barcode);
  // Past Pazarama's 10 s write spacing (an earlier test may just have written to it).
  await timers.advance(11_000);
  await engine.flushAll();
  for (const m of MARKETPLACES) expect({ type: m.type, shown: await shownOn(sandbox, m, barcode) }).toEqual({ type: m.type, shown: stock });
  await timers.advance(11_000);
  return { productId, barcode };
}

/** Pulls the origin's orders; waits until the worker heard the kick (a timer of the kicker's is set). */
async function pullAndHearKick(origin: SandboxMarketplace, created: number): Promise<void> {
  // A pull reads [since, until): the order must be older than the pull's "now".
  await timers.advance(100);
  const before = timers.pending();
  const report = await intake.pullStore(storeOf(origin));
  expect(report.pulled ? report.outcomes.created : report).toBe(created);
  expect(await eventually(() => timers.pending() > before, 5000)).toBe(true);
}

/** Steps the clock in `stepMs` until every marketplace in `which` shows `quantity`; answers the manual ms it took (null: not within limitMs). */
async function msUntilShown(which: readonly SandboxMarketplace[], barcode: string, quantity: number, limitMs: number, stepMs = 50): Promise<number | null> {
  for (let elapsed = 0; ; elapsed += stepMs) {
    const shown = await Promise.all(which.map((m) => shownOn(sandbox, m, barcode)));
    if (shown.every((q) => q === quantity)) return elapsed;
    if (elapsed + stepMs > limitMs) return null;
    await timers.advance(stepMs);
  }
}

const writesTo = (m: SandboxMarketplace) => sandbox.state.requests().filter((r) => r.marketplace === m.type && r.bodyHash !== undefined);
const refusals = () => sandbox.state.requests().filter((r) => r.status === null || r.status >= 300).map((r) => `${r.marketplace} ${r.endpoint} ${r.status}`);
const except = (...out: SandboxMarketplace[]) => MARKETPLACES.filter((m) => !out.includes(m));

describe("flush soon after an order", () => {
  test("a marketplace order, then its cancellation, reach the four other marketplaces within a second at a 60 s interval; a stock count waits for the interval", async () => {
    const { productId, barcode } = await listedEverywhere(10);
    const orderId = await orderOn(sandbox, n11, [{ barcode, quantity: 2, unitPrice: 4_500 }]);
    await pullAndHearKick(n11, 1);
    const took = await msUntilShown(except(n11), barcode, 8, 1000);
    expect(took).not.toBeNull();
    expect(took as number).toBeLessThanOrEqual(1000);

    // A second order, then the marketplace cancels the first: the release is kicked too. (Back to a
    // quantity the marketplaces were already told would be a refused repeat: 7 + 2 = 9 is new.)
    await timers.advance(11_000);
    await orderOn(sandbox, n11, [{ barcode, quantity: 1, unitPrice: 4_500 }]);
    await pullAndHearKick(n11, 1);
    expect(await msUntilShown(except(n11, pazarama), barcode, 7, 1000)).not.toBeNull();
    await timers.advance(11_000);
    await cancelOn(sandbox, n11, orderId);
    await timers.advance(100);
    const before = timers.pending();
    const report = await intake.pullStore(storeOf(n11));
    expect(report.pulled ? report.outcomes.cancelled : report).toBe(1);
    expect(await eventually(() => timers.pending() > before, 5000)).toBe(true);
    expect(await msUntilShown(except(n11), barcode, 9, 1000)).not.toBeNull();

    // Not an order: a stock count is not kicked, so it goes out on the interval, not a second later.
    await timers.advance(11_000);
    await addStock(t, tokens.staff, warehouse.shelfId, productId, 5);
    expect(await msUntilShown([trendyol], barcode, 14, 1000, 250)).toBeNull();
    expect(await msUntilShown(MARKETPLACES, barcode, 14, INTERVAL_MS, 1000)).not.toBeNull();
    expect(refusals()).toEqual([]);
  });

  test("Pazarama's 10 s write spacing holds: a second order reaches it as soon as the spacing allows, the others at once", async () => {
    const { barcode } = await listedEverywhere(10);
    await orderOn(sandbox, n11, [{ barcode, quantity: 1, unitPrice: 4_500 }]);
    await pullAndHearKick(n11, 1);
    expect(await msUntilShown(except(n11), barcode, 9, 1000)).not.toBeNull();
    const firstWrite = clock.now();

    // Two seconds later an order on Trendyol: Pazarama wrote ~2 s ago, so it must wait about 8 s more.
    await timers.advance(2000);
    await orderOn(sandbox, trendyol, [{ barcode, quantity: 1, unitPrice: 4_500 }]);
    await pullAndHearKick(trendyol, 1);
    const others = except(trendyol, pazarama);
    expect(await msUntilShown(others, barcode, 8, 1000)).not.toBeNull();
    expect(await shownOn(sandbox, pazarama, barcode)).toBe(9);
    // Not on the 60 s interval either: the kicker comes back when Pazarama's spacing ends.
    expect(await msUntilShown([pazarama], barcode, 8, 12_000, 100)).not.toBeNull();
    // On the test's clock: no sooner than the spacing after the first write (50 ms steps), and not much later.
    expect(clock.now() - firstWrite).toBeGreaterThanOrEqual(10_000 - 50);
    expect(clock.now() - firstWrite).toBeLessThanOrEqual(11_000);
    expect(refusals()).toEqual([]);
  });

  test("a burst of 20 marketplace orders is one flush per store, within the rate limits", async () => {
    const { barcode } = await listedEverywhere(50);
    const before = new Map(MARKETPLACES.map((m) => [m, writesTo(m).length]));
    for (let i = 0; i < 20; i++) await orderOn(sandbox, n11, [{ barcode, quantity: 1, unitPrice: 4_500 }]);
    await pullAndHearKick(n11, 20);
    expect(await msUntilShown(except(n11), barcode, 30, 1000)).not.toBeNull();
    // Let every follow-up run: still one write per marketplace for the whole burst.
    await timers.advance(2000);
    for (const m of except(n11)) expect({ type: m.type, writes: writesTo(m).length - (before.get(m) ?? 0) }).toEqual({ type: m.type, writes: 1 });
    expect(refusals()).toEqual([]);
  });

  test("a web order is kicked the same way, from another replica when there are two (Redis pub/sub)", async () => {
    const { productId, barcode } = await listedEverywhere(10);
    // On servers the order goes to a second app instance that runs no worker: the kick must cross replicas.
    const replica = !redisUrl || !databaseUrl ? t : await createTestApp({ label: "flush-soon", replicaOf: t, env: { SYNC_POLL_DELAY_MS: "0", SYNC_WORKER: "false" } });
    try {
      const web = await createStore(t, tokens.admin, { type: "WEB", warehouseIds: [warehouse.id] });
      const buyer = (await customer(replica)).tokens.accessToken;
      const before = timers.pending();
      expect((await placeOrder(replica, buyer, { storeId: web, items: [{ productId, quantity: 3 }] }, newKey())).status).toBe(201);
      expect(await eventually(() => timers.pending() > before, 5000)).toBe(true);
      expect(await msUntilShown(MARKETPLACES, barcode, 7, 1000)).not.toBeNull();
      expect(refusals()).toEqual([]);
    } finally {
      if (replica !== t) await replica.close();
    }
  });
});

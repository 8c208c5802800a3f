/**
 * The order pull scheduled per store: the real worker loop, scheduler, pull, intake and token
 * buckets on the test's database and key-value store, driven by one manual clock (a schedule is
 * counted in ticks of that clock, never slept through). Marketplaces are in-memory order streams
 * behind the adapter interface, one per store, each noting when it was read.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Registry } from "prom-client";
import { MarketplaceSettingsMissing, trendyolProfile, type MarketplaceAdapter, type MarketplaceStoreSettings } from "../../src/domains/marketplace/service";
import { createMarketplaceIntake } from "../../src/domains/order/marketplace-intake";
import { ORDER_PULL_TICK_MS } from "../../src/domains/order/pull-scheduler";
import { createOrderQuota } from "../../src/domains/stock-sync/order-quota";
import { createRateLimiter } from "../../src/domains/stock-sync/token-bucket";
import { startWorker, type Worker } from "../../src/domains/stock-sync/worker";
import { createLogger } from "../../src/infra/logger";
import { createTestApp, type TestApp } from "../support/app";
import { createStore, createWarehouse } from "../support/catalog";
import { manualClock, manualTimers } from "../support/clock";
import { admin } from "../support/identity";
import { pushedLine } from "./hepsiburada-push-support";
import { FakeOrderStream } from "./pull-support";

const SECOND = 1000;
const log = createLogger({ level: "silent", pretty: false });
// One clock for the whole file: buckets and schedules kept in Redis must never see it go back.
const clock = manualClock();
const timers = manualTimers(clock);
let t: TestApp;
let adminToken = "";
let warehouseId = "";
beforeAll(async () => {
  t = await createTestApp({ label: "pull-schedule" });
  adminToken = (await admin(t)).tokens.accessToken as string;
  warehouseId = (await createWarehouse(t, adminToken)).id;
});
afterAll(() => t.close());

let sellers = 0;

/** A marketplace store read from its own in-memory stream; `pulls` holds the clock time of each pull (its first request). */
interface ScheduledStore {
  storeId: string;
  sellerId: string;
  type: string;
  /** Profile fields the stream's adapter takes instead of its own. */
  profile: Partial<MarketplaceAdapter["profile"]>;
  stream: FakeOrderStream;
  requests: number[];
  pulls: number[];
}

async function newStore(type: string, stream = new FakeOrderStream(), profile: Partial<MarketplaceAdapter["profile"]> = {}): Promise<ScheduledStore> {
  const sellerId = `S${Date.now() % 100000}x${++sellers}`;
  const storeId = await createStore(t, adminToken, { type, sellerId, warehouseIds: [warehouseId] });
  return { storeId, sellerId, type, profile, stream, requests: [], pulls: [] };
}

/** The app's intake on the file's clock, reading each given store from its stream; every other store is one whose settings are missing. */
function intakeFor(stores: readonly ScheduledStore[], options: { quota?: boolean } = {}) {
  const bySeller = new Map(stores.map((s) => [s.sellerId, s]));
  const createAdapter = (settings: MarketplaceStoreSettings): MarketplaceAdapter => {
    const store = bySeller.get(settings.sellerId ?? "");
    if (!store) throw new MarketplaceSettingsMissing(settings.type, ["a stream in this test"]);
    const base = store.stream.adapter();
    return {
      ...base,
      profile: { ...base.profile, ...store.profile },
      pullOrders: async (window) => {
        if (!window.page && store.requests.at(-1) !== clock.now()) store.pulls.push(clock.now());
        store.requests.push(clock.now());
        return store.stream.pullOrders(window);
      },
    };
  };
  return createMarketplaceIntake({
    db: t.infra.database.db,
    locks: t.infra.locks,
    kv: t.infra.kv,
    log,
    registry: new Registry(),
    stores: t.services.stores,
    orders: t.services.orders,
    settings: t.config.orderPull,
    now: clock.now,
    createAdapter,
    ...(options.quota === false ? {} : { quota: createOrderQuota(createRateLimiter(t.infra.kv, { now: clock.now })) }),
  });
}

type Intake = ReturnType<typeof intakeFor>;

function startTicking(intake: Intake): Worker {
  return startWorker([{ name: "order-pull", everyMs: ORDER_PULL_TICK_MS, runAtStart: true, run: () => intake.pullDue() }], log, timers.schedule);
}

/** An order of a barcode no product has, modified just now: intake records it NEEDS_ATTENTION, a fresh order. */
function sell(store: ScheduledStore): void {
  store.stream.add(`UNKNOWN-${store.storeId.slice(0, 8)}`, 1, clock.now() - 1, 0, `${store.storeId.slice(0, 8)}-${clock.now()}-`);
}

const offsets = (store: ScheduledStore, start: number) => store.pulls.map((at) => (at - start) / SECOND);

describe("order pulls scheduled per marketplace", () => {
  test("a store that keeps selling is pulled four times as often as its marketplace's interval, never under 5 s: Trendyol every 7.5 s, Hepsiburada and N11 5 s, Pazarama and PttAVM 15 s", async () => {
    expect(t.config.orderPull.intervalsMs).toEqual({ TRENDYOL: 30_000, HEPSIBURADA: 15_000, N11: 15_000, PAZARAMA: 60_000, PTTAVM: 60_000 });
    const stores = await Promise.all(["TRENDYOL", "HEPSIBURADA", "N11", "PAZARAMA", "PTTAVM"].map((type) => newStore(type)));
    const intake = intakeFor(stores);
    for (const store of stores) sell(store);
    // Every store sells something every 2 s, off the worker's 1 s ticks, so no pull finds it idle.
    let selling = true;
    const seller = () => {
      if (!selling) return;
      for (const store of stores) sell(store);
      timers.schedule(seller, 2 * SECOND);
    };
    timers.schedule(seller, SECOND / 2);
    const start = clock.now();
    const worker = startTicking(intake);
    try {
      await timers.advance(60 * SECOND);
    } finally {
      selling = false;
      await worker.stop();
    }
    const [trendyol, hepsiburada, n11, pazarama, pttavm] = stores.map((s) => offsets(s, start));
    const every = (step: number, until: number) => Array.from({ length: Math.floor(until / step) + 1 }, (_, i) => i * step);
    // 7.5 s comes round on the next 1 s tick: 8 s apart.
    expect(trendyol).toEqual(every(8, 60));
    expect(hepsiburada).toEqual(every(5, 60));
    expect(n11).toEqual(every(5, 60));
    expect(pazarama).toEqual(every(15, 60));
    expect(pttavm).toEqual(every(15, 60));
    await timers.advance(10 * SECOND);
  }, 120_000);

  test("an idle store backs off, doubling up to its marketplace's interval (the longest a store goes unread); a pull that takes in a fresh order puts it back on a quarter of it at once", async () => {
    const store = await newStore("TRENDYOL");
    const intake = intakeFor([store]);
    const start = clock.now();
    const worker = startTicking(intake);
    try {
      await timers.advance(100 * SECOND);
      expect(offsets(store, start)).toEqual([0, 15, 45, 75]);
      expect(await intake.schedule(store.storeId)).toMatchObject({ level: 2, intervalMs: 30_000, dueAt: start + 105 * SECOND, lastOutcome: "idle" });

      sell(store);
      await timers.advance(30 * SECOND);
    } finally {
      await worker.stop();
    }
    // Found at 105 (still backed off, within Trendyol's 30 s), read again 7.5 s later (the next tick), then backing off again.
    expect(offsets(store, start)).toEqual([0, 15, 45, 75, 105, 113, 128]);
    expect(await intake.schedule(store.storeId)).toMatchObject({ level: 2, intervalMs: 30_000, dueAt: start + 158 * SECOND });
  }, 120_000);

  test("a webhook delivery that takes in a fresh order puts a backed-off store back on its active interval", async () => {
    const store = await newStore("TRENDYOL");
    const intake = intakeFor([store]);
    const start = clock.now();
    const worker = startTicking(intake);
    try {
      await timers.advance(200 * SECOND);
      expect(await intake.schedule(store.storeId)).toMatchObject({ level: 2, dueAt: start + 225 * SECOND });

      const at = clock.now();
      // A package without lines: recorded NEEDS_ATTENTION, which is a fresh order all the same.
      const accepted = await intake.trendyolWebhooks.accept(store.storeId, { orderNumber: `W${at}`, id: at, status: "Created", lines: [], lastModifiedDate: at });
      expect(accepted.map((a) => a.outcome)).toEqual(["needs_attention"]);
      expect(await intake.schedule(store.storeId)).toMatchObject({ level: 0, intervalMs: 7_500, dueAt: at + 7_500 });
      // The same delivery again is a duplicate: nothing fresh, the schedule stays.
      await intake.trendyolWebhooks.accept(store.storeId, { orderNumber: `W${at}`, id: at, status: "Created", lines: [], lastModifiedDate: at });
      await timers.advance(31 * SECOND);
    } finally {
      await worker.stop();
    }
    expect(offsets(store, start)).toEqual([0, 15, 45, 75, 105, 135, 165, 195, 208, 223]);
  }, 120_000);

  test("a Hepsiburada order push that takes in a fresh order puts a backed-off store back on its active interval", async () => {
    const store = await newStore("HEPSIBURADA");
    const intake = intakeFor([store]);
    const start = clock.now();
    const worker = startTicking(intake);
    try {
      await timers.advance(90 * SECOND);
      expect(await intake.schedule(store.storeId)).toMatchObject({ level: 2, dueAt: start + 100 * SECOND });

      const number = `88${clock.now() % 1_000_000}`;
      // A SKU no product has: recorded NEEDS_ATTENTION, a fresh order all the same.
      const accepted = await intake.hepsiburadaPush.acceptOrders(store.storeId, { items: [pushedLine(number, `${number}-1`, `UNKNOWN-${number}`, 1)] });
      expect(accepted.map((a) => a.outcome)).toEqual(["needs_attention"]);
      expect(await intake.schedule(store.storeId)).toMatchObject({ level: 0, intervalMs: 5_000, dueAt: start + 95 * SECOND });
      await timers.advance(16 * SECOND);
    } finally {
      await worker.stop();
    }
    expect(offsets(store, start)).toEqual([0, 10, 25, 40, 55, 70, 85, 95, 105]);
  }, 120_000);

  test("the pages of one pull pay into the store's orders buckets: Trendyol's lowest tier (30/min) is used at 70%, and a backlog is read at that pace", async () => {
    // 60 orders one to a page, read through Trendyol's own orders limits (50 per 10 s, tier 30/min).
    const stream = new FakeOrderStream({ pageSize: 1 });
    const store = await newStore("TRENDYOL", stream, { rateLimits: trendyolProfile.rateLimits, orderQuotaTiers: trendyolProfile.orderQuotaTiers });
    stream.add(`UNKNOWN-${store.storeId.slice(0, 8)}`, 60, clock.now() - 60 * SECOND, 100, `${store.storeId.slice(0, 8)}-paced-`);
    const intake = intakeFor([store]);
    const start = clock.now();
    const worker = startTicking(intake);
    try {
      await timers.advance(300 * SECOND);
    } finally {
      await worker.stop();
    }
    const ofOrders = store.requests.filter((at) => at >= start);
    // Every order read (60 pages, the last one ends the window), and nothing over the quota in some minute or 10 s.
    expect(ofOrders.length).toBeGreaterThanOrEqual(60);
    const most = (windowMs: number) => Math.max(...ofOrders.map((from) => ofOrders.filter((at) => at >= from && at < from + windowMs).length));
    expect(most(60 * SECOND)).toBeLessThanOrEqual(21);
    expect(most(10 * SECOND)).toBeLessThanOrEqual(45);
    // Paced, not stopped: 4 pages at once, then about 17 a minute, so the 60th page comes between 2.5 and 4.5 minutes in.
    expect(ofOrders.filter((at) => at === start)).toHaveLength(4);
    const lastPage = ofOrders[59] ?? Infinity;
    expect(lastPage).toBeGreaterThan(start + 150 * SECOND);
    expect(lastPage).toBeLessThan(start + 270 * SECOND);
    const orders = await t.services.orders.needingAttentionCounts();
    expect(orders.find((c) => c.storeId === store.storeId)?.orders).toBe(60);
  }, 180_000);

  test("without the orders buckets the same backlog goes out as fast as the page budget allows (what the buckets prevent)", async () => {
    const stream = new FakeOrderStream({ pageSize: 1, requestsPerPull: 10 });
    const store = await newStore("TRENDYOL", stream, { rateLimits: trendyolProfile.rateLimits });
    stream.add(`UNKNOWN-${store.storeId.slice(0, 8)}`, 40, clock.now() - 60 * SECOND, 100, `${store.storeId.slice(0, 8)}-unpaced-`);
    const intake = intakeFor([store], { quota: false });
    const start = clock.now();
    const worker = startTicking(intake);
    try {
      await timers.advance(10 * SECOND);
    } finally {
      await worker.stop();
    }
    expect(store.requests.filter((at) => at >= start && at < start + 10 * SECOND).length).toBeGreaterThan(21);
  }, 120_000);

  test("two replicas ticking together pull a store once per slot", async () => {
    const store = await newStore("HEPSIBURADA");
    const [a, b] = [intakeFor([store]), intakeFor([store])];
    const start = clock.now();
    for (let slot = 0; slot < 4; slot += 1) {
      sell(store);
      const reports = (await Promise.all([a.pullDue(), b.pullDue()])).flat().filter((r) => r.storeId === store.storeId);
      expect(reports.filter((r) => r.pulled)).toHaveLength(1);
      clock.advance(15 * SECOND);
    }
    expect(offsets(store, start)).toEqual([0, 15, 30, 45]);
  }, 120_000);

  test("the schedule is exposed per store as gauges: next due time and current interval", async () => {
    const store = await newStore("N11");
    const registry = new Registry();
    const intake = createMarketplaceIntake({
      db: t.infra.database.db,
      locks: t.infra.locks,
      kv: t.infra.kv,
      log,
      registry,
      stores: t.services.stores,
      orders: t.services.orders,
      settings: t.config.orderPull,
      now: clock.now,
      createAdapter: (settings) => {
        if (settings.sellerId !== store.sellerId) throw new MarketplaceSettingsMissing(settings.type, ["a stream in this test"]);
        return store.stream.adapter();
      },
    });
    const at = clock.now();
    await intake.pullDue();
    await intake.pullDue();
    const text = await registry.metrics();
    const line = (name: string) => text.split("\n").find((l) => l.startsWith(name) && l.includes(store.storeId));
    // Idle at its first pull: N11's active 5 s doubled.
    expect(line("marketplace_order_pull_interval_seconds")).toBe(`marketplace_order_pull_interval_seconds{marketplace="N11",store="${store.storeId}"} 10`);
    expect(line("marketplace_order_pull_next_due_timestamp_seconds")).toBe(`marketplace_order_pull_next_due_timestamp_seconds{marketplace="N11",store="${store.storeId}"} ${(at + 10 * SECOND) / 1000}`);
  });
});

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../support/app";
import { type IntakeShop, intakeShop, level, listedProduct, type MarketStore } from "./intake-support";
import { DAY, FakeOrderStream, HOUR, pullFrom } from "./pull-support";

const OVERLAP = 5 * 60_000;
/** Hundreds of orders through intake: about 20 s on PGlite under load. */
const SLOW = 120_000;
let t: TestApp;
let shop: IntakeShop;
let stores: MarketStore[];
beforeAll(async () => {
  t = await createTestApp({ label: "pull-windows" });
  // One store per test: each test's watermark and resume point are its own.
  shop = await intakeShop(t, 7);
  stores = shop.stores;
}, 120_000);
afterAll(() => t.close());

async function createdAt(store: MarketStore): Promise<number> {
  return Date.parse((await t.services.stores.getStore(store.storeId)).createdAt);
}

/** A clock that starts at `at` and moves only when the test says. */
function clockAt(at: number) {
  const clock = { at, now: () => clock.at };
  return clock;
}

/** The watermark never stands past an order the pull has not taken in yet. */
function expectNoUnreadBehind(stream: FakeOrderStream, recorded: ReadonlySet<string>, watermark: number | undefined) {
  const unread = stream.unread(recorded).map((o) => Date.parse(o.lastModifiedAt));
  if (watermark === undefined || unread.length === 0) return;
  expect(Math.min(...unread)).toBeGreaterThanOrEqual(watermark);
}

describe("pulling a newest-first order stream", () => {
  test("450 packages in one window, 200 a page newest first, are all taken in by one pull", async () => {
    const store = stores[0] as MarketStore;
    const start = await createdAt(store);
    const { productId, barcode } = await listedProduct(t, shop, 1000);
    const stream = new FakeOrderStream();
    stream.add(barcode, 450, start + 60_000, 5_000);
    const clock = clockAt(start + HOUR);
    const pull = pullFrom(t, stream, clock, OVERLAP);

    const report = await pull.intake.pullStore(store.storeId);
    if (!report.pulled) throw new Error(report.reason);
    expect(report).toMatchObject({ complete: true, pages: 3, outcomes: { created: 450 } });
    expect(new Set(stream.requests.map((r) => `${r.since}-${r.until}`)).size).toBe(1);
    expect(await level(t, shop, productId)).toEqual({ onHand: 1000, reserved: 450 });
    expect(await pull.watermark(store.storeId)).toBe(clock.at);
  }, SLOW);

  test("a pull that fails after page 1 leaves the watermark behind every unread package, and the next pull takes in all 450", async () => {
    const store = stores[1] as MarketStore;
    const start = await createdAt(store);
    const { productId, barcode } = await listedProduct(t, shop, 1000);
    const stream = new FakeOrderStream();
    stream.add(barcode, 450, start + 60_000, 5_000);
    stream.failOn.add(2);
    const clock = clockAt(start + HOUR);
    const pull = pullFrom(t, stream, clock, OVERLAP);

    await expect(pull.intake.pullStore(store.storeId)).rejects.toThrow("connection reset");
    expect(pull.recorded.size).toBe(200);
    expectNoUnreadBehind(stream, pull.recorded, await pull.watermark(store.storeId));

    // Later than the overlap: only a pull that still reads the older pages finds them.
    clock.at += 10 * OVERLAP;
    const report = await pull.intake.pullStore(store.storeId);
    if (!report.pulled) throw new Error(report.reason);
    expect(report.complete).toBe(true);
    expect(stream.unread(pull.recorded)).toEqual([]);
    expect(await level(t, shop, productId)).toEqual({ onHand: 1000, reserved: 450 });
  }, SLOW);

  test("a page budget smaller than the window's pages does not starve it: each pull goes on from where the last stopped", async () => {
    const store = stores[2] as MarketStore;
    const start = await createdAt(store);
    const { productId, barcode } = await listedProduct(t, shop, 1000);
    const stream = new FakeOrderStream({ requestsPerPull: 1 });
    stream.add(barcode, 450, start + 60_000, 5_000);
    const clock = clockAt(start + HOUR);
    const pull = pullFrom(t, stream, clock, OVERLAP);

    const complete: boolean[] = [];
    for (let run = 0; run < 4; run += 1) {
      const report = await pull.intake.pullStore(store.storeId);
      if (!report.pulled) throw new Error(report.reason);
      complete.push(report.complete);
      expectNoUnreadBehind(stream, pull.recorded, await pull.watermark(store.storeId));
      clock.at += 60_000;
    }
    // Pages 1, 2 and 3 of the window, then the minutes the clock moved meanwhile.
    expect(complete).toEqual([false, false, false, true]);
    expect(stream.requests.map((r) => r.page === undefined)).toEqual([true, false, false, true]);
    expect(stream.unread(pull.recorded)).toEqual([]);
    expect(await level(t, shop, productId)).toEqual({ onHand: 1000, reserved: 450 });
  }, SLOW);

  test("a resume cursor the marketplace no longer takes is dropped and the window read again from its start", async () => {
    const store = stores[3] as MarketStore;
    const start = await createdAt(store);
    const { productId, barcode } = await listedProduct(t, shop, 1000);
    const stream = new FakeOrderStream({ requestsPerPull: 1 });
    stream.refuseOldCursors = true;
    stream.add(barcode, 450, start + 60_000, 5_000);
    const clock = clockAt(start + HOUR);
    const pull = pullFrom(t, stream, clock, OVERLAP);

    await pull.intake.pullStore(store.storeId);
    stream.expireCursors();
    for (let run = 0; run < 5; run += 1) {
      clock.at += 60_000;
      await pull.intake.pullStore(store.storeId).catch(() => undefined);
      expectNoUnreadBehind(stream, pull.recorded, await pull.watermark(store.storeId));
    }
    expect(stream.unread(pull.recorded)).toEqual([]);
    expect(await level(t, shop, productId)).toEqual({ onHand: 1000, reserved: 450 });
  }, SLOW);

  test("a 30-day backlog is read as windows of at most 14 days, oldest first, back to back, and nothing in it is lost", async () => {
    const store = stores[4] as MarketStore;
    const start = await createdAt(store);
    const { productId, barcode } = await listedProduct(t, shop, 1000);
    const stream = new FakeOrderStream();
    stream.add(barcode, 90, start + HOUR, 8 * HOUR);
    const clock = clockAt(start + 30 * DAY);
    const pull = pullFrom(t, stream, clock, OVERLAP);

    const report = await pull.intake.pullStore(store.storeId);
    if (!report.pulled) throw new Error(report.reason);
    const windows = [...new Map(stream.requests.map((r) => [`${r.since}-${r.until}`, r])).values()];
    expect(windows.map((w) => [w.since, w.until])).toEqual([
      [start - OVERLAP, start - OVERLAP + 14 * DAY],
      [start - OVERLAP + 14 * DAY, start - OVERLAP + 28 * DAY],
      [start - OVERLAP + 28 * DAY, clock.at],
    ]);
    expect(report.complete).toBe(true);
    expect(await level(t, shop, productId)).toEqual({ onHand: 1000, reserved: 90 });
    expect(await pull.watermark(store.storeId)).toBe(clock.at);
  }, SLOW);

  test("the pull re-reads at least the marketplace's least overlap behind its watermark (N11: 3 hours)", async () => {
    const store = stores[5] as MarketStore;
    const stream = new FakeOrderStream({ windowMs: 15 * DAY, minOverlapMs: 3 * HOUR });
    const clock = clockAt((await createdAt(store)) + HOUR);
    const pull = pullFrom(t, stream, clock, OVERLAP);
    await pull.intake.pullStore(store.storeId);
    const watermark = (await pull.watermark(store.storeId)) ?? Number.NaN;

    clock.at += 10 * 60_000;
    await pull.intake.pullStore(store.storeId);
    expect(stream.requests.at(-1)?.since).toBe(watermark - 3 * HOUR);
  }, SLOW);
});

describe("pulling an oldest-first order stream", () => {
  test("the watermark moves page by page, so a cut-short pull keeps what it read", async () => {
    const store = stores[6] as MarketStore;
    const start = await createdAt(store);
    const { productId, barcode } = await listedProduct(t, shop, 1000);
    const stream = new FakeOrderStream({ pageOrder: "OLDEST_FIRST", requestsPerPull: 1 });
    const added = stream.add(barcode, 450, start + 60_000, 5_000);
    const clock = clockAt(start + HOUR);
    const pull = pullFrom(t, stream, clock, OVERLAP);

    await pull.intake.pullStore(store.storeId);
    expect(await pull.watermark(store.storeId)).toBe(Date.parse(added[199]?.lastModifiedAt ?? ""));
    for (let run = 0; run < 3; run += 1) {
      clock.at += 60_000;
      await pull.intake.pullStore(store.storeId);
      expectNoUnreadBehind(stream, pull.recorded, await pull.watermark(store.storeId));
    }
    expect(await level(t, shop, productId)).toEqual({ onHand: 1000, reserved: 450 });
  }, SLOW);
});

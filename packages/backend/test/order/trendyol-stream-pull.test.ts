/**
 * pull-windows.test.ts end to end: the real Trendyol adapter and the real order pull reading the
 * sandbox's getShipmentPackagesStream (newest modification first, 200 a page, nextCursor), with
 * intake on the test's database. The sandbox and the pull share a clock the test moves, so the
 * packages' modification times and the pull's windows are known.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Registry } from "prom-client";
import { createMarketplaceIntake } from "../../src/domains/order/marketplace-intake";
import { readPullPosition } from "../../src/domains/order/pull-watermarks";
import { createLogger } from "../../src/infra/logger";
import { createTestApp, type TestApp } from "../support/app";
import { bodyOf, type Json } from "../support/http";
import { get } from "../support/identity";
import { type IntakeShop, intakeShop, level, listedProduct, type MarketStore, marketplaceOrder } from "./intake-support";

const OVERLAP = 5 * 60_000;
const HOUR = 60 * 60_000;
const PACKAGES = 450;
/** 450 sandbox packages and 450 orders through intake: tens of seconds on PGlite under load. */
const SLOW = 300_000;

/** The sandbox's and the pull's clock: real time until a test sets `at`. */
const clock: { at: number | undefined; now: () => number } = { at: undefined, now: () => clock.at ?? Date.now() };

let t: TestApp;
let shop: IntakeShop;
beforeAll(async () => {
  t = await createTestApp({ label: "trendyol-stream-pull" });
  // One store per test: each test's watermark and resume point are its own.
  shop = await intakeShop(t, 2, { now: () => clock.now() });
}, 120_000);
afterAll(() => t.close());

async function sandboxControl(method: string, path: string, body?: unknown): Promise<void> {
  const res = await fetch(`${shop.sandbox.url}${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body) });
  if (res.status >= 300) throw new Error(`sandbox ${method} ${path}: ${res.status} ${await res.text()}`);
}

interface Burst {
  productA: string;
  productB: string;
  /** Package id -> its lastModifiedDate on the sandbox (epoch ms). */
  modifiedAt: Map<string, number>;
}

/**
 * 450 packages arriving between two pulls: three to a millisecond (so the page boundaries at 200
 * and 400 fall between packages modified at the same instant), 200 ms apart. Every package holds
 * one unit of product A; every other one also two units of product B.
 */
async function burstOf450(store: MarketStore, firstAt: number): Promise<Burst> {
  const a = await listedProduct(t, shop, 1000);
  const b = await listedProduct(t, shop, 1000);
  const modifiedAt = new Map<string, number>();
  for (let i = 0; i < PACKAGES; i += 1) {
    clock.at = firstAt + Math.floor(i / 3) * 200;
    const lines = [{ barcode: a.barcode, quantity: 1, unitPrice: 12_990 }, ...(i % 2 === 0 ? [{ barcode: b.barcode, quantity: 2, unitPrice: 4_550 }] : [])];
    const { packageId } = await marketplaceOrder(shop, store, lines);
    modifiedAt.set(packageId, clock.at);
  }
  return { productA: a.productId, productB: b.productId, modifiedAt };
}

/** The package an order came in (each sandbox order here is one package; the order itself is its orderNumber). */
const packageOf = (order: Json): string => String(order.packages?.[0]?.packageId);

/** The store's orders as staff see them, every page of the list. */
async function storeOrders(store: MarketStore): Promise<Json[]> {
  const orders: Json[] = [];
  for (let page = 1; ; page += 1) {
    const body = await bodyOf(await get(t, `/api/v1/orders?storeId=${store.storeId}&limit=100&page=${page}`, shop.staffToken));
    orders.push(...body.items);
    if (body.items.length < 100) return orders;
  }
}

interface StreamRequest {
  startDate: number;
  endDate: number;
  cursor: string | null;
  /** Where the store's watermark stood when the request went out. */
  watermarkBefore: number | undefined;
}

/**
 * The app's pull (real adapter, pull, watermark and intake) on the shared clock, noting every
 * order-stream request; `beforeRequest` runs before request n (1-based) is sent.
 */
function trendyolPull(beforeRequest: (n: number) => Promise<void> = async () => {}) {
  const requests: StreamRequest[] = [];
  const watching: typeof fetch = Object.assign(
    async (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      if (url.pathname.endsWith("/orders/stream")) {
        const storeId = shop.stores.find((s) => url.pathname.includes(`/sellers/${s.sellerId}/`))?.storeId ?? "";
        requests.push({
          startDate: Number(url.searchParams.get("lastModifiedStartDate")),
          endDate: Number(url.searchParams.get("lastModifiedEndDate")),
          cursor: url.searchParams.get("nextCursor"),
          watermarkBefore: (await readPullPosition(t.infra.database.db, storeId)).watermark?.getTime(),
        });
        await beforeRequest(requests.length);
      }
      return fetch(input, init);
    },
    { preconnect: fetch.preconnect },
  );
  const intake = createMarketplaceIntake({
    db: t.infra.database.db,
    locks: t.infra.locks,
    kv: t.infra.kv,
    log: createLogger({ level: "silent", pretty: false }),
    registry: new Registry(),
    stores: t.services.stores,
    orders: t.services.orders,
    settings: { intervalMs: 60_000, overlapMs: OVERLAP },
    now: () => clock.now(),
    fetch: watching,
  });
  return { intake, requests };
}

const watermarkOf = async (store: MarketStore) => (await readPullPosition(t.infra.database.db, store.storeId)).watermark?.getTime();

/** The watermark never stands past a package intake has not recorded yet. */
function expectNoUnreadBehind(burst: Burst, recorded: ReadonlySet<string>, watermark: number | undefined) {
  const unread = [...burst.modifiedAt].filter(([id]) => !recorded.has(id)).map(([, at]) => at);
  expect(unread.length).toBeGreaterThan(0);
  if (watermark === undefined) return;
  expect(Math.min(...unread)).toBeGreaterThanOrEqual(watermark);
}

async function createdAt(store: MarketStore): Promise<number> {
  return Date.parse((await t.services.stores.getStore(store.storeId)).createdAt);
}

describe("pulling Trendyol's newest-first package stream from the sandbox", () => {
  test("450 packages arriving at once are taken in by one pull run of 3 pages, as 450 orders reserving their stock", async () => {
    const store = shop.stores[0] as MarketStore;
    const start = await createdAt(store);
    const burst = await burstOf450(store, start + 60_000);
    clock.at = start + HOUR;
    const pull = trendyolPull();

    const report = await pull.intake.pullStore(store.storeId);
    if (!report.pulled) throw new Error(report.reason);
    expect(report).toMatchObject({ complete: true, pages: 3, outcomes: { created: PACKAGES } });
    expect(Object.keys(report.outcomes)).toEqual(["created"]);
    // One window followed by the sandbox's cursor; while pages were unread the watermark stayed at the store's creation.
    expect(pull.requests.map((r) => [r.startDate, r.endDate, r.cursor !== null, r.watermarkBefore])).toEqual([
      [start - OVERLAP, start + HOUR, false, undefined],
      [start - OVERLAP, start + HOUR, true, start],
      [start - OVERLAP, start + HOUR, true, start],
    ]);

    const orders = await storeOrders(store);
    expect(orders).toHaveLength(PACKAGES);
    expect(new Set(orders.map(packageOf))).toEqual(new Set(burst.modifiedAt.keys()));
    expect(new Set(orders.map((o) => o.status))).toEqual(new Set(["CREATED"]));
    expect(await level(t, shop, burst.productA)).toEqual({ onHand: 1000, reserved: PACKAGES });
    expect(await level(t, shop, burst.productB)).toEqual({ onHand: 1000, reserved: PACKAGES });
    expect(await watermarkOf(store)).toBe(clock.at);
  }, SLOW);

  test("a pull cut short by a 503 on page 2 leaves the watermark behind every unread package, and the next pull takes in the other 250 once", async () => {
    const store = shop.stores[1] as MarketStore;
    const start = await createdAt(store);
    const burst = await burstOf450(store, start + 60_000);
    clock.at = start + HOUR;
    // The sandbox's own fault injection answers every Trendyol request 503 from page 2 on.
    const cut = trendyolPull(async (n) => {
      if (n === 2) await sandboxControl("PUT", "/__sandbox/faults", { status5xxRate: 1 });
    });
    try {
      await expect(cut.intake.pullStore(store.storeId)).rejects.toMatchObject({ code: "MARKETPLACE_OUTCOME_UNKNOWN", httpStatus: 503 });
    } finally {
      await sandboxControl("PUT", "/__sandbox/faults", { status5xxRate: 0 });
    }
    expect(cut.requests).toHaveLength(2);
    const afterCut = await storeOrders(store);
    expect(afterCut).toHaveLength(200);
    expect(await level(t, shop, burst.productA)).toEqual({ onHand: 1000, reserved: 200 });
    expectNoUnreadBehind(burst, new Set(afterCut.map(packageOf)), await watermarkOf(store));

    // Later than the overlap: only a pull that still reads the older pages finds them.
    clock.at += 10 * OVERLAP;
    const next = trendyolPull();
    const report = await next.intake.pullStore(store.storeId);
    if (!report.pulled) throw new Error(report.reason);
    expect(report.complete).toBe(true);
    expect(report.outcomes).toEqual({ created: PACKAGES - 200 });
    // It went on from the cursor where the cut-short pull stopped.
    expect(next.requests[0]?.cursor).toBe(cut.requests[1]?.cursor ?? "no cursor");

    const orders = await storeOrders(store);
    expect(orders).toHaveLength(PACKAGES);
    expect(new Set(orders.map(packageOf))).toEqual(new Set(burst.modifiedAt.keys()));
    expect(await level(t, shop, burst.productA)).toEqual({ onHand: 1000, reserved: PACKAGES });
    expect(await level(t, shop, burst.productB)).toEqual({ onHand: 1000, reserved: PACKAGES });
    expect(await watermarkOf(store)).toBe(clock.at);
  }, SLOW);
});

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Registry } from "prom-client";
import { createMarketplaceIntake, type MarketplaceIntakeDeps } from "../../src/domains/order/marketplace-intake";
import { createLogger } from "../../src/infra/logger";
import { createTestApp, type TestApp } from "../support/app";
import { type IntakeShop, intakeShop, level, listedProduct, type MarketStore, marketplaceOrder, ordersFor } from "./intake-support";

const OVERLAP = 5 * 60_000;
let t: TestApp;
let shop: IntakeShop;
let store: MarketStore;
beforeAll(async () => {
  t = await createTestApp({ label: "intake-watermark" });
  // One store per kind of test: the clock tests move a watermark into the future.
  shop = await intakeShop(t, 3);
  store = shop.stores[0] as MarketStore;
});
afterAll(() => t.close());

/** A pull on a clock the test moves, that notes the window of every order-stream request it makes. */
function pullOnClock(options: { offsetMs: () => number; orders?: MarketplaceIntakeDeps["orders"] }) {
  const windows: { startDate: number; endDate: number; cursor: string | null }[] = [];
  const watching: typeof fetch = Object.assign(
    (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      if (url.pathname.endsWith("/orders/stream")) {
        windows.push({ startDate: Number(url.searchParams.get("lastModifiedStartDate")), endDate: Number(url.searchParams.get("lastModifiedEndDate")), cursor: url.searchParams.get("nextCursor") });
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
    orders: options.orders ?? t.services.orders,
    settings: { intervalMs: 60_000, overlapMs: OVERLAP },
    now: () => Date.now() + options.offsetMs(),
    fetch: watching,
  });
  return { intake, windows };
}

describe("the order pull's watermark", () => {
  let offset = 0;
  let clocked: ReturnType<typeof pullOnClock>;
  beforeAll(() => {
    clocked = pullOnClock({ offsetMs: () => offset });
  });

  test("the first pull reads from the store's creation minus the overlap up to now", async () => {
    const created = Date.parse((await t.services.stores.getStore(store.storeId)).createdAt);
    const report = await clocked.intake.pullStore(store.storeId);
    expect(report.pulled).toBe(true);
    expect(clocked.windows[0]?.startDate).toBe(created - OVERLAP);
    if (report.pulled) expect(Date.parse(report.watermark)).toBe(clocked.windows[0]?.endDate ?? -1);
  });

  test("the next pull starts at the watermark minus the overlap", async () => {
    const previous = clocked.windows.at(-1)?.endDate ?? 0;
    offset += 10 * 60_000;
    await clocked.intake.pullStore(store.storeId);
    expect(clocked.windows.at(-1)?.startDate).toBe(previous - OVERLAP);
  });

  test("a window longer than 14 days is read as several windows of at most 14 days", async () => {
    offset += 30 * 24 * 60 * 60_000;
    const before = clocked.windows.length;
    const report = await clocked.intake.pullStore(store.storeId);
    const windows = clocked.windows.slice(before);
    expect(windows).toHaveLength(3);
    for (const w of windows) expect(w.endDate - w.startDate).toBeLessThanOrEqual(14 * 24 * 60 * 60_000);
    for (let i = 1; i < windows.length; i += 1) expect(windows[i]?.startDate).toBe(windows[i - 1]?.endDate ?? -1);
    if (report.pulled) expect(report.complete).toBe(true);
  });

  test("more packages than a page follow the cursor and are all taken in", async () => {
    const { productId, barcode } = await listedProduct(t, shop, 500);
    // The adapter asks for 200 per page; 201 orders need a second page of the same window.
    const pagedStore = shop.stores[1] as MarketStore;
    for (let i = 0; i < 201; i += 1) await marketplaceOrder(shop, pagedStore, [{ barcode, quantity: 1, unitPrice: 100 }]);
    const fresh = pullOnClock({ offsetMs: () => 0 });
    const report = await fresh.intake.pullStore(pagedStore.storeId);
    if (!report.pulled) throw new Error(report.reason);
    expect(report.outcomes.created).toBe(201);
    expect(fresh.windows.some((w) => w.cursor !== null)).toBe(true);
    expect(await level(t, shop, productId)).toEqual({ onHand: 500, reserved: 201 });
  });

  test("the watermark stays where it was when taking an order in fails, and the next pull takes it in", async () => {
    const failingStore = shop.stores[2] as MarketStore;
    const { barcode } = await listedProduct(t, shop, 5);
    const settled = await pullOnClock({ offsetMs: () => 0 }).intake.pullStore(failingStore.storeId);
    if (!settled.pulled) throw new Error(settled.reason);
    const { packageId } = await marketplaceOrder(shop, failingStore, [{ barcode, quantity: 1, unitPrice: 100 }]);

    // Later than the overlap: only a watermark that did not move past the order finds it again.
    const broken = pullOnClock({
      offsetMs: () => OVERLAP * 3,
      orders: {
        intakeMarketplaceOrder: () => Promise.reject(new Error("database went away")),
        cancelMarketplaceOrder: (input) => t.services.orders.cancelMarketplaceOrder(input),
        needingAttentionCounts: () => t.services.orders.needingAttentionCounts(),
      },
    });
    await expect(broken.intake.pullStore(failingStore.storeId)).rejects.toThrow("database went away");
    const later = pullOnClock({ offsetMs: () => OVERLAP * 3 });
    const report = await later.intake.pullStore(failingStore.storeId);
    expect(later.windows[0]?.startDate).toBe(Date.parse(settled.watermark) - OVERLAP);
    if (report.pulled) expect(report.outcomes.created).toBe(1);
    expect(await ordersFor(t, shop, failingStore, packageId)).toHaveLength(1);
  });
});

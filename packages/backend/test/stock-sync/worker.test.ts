/**
 * The real worker loop (its jobs, their intervals, stop) on one clock the test steps: the engine,
 * the worker's timers and the sandbox marketplace all read it. "An order shows on the marketplace
 * within one interval" is then counted in intervals of that clock, run by run, instead of measured
 * on the wall clock of a loaded machine; the work itself (queries, HTTP) still runs for real.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startSyncWorker } from "../../src/domains/stock-sync/jobs";
import type { StockSync } from "../../src/domains/stock-sync/service";
import { createLogger } from "../../src/infra/logger";
import { newKey, placeOrder } from "../order/support";
import { createTestApp, type TestApp } from "../support/app";
import { addStock, createStore } from "../support/catalog";
import { manualClock, manualTimers } from "../support/clock";
import { admin, customer, staff } from "../support/identity";
import { engineOnClock, expectedShown, marketShop, pick } from "./behaviour-support";
import { listedProduct, shown } from "./engine-support";

const INTERVAL_MS = 300;
// One clock for the whole file: buckets and windows kept in Redis must never see it go back.
const clock = manualClock();
const timers = manualTimers(clock);
let t: TestApp;
let engine: StockSync;
const tokens = { staff: "", admin: "" };
beforeAll(async () => {
  t = await createTestApp({ label: "sync-worker", env: { SYNC_POLL_DELAY_MS: "0", SYNC_WORKER: "false" } });
  tokens.staff = (await staff(t)).tokens.accessToken;
  tokens.admin = (await admin(t)).tokens.accessToken;
  engine = engineOnClock(t, clock);
});
afterAll(() => t.close());

const log = createLogger({ level: "silent", pretty: false });
const startWorker = (intervalMs: number) => startSyncWorker(engine, { ...t.config.sync, intervalMs }, log, timers.schedule);
const shopOnClock = () => marketShop(t, tokens, { sandbox: { now: clock.now } });

describe("the sync worker loop", () => {
  test("an order in the web shop shows on the marketplace within one interval, and the worker stops cleanly", async () => {
    const shop = await shopOnClock();
    const coat = await listedProduct(t, shop, tokens, 10);
    const barcode = shop.barcodes.get(coat) ?? "";
    const web = await createStore(t, tokens.admin, { type: "WEB", warehouseIds: [shop.warehouse.id] });
    const buyer = (await customer(t)).tokens.accessToken;
    const worker = startWorker(INTERVAL_MS);
    try {
      await timers.advance(INTERVAL_MS);
      expect((await shown(shop))[barcode]).toBe(10);

      const res = await placeOrder(t, buyer, { storeId: web, items: [{ productId: coat, quantity: 3 }] }, newKey());
      expect(res.status).toBe(201);
      // The interval starts when the order is committed (its 201), the moment the sale exists.
      await timers.advance(INTERVAL_MS);
      expect((await shown(shop))[barcode]).toBe(7);
    } finally {
      await worker.stop();
    }
    // Stopped means stopped: no timer is left, and a later change stays in the buffer.
    expect(timers.pending()).toBe(0);
    await addStock(t, tokens.staff, shop.warehouse.shelfId, coat, -1);
    await timers.advance(INTERVAL_MS * 10);
    expect((await shown(shop))[barcode]).toBe(7);
    expect(await engine.buffer.isMarked(shop.storeId, coat)).toBe(true);
  });

  test("a steady stream of sales under the rate limit meets no 429 and no duplicate refusal, and ends in parity", async () => {
    const shop = await shopOnClock();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await listedProduct(t, shop, tokens, 100));
    const worker = startWorker(200);
    try {
      // About 7 changes a second for 3 s; each product only goes down, as sales do.
      for (let i = 0; i < 20; i++) {
        await addStock(t, tokens.staff, shop.warehouse.shelfId, ids[i % ids.length] ?? "", -1);
        await timers.advance(150);
      }
      await timers.advance(1000);
      expect(pick(await shown(shop), shop)).toEqual(await expectedShown(t, shop));
    } finally {
      await worker.stop();
    }
    const requests = shop.sandbox.state.requests();
    expect(requests.filter((r) => r.endpoint === "price-and-inventory").length).toBeGreaterThan(1);
    expect(requests.filter((r) => r.status !== 200).map((r) => `${r.endpoint} ${r.status}`)).toEqual([]);
  });
});

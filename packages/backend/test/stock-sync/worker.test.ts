/**
 * The real worker loop in-process: an order reaches the marketplace within one interval plus one
 * second, and a steady change rate under the limit meets no 429 and no duplicate refusal. That
 * promise to sellers ("within one interval plus one second") is the only timing asserted, and it
 * is checked with a deadline.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startSyncWorker } from "../../src/domains/stock-sync/jobs";
import { createLogger } from "../../src/infra/logger";
import { newKey, placeOrder } from "../order/support";
import { createTestApp, type TestApp } from "../support/app";
import { addStock, createStore } from "../support/catalog";
import { admin, customer, staff } from "../support/identity";
import { eventually, expectedShown, marketShop, pick, sleep } from "./behaviour-support";
import { listedProduct, shown } from "./engine-support";

const INTERVAL_MS = 300;
let t: TestApp;
const tokens = { staff: "", admin: "" };
beforeAll(async () => {
  t = await createTestApp({ label: "sync-worker", env: { SYNC_POLL_DELAY_MS: "0", SYNC_WORKER: "false" } });
  tokens.staff = (await staff(t)).tokens.accessToken;
  tokens.admin = (await admin(t)).tokens.accessToken;
});
afterAll(() => t.close());

const log = createLogger({ level: "silent", pretty: false });
const startWorker = (intervalMs: number) => startSyncWorker(t.services.sync, { ...t.config.sync, intervalMs }, log);

describe("the sync worker loop", () => {
  test("an order in the web shop shows on the marketplace within one interval plus one second, and the worker stops cleanly", async () => {
    const shop = await marketShop(t, tokens);
    const coat = await listedProduct(t, shop, tokens, 10);
    const barcode = shop.barcodes.get(coat) ?? "";
    const web = await createStore(t, tokens.admin, { type: "WEB", warehouseIds: [shop.warehouse.id] });
    const buyer = (await customer(t)).tokens.accessToken;
    const worker = startWorker(INTERVAL_MS);
    try {
      expect(await eventually(async () => (await shown(shop))[barcode] === 10, 10_000)).toBe(true);

      const res = await placeOrder(t, buyer, { storeId: web, items: [{ productId: coat, quantity: 3 }] }, newKey());
      expect(res.status).toBe(201);
      // The clock starts when the order is committed (its 201), the moment the sale exists.
      const ordered = Date.now();
      const inTime = await eventually(async () => (await shown(shop))[barcode] === 7, Math.max(0, ordered + INTERVAL_MS + 1000 - Date.now()), 10);
      expect(inTime).toBe(true);
    } finally {
      await worker.stop();
    }
    // Stopped means stopped: a later change stays in the buffer.
    await addStock(t, tokens.staff, shop.warehouse.shelfId, coat, -1);
    await sleep(INTERVAL_MS * 2);
    expect((await shown(shop))[barcode]).toBe(7);
    expect(await t.services.sync.buffer.isMarked(shop.storeId, coat)).toBe(true);
  });

  test("a steady stream of sales under the rate limit meets no 429 and no duplicate refusal, and ends in parity", async () => {
    const shop = await marketShop(t, tokens);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await listedProduct(t, shop, tokens, 100));
    const worker = startWorker(200);
    try {
      // About 7 changes a second for 3 s; each product only goes down, as sales do.
      for (let i = 0; i < 20; i++) {
        await addStock(t, tokens.staff, shop.warehouse.shelfId, ids[i % ids.length] ?? "", -1);
        await sleep(150);
      }
      const expected = await expectedShown(t, shop);
      expect(await eventually(async () => JSON.stringify(pick(await shown(shop), shop)) === JSON.stringify(expected), 5000)).toBe(true);
    } finally {
      await worker.stop();
    }
    const requests = shop.sandbox.state.requests();
    expect(requests.filter((r) => r.endpoint === "price-and-inventory").length).toBeGreaterThan(1);
    expect(requests.filter((r) => r.status !== 200).map((r) => `${r.endpoint} ${r.status}`)).toEqual([]);
  });
});

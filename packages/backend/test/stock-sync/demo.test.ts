import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startDemo } from "../../src/dev/demo";
import type { TourReport } from "../../src/dev/demo-fulfilment";
import { orderCodes } from "../../src/dev/demo-listings";
import type { DemoShop } from "../../src/dev/demo-seed";
import { createLogger } from "../../src/infra/logger";
import { createTestApp, type TestApp } from "../support/app";
import { capturingLogger } from "../support/logs";
import { sleep } from "../support/net";

let t: TestApp;
beforeAll(async () => {
  // The demo's walks pull each store a few times in a row; the quota's pacing is pull-schedule.test.ts's.
  t = await createTestApp({ label: "demo", env: { ORDER_PULL_QUOTA: "off" } });
});
afterAll(() => t.close());

/**
 * How many of the demo's products each marketplace shows a quantity for, by marketplace: under the
 * key that marketplace lists them by (our SKU where the import linked it as Hepsiburada's or N11's
 * stock code). The catalogs' own listings of products we do not sell are not counted, nor a
 * listing the catalog seed showed at 0 before anything was pushed.
 */
async function listingsShown(url: string, shop: DemoShop): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const store of shop.marketplaceStores) {
    const shownUrl = store.type === "TRENDYOL" ? `${url}/__sandbox/sellers/${store.account}/quantities` : `${url}/__sandbox/marketplaces/${store.type.toLowerCase()}/${store.account}/shown`;
    const body = (await (await fetch(shownUrl)).json()) as Record<string, unknown>;
    const shown = (store.type === "TRENDYOL" ? body : body.quantities) as Record<string, number>;
    const keys = [...(await orderCodes(t.services, store)).values()];
    counts[store.type] = keys.filter((key) => (shown[key] ?? 0) > 0).length;
  }
  return counts;
}

const everywhere = (shop: DemoShop, count: number) => Object.fromEntries(shop.marketplaceStores.map((s) => [s.type, count]));

const log = createLogger({ level: process.env.DEMO_TEST_LOG === "1" ? "warn" : "silent", pretty: false });

async function until<T>(what: string, read: () => Promise<T>, ok: (value: T) => boolean, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)}`);
    await sleep(50);
  }
}

const MARKETPLACES = ["TRENDYOL", "HEPSIBURADA", "N11", "PAZARAMA", "PTTAVM"];
/** Each marketplace's catalog lists the four demo products (stock codes = our SKUs) and two products we do not sell. */
const IMPORTED = MARKETPLACES.map((marketplace) => ({ marketplace, linked: 4, unlinked: 2, conflicting: 0 }));

describe("the dev demo", () => {
  test("creates its shop once, imports each marketplace's catalog, pushes the listings to all five sandbox marketplaces, restores a drift on Trendyol and keeps orders coming from the web shop and the marketplaces", async () => {
    const captured = capturingLogger("info");
    const first = await startDemo(t.services, { sandboxPort: 0, orderEveryMs: 100 }, captured.log);
    let tours: TourReport[] = [];
    try {
      // Every marketplace's listing import ran before the start returned, its counts in the log.
      expect(first.imports).toEqual(IMPORTED);
      const logged = captured.lines.filter((line) => line.msg === "demo: listing import").map((line) => ({ marketplace: line.marketplace, linked: line.linked, unlinked: line.unlinked, conflicting: line.conflicting }));
      expect(logged).toEqual(IMPORTED);
      // Hepsiburada and N11 list the products under our SKUs (the import's stock codes); the others under the barcodes.
      const products = await t.services.products.findProducts([...first.shop.productIds, first.shop.setId]);
      const hepsiburada = first.shop.marketplaceStores.find((s) => s.type === "HEPSIBURADA");
      expect(hepsiburada && [...(await orderCodes(t.services, hepsiburada)).values()].sort()).toEqual(products.map((p) => p.sku).sort());

      // Coat 50, gloves 30, scarf 40 and the winter set (1 coat + 2 gloves + 1 scarf) = 15, less what orders took.
      // The sandbox takes results 500 ms to process, like a marketplace's batch.
      // Flushed until shown: on a loaded machine one flush may meet a timeout and put its items back.
      expect(first.shop.marketplaceStores.map((s) => s.type)).toEqual(["TRENDYOL", "HEPSIBURADA", "N11", "PAZARAMA", "PTTAVM"]);
      const want = JSON.stringify(everywhere(first.shop, 4));
      await until("sandbox listings", async () => (await t.services.sync.flushAll(), listingsShown(first.sandbox.url, first.shop)), (q) => JSON.stringify(q) === want, 20_000);
      const admin = { userId: "00000000-0000-0000-0000-000000000000", role: "admin" as const };
      // The buyers start once the drift walk is over; the walks' marketplace orders come first.
      const orders = await until("demo orders", () => t.services.orders.listOrders(admin, {}, { page: 1, limit: 100, offset: 0 }), (page) => page.total >= 4 && page.items.some((o) => o.storeId === first.shop.webStoreId), 30_000);
      const marketplaceStoreIds = new Set(first.shop.marketplaceStores.map((s) => s.storeId));
      expect(orders.items.some((o) => o.storeId === first.shop.webStoreId)).toBe(true);
      // Orders from a marketplace arrive through the order pull, carrying the marketplace's order id.
      const fromMarketplaces = orders.items.filter((o) => marketplaceStoreIds.has(o.storeId));
      expect(fromMarketplaces.length).toBeGreaterThan(0);
      expect(fromMarketplaces.every((o) => typeof o.externalOrderId === "string" && o.externalOrderId.length > 0)).toBe(true);
      expect(orders.items.every((o) => o.storeId === first.shop.webStoreId || marketplaceStoreIds.has(o.storeId))).toBe(true);

      // Trendyol showed 7 more of a confirmed listing behind our back: the drift check found it, the next flush put it back.
      const drift = await first.drift;
      expect(drift).toMatchObject({ drifted: 1, restored: drift?.confirmed });
      expect(drift?.changedTo).toBe((drift?.confirmed ?? 0) + 7);
      expect(captured.lines.some((line) => line.msg === "demo: drift check" && line.drifted === 1)).toBe(true);
      expect(captured.lines.some((line) => line.msg === "demo: the next flush restored the quantity")).toBe(true);

      // One order on each marketplace walked Created, Picking, Invoiced, Shipped through the staff steps and the worker.
      // Steps a marketplace does not document show NOT_SUPPORTED; what the marketplace did comes back through the pull.
      tours = await first.tours;
      const walked = Object.fromEntries(tours.map((tour) => [tour.marketplace, tour.steps.map((s) => [s.step, s.status, s.command ?? "-"])]));
      const start = ["PULLED", "CREATED", "-"];
      expect(walked).toEqual({
        TRENDYOL: [start, ["PICK", "PICKING", "CONFIRMED"], ["INVOICE", "INVOICED", "CONFIRMED"], ["SHIP", "INVOICED", "NOT_SUPPORTED"], ["CARRIER_SHIPPED", "SHIPPED", "-"]],
        HEPSIBURADA: [start, ["PICK", "PICKING", "CONFIRMED"], ["INVOICE", "INVOICED", "CONFIRMED"], ["SHIP", "SHIPPED", "CONFIRMED"]],
        N11: [start, ["PICK", "PICKING", "CONFIRMED"], ["INVOICE", "INVOICED", "NOT_SUPPORTED"], ["SHIP", "SHIPPED", "CONFIRMED"]],
        PAZARAMA: [start, ["PICK", "PICKING", "CONFIRMED"], ["INVOICE", "INVOICED", "NOT_SUPPORTED"], ["SHIP", "SHIPPED", "CONFIRMED"]],
        PTTAVM: [start, ["PICK", "PICKING", "NOT_SUPPORTED"], ["INVOICE", "INVOICED", "CONFIRMED"], ["SHIP", "SHIPPED", "CONFIRMED"]],
      });
      // Each NOT_SUPPORTED step says where that is documented.
      for (const tour of tours) for (const step of tour.steps) if (step.command === "NOT_SUPPORTED") expect(step.reason?.length ?? 0).toBeGreaterThan(20);
      // The sandbox holds what was sent, each call once: Trendyol's package Shipped by the carrier after Picking and Invoiced.
      const trendyol = tours.find((tour) => tour.marketplace === "TRENDYOL");
      const seller = first.shop.marketplaceStores[0]?.account;
      const state = (await (await fetch(`${first.sandbox.url}/__sandbox/sellers/${seller}/order-state/${trendyol?.externalOrderId}`)).json()) as { packages: { status: string; invoiceNumber: string | null }[]; commandCalls: Record<string, number> };
      expect(state.packages).toEqual([expect.objectContaining({ status: "Shipped", invoiceNumber: expect.any(String) })]);
      expect(state.commandCalls).toEqual({ PICKING: 1, INVOICED: 1, INVOICE_LINK: 1 });
    } finally {
      await first.stop();
    }
    // A second start finds the same shop and, its sandbox being new, pushes everything again.
    const second = await startDemo(t.services, { sandboxPort: 0, orderEveryMs: 60_000 }, log);
    try {
      expect(second.shop).toEqual(first.shop);
      // Re-imported into a fresh sandbox's catalogs: the same counts, nothing changed.
      expect(second.imports).toEqual(IMPORTED);
      const want = JSON.stringify(everywhere(second.shop, 4));
      await until("sandbox listings after restart", async () => (await t.services.sync.flushAll(), listingsShown(second.sandbox.url, second.shop)), (q) => JSON.stringify(q) === want, 20_000);
      // The new sandbox numbers its orders past the first one's: every marketplace walks a fresh order again.
      const again = await second.tours;
      expect(again.map((tour) => [tour.marketplace, tour.steps.at(-1)?.status])).toEqual(["TRENDYOL", "HEPSIBURADA", "N11", "PAZARAMA", "PTTAVM"].map((m) => [m, "SHIPPED"]));
      expect(new Set([...again, ...tours].map((tour) => `${tour.marketplace}/${tour.externalOrderId}`)).size).toBe(10);
    } finally {
      await second.stop();
    }
  });
});

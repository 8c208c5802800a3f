import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startDemo } from "../../src/dev/demo";
import type { TourReport } from "../../src/dev/demo-fulfilment";
import type { DemoShop } from "../../src/dev/demo-seed";
import { createLogger } from "../../src/infra/logger";
import { createTestApp, type TestApp } from "../support/app";
import { sleep } from "../support/net";

let t: TestApp;
beforeAll(async () => {
  // The demo's walks pull each store a few times in a row; the quota's pacing is pull-schedule.test.ts's.
  t = await createTestApp({ label: "demo", env: { ORDER_PULL_QUOTA: "off" } });
});
afterAll(() => t.close());

/** How many listings each marketplace shows, by marketplace. */
async function listingsShown(url: string, shop: DemoShop): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const store of shop.marketplaceStores) {
    const shownUrl = store.type === "TRENDYOL" ? `${url}/__sandbox/sellers/${store.account}/quantities` : `${url}/__sandbox/marketplaces/${store.type.toLowerCase()}/${store.account}/shown`;
    const body = (await (await fetch(shownUrl)).json()) as Record<string, unknown>;
    counts[store.type] = Object.keys((store.type === "TRENDYOL" ? body : body.quantities) as Record<string, number>).length;
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

describe("the dev demo", () => {
  test("creates its shop once, pushes the listings to all five sandbox marketplaces and keeps orders coming from the web shop and the marketplaces", async () => {
    const first = await startDemo(t.services, { sandboxPort: 0, orderEveryMs: 100 }, log);
    let tours: TourReport[] = [];
    try {
      // Coat 50, gloves 30, scarf 40 and the winter set (1 coat + 2 gloves + 1 scarf) = 15, less what orders took.
      // The sandbox takes results 500 ms to process, like a marketplace's batch.
      // Flushed until shown: on a loaded machine one flush may meet a timeout and put its items back.
      expect(first.shop.marketplaceStores.map((s) => s.type)).toEqual(["TRENDYOL", "HEPSIBURADA", "N11", "PAZARAMA", "PTTAVM"]);
      const want = JSON.stringify(everywhere(first.shop, 4));
      await until("sandbox listings", async () => (await t.services.sync.flushAll(), listingsShown(first.sandbox.url, first.shop)), (q) => JSON.stringify(q) === want, 20_000);
      const admin = { userId: "00000000-0000-0000-0000-000000000000", role: "admin" as const };
      const orders = await until("demo orders", () => t.services.orders.listOrders(admin, {}, { page: 1, limit: 100, offset: 0 }), (page) => page.total >= 4, 20_000);
      const marketplaceStoreIds = new Set(first.shop.marketplaceStores.map((s) => s.storeId));
      expect(orders.items.some((o) => o.storeId === first.shop.webStoreId)).toBe(true);
      // Orders from a marketplace arrive through the order pull, carrying the marketplace's order id.
      const fromMarketplaces = orders.items.filter((o) => marketplaceStoreIds.has(o.storeId));
      expect(fromMarketplaces.length).toBeGreaterThan(0);
      expect(fromMarketplaces.every((o) => typeof o.externalOrderId === "string" && o.externalOrderId.length > 0)).toBe(true);
      expect(orders.items.every((o) => o.storeId === first.shop.webStoreId || marketplaceStoreIds.has(o.storeId))).toBe(true);

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

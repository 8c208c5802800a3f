import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startDemo } from "../../src/dev/demo";
import { DEMO_SELLER } from "../../src/dev/demo-seed";
import { createLogger } from "../../src/infra/logger";
import { createTestApp, type TestApp } from "../support/app";
import { sleep } from "../support/net";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ label: "demo" });
});
afterAll(() => t.close());

async function shownBy(url: string): Promise<Record<string, number>> {
  return (await (await fetch(`${url}/__sandbox/sellers/${DEMO_SELLER.sellerId}/quantities`)).json()) as Record<string, number>;
}

const log = createLogger({ level: "silent", pretty: false });

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
  test("creates its shop once, pushes the listings to its sandbox and keeps ordering in the web shop", async () => {
    const first = await startDemo(t.services, { sandboxPort: 0, orderEveryMs: 100 }, log);
    try {
      // Coat 50, gloves 30, scarf 40 and the winter set (1 coat + 2 gloves + 1 scarf) = 15, less what orders took.
      // The sandbox takes results 500 ms to process, like a marketplace's batch.
      // Flushed until shown: on a loaded machine one flush may meet a timeout and put its items back.
      await until("sandbox quantities", async () => (await t.services.sync.flushAll(), shownBy(first.sandbox.url)), (q) => Object.keys(q).length === 4, 20_000);
      const orders = await until("demo orders", () => t.services.orders.listOrders({ userId: "00000000-0000-0000-0000-000000000000", role: "admin" }, {}, { page: 1, limit: 100, offset: 0 }), (page) => page.total >= 2, 20_000);
      expect(orders.items.every((o) => o.storeId === first.shop.webStoreId)).toBe(true);
    } finally {
      await first.stop();
    }
    // A second start finds the same shop and, its sandbox being new, pushes everything again.
    const second = await startDemo(t.services, { sandboxPort: 0, orderEveryMs: 60_000 }, log);
    try {
      expect(second.shop).toEqual(first.shop);
      await until("sandbox quantities after restart", async () => (await t.services.sync.flushAll(), shownBy(second.sandbox.url)), (q) => Object.keys(q).length === 4, 20_000);
    } finally {
      await second.stop();
    }
  });
});

/**
 * The order pull's buckets: Trendyol's order quota follows the seller's tier (named by the store's
 * write quota) and is used at 70%; other marketplaces pay only their orders endpoint limit. The
 * grants are counted on the test's key-value store (Redis when REDIS_URL is set) on a clock the
 * test moves.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Stores } from "@pazarsync/shared";
import { createHepsiburadaAdapter } from "../../src/domains/marketplace/hepsiburada/adapter";
import { createTrendyolAdapter, trendyolProfile } from "../../src/domains/marketplace/service";
import { createOrderQuota, orderBuckets, orderTierQuota } from "../../src/domains/stock-sync/order-quota";
import { createRateLimiter } from "../../src/domains/stock-sync/token-bucket";
import { createTestApp, type TestApp } from "../support/app";
import { manualClock } from "../support/clock";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ label: "order-quota" });
});
afterAll(() => t.close());

const trendyol = createTrendyolAdapter({ baseUrl: "https://apigw.trendyol.com", sellerId: "1", apiKey: "k", apiSecret: "s" });
let stores = 0;
const storeAt = (writeQuotaPerMinute: number | null) => ({ id: `order-quota-${Date.now()}-${++stores}`, writeQuotaPerMinute }) as Stores.Store;

describe("the order pull's quota", () => {
  test("Trendyol's tier comes from the store's write quota: 30 / 40 / 50 / 100 / 100 orders a minute, the lowest when none is set", () => {
    const tiers = trendyolProfile.orderQuotaTiers;
    expect([null, 350, 499, 500, 1000, 1499, 1500, 2000, 100_000].map((w) => orderTierQuota(tiers, w))).toEqual([30, 30, 30, 40, 50, 50, 100, 100, 100]);
    expect(orderTierQuota(undefined, 2000)).toBeNull();
  });

  test("a Trendyol store pays its orders endpoint and its tier; a Hepsiburada store only its 1000/s orders limit", () => {
    expect(orderBuckets(storeAt(null), trendyol).map((b) => b.key.split(":").slice(3).join(":"))).toEqual(["orders:endpoint-10000ms", "orders:tier"]);
    const hepsiburada = createHepsiburadaAdapter({ merchantId: "m", serviceKey: "k", developerUsername: "d" });
    expect(orderBuckets(storeAt(null), hepsiburada).map((b) => b.key.split(":").slice(3).join(":"))).toEqual(["orders:endpoint-1000ms"]);
  });

  for (const [writeQuota, used] of [[null, 21], [1000, 35]] as const) {
    test(`a Trendyol store of write quota ${writeQuota ?? "unset"} is granted at most ${used} order requests in every minute (70% of its tier)`, async () => {
      const clock = manualClock();
      const take = createOrderQuota(createRateLimiter(t.infra.kv, { now: clock.now }));
      const store = storeAt(writeQuota);
      const granted: number[] = [];
      // One attempt every 250 ms for five minutes.
      for (let i = 0; i < 1200; i += 1) {
        if ((await take(store, trendyol, 1)).granted) granted.push(clock.now());
        clock.advance(250);
      }
      const most = Math.max(...granted.map((from) => granted.filter((at) => at >= from && at < from + 60_000).length));
      // Attempts every 250 ms may miss the last grant a window allows; never one more.
      expect(most).toBeLessThanOrEqual(used);
      expect(most).toBeGreaterThanOrEqual(used - 1);
      expect(granted.length).toBeGreaterThan(used * 4);
    });
  }
});

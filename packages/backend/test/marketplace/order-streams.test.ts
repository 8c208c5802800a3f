import { describe, expect, test } from "bun:test";
import type { MarketplaceAdapter } from "../../src/domains/marketplace/service";
import { createTrendyolAdapter } from "../../src/domains/marketplace/trendyol/adapter";
import { hbAdapterFor } from "./hepsiburada-support";
import { n11AdapterFor } from "./n11-support";
import { pzAdapterFor } from "./pazarama-support";
import { pttAdapterFor } from "./pttavm-support";

const HOUR = 60 * 60_000;
const DAY = 24 * HOUR;
const NOWHERE = { url: "http://127.0.0.1:1" };

/** The limits MARKETPLACES.md ("Corrections (2026-12-05)") gives for each order list; wider windows silently lose orders. */
const documented: { name: string; adapter: () => MarketplaceAdapter; maxWindowMs: number; minOverlapMs: number; newestFirst: boolean }[] = [
  {
    name: "Trendyol (stream: 14 days, lastModifiedDate descending)",
    adapter: () => createTrendyolAdapter({ baseUrl: NOWHERE.url, sellerId: "1", apiKey: "k", apiSecret: "s" }),
    maxWindowMs: 14 * DAY,
    minOverlapMs: 0,
    newestFirst: true,
  },
  { name: "Hepsiburada (order list: 24 hours)", adapter: () => hbAdapterFor(NOWHERE).adapter, maxWindowMs: DAY, minOverlapMs: 0, newestFirst: false },
  { name: "N11 (shipmentPackages: 15 days, GMT+3 timestamps)", adapter: () => n11AdapterFor(NOWHERE).adapter, maxWindowMs: 15 * DAY, minOverlapMs: 3 * HOUR, newestFirst: false },
  { name: "PttAVM (order search: 40 days)", adapter: () => pttAdapterFor(NOWHERE).adapter, maxWindowMs: 40 * DAY, minOverlapMs: 0, newestFirst: false },
  { name: "Pazarama (one month, read as 28 days)", adapter: () => pzAdapterFor(NOWHERE).adapter, maxWindowMs: 28 * DAY, minOverlapMs: 0, newestFirst: false },
];

describe("each adapter states its order stream", () => {
  for (const mp of documented) {
    test(`${mp.name}: windows no wider than documented, the overlap it needs, and a page order that never claims oldest first without a source`, () => {
      const { orderStream } = mp.adapter().profile;
      expect(orderStream.windowMs).toBeGreaterThan(0);
      expect(orderStream.windowMs).toBeLessThanOrEqual(mp.maxWindowMs);
      expect(orderStream.minOverlapMs).toBeGreaterThanOrEqual(mp.minOverlapMs);
      expect(orderStream.pageOrder).toBe(mp.newestFirst ? "NEWEST_FIRST" : "UNDOCUMENTED");
    });
  }
});

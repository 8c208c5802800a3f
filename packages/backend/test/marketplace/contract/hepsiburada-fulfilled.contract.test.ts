/**
 * Hepsiburada's listing read (isFulfilledByHB) replayed from the evidence fixtures: the stock of a
 * listing Hepsiburada fulfils is held back with a final outcome, the read pages to the end, is
 * remembered for the cache time, and a failing read never stops the push.
 */
import { describe, expect, test } from "bun:test";
import { type Exchange, fixture, serveFixtures } from "@pazarsync/marketplace-fixtures";
import { createHepsiburadaAdapter, type HepsiburadaConfig } from "../../../src/domains/marketplace/hepsiburada/adapter";
import type { FulfilledByHbMemo } from "../../../src/domains/marketplace/hepsiburada/fulfilled-by-hb";
import type { ItemOutcome } from "../../../src/domains/marketplace/types";

function adapterWith(fetch: typeof globalThis.fetch, overrides: Partial<HepsiburadaConfig> = {}) {
  return createHepsiburadaAdapter({
    merchantId: "b2910839-83b9-4d45-adb6-86bad457edcb",
    serviceKey: "service-key",
    developerUsername: "pazarsync_dev",
    fetch,
    timeoutMs: 5_000,
    fulfilledByHbMemo: new Map() as FulfilledByHbMemo,
    ...overrides,
  });
}

const listingRead = () => fixture("hepsiburada", "listing-read");
const stockUpload = () => fixture("hepsiburada", "stock-upload");
const held = (barcode: string): ItemOutcome => ({ barcode, outcome: "FAILED_PERMANENT", reasons: ["FULFILLED_BY_HB"] });

/** The listing read's request answered with a failure instead. */
function failingRead(status: number, headers?: Record<string, string>): Exchange[] {
  const [first] = listingRead().exchanges;
  if (!first) throw new Error("listing-read has no exchange");
  return [{ request: first.request, response: { status, headers, body: { title: "Service Unavailable", status } } }];
}

describe("Hepsiburada contract: listings it fulfils itself", () => {
  test("an HB-fulfilled listing's stock is held back FULFILLED_BY_HB and is not in the upload body", async () => {
    const server = serveFixtures(listingRead(), stockUpload());
    const adapter = adapterWith(server.fetch);
    const items = [
      { barcode: "SKU-1", quantity: 5 },
      { barcode: "SKU-2", quantity: 7 },
    ];
    const screened = await adapter.screen?.(items);
    expect(screened).toEqual({ valid: [{ barcode: "SKU-1", quantity: 5 }], rejected: [held("SKU-2")] });
    // Even handed the held item, the push leaves it out.
    const receipts = await adapter.pushStockAndPrice(items);
    expect(server.mismatches).toEqual([]);
    expect(server.remaining()).toBe(0);
    expect(server.sent[0]?.url.searchParams.get("offset")).toBe("0");
    expect(server.sent[1]?.body).toBe('[{"merchantSku":"SKU-1","availableStock":5}]');
    expect(receipts.map((r) => r.barcodes)).toEqual([["SKU-1"]]);
  });

  test("the listing read pages to the end: the second request's offset is the first page's end", async () => {
    const server = serveFixtures(fixture("hepsiburada", "listing-read.paged"));
    const adapter = adapterWith(server.fetch, { listingReadPageSize: 2 });
    const screened = await adapter.screen?.([
      { barcode: "SKU-1", quantity: 1 },
      { barcode: "SKU-2", quantity: 2 },
      { barcode: "SKU-3", quantity: 3 },
    ]);
    expect(server.mismatches).toEqual([]);
    expect(server.remaining()).toBe(0);
    expect(screened?.rejected).toEqual([held("SKU-2"), held("SKU-3")]);
    expect(screened?.valid).toEqual([{ barcode: "SKU-1", quantity: 1 }]);
  });

  test("a price of an HB-fulfilled listing still goes; price-only screens read nothing", async () => {
    const server = serveFixtures(listingRead());
    const adapter = adapterWith(server.fetch);
    expect(await adapter.screen?.([{ barcode: "SKU-2", salePrice: 1000 }])).toEqual({ valid: [{ barcode: "SKU-2", salePrice: 1000 }], rejected: [] });
    expect(server.sent).toHaveLength(0);
    expect(await adapter.screen?.([{ barcode: "SKU-2", quantity: 4, salePrice: 1000, listPrice: 1200 }])).toEqual({
      valid: [{ barcode: "SKU-2", salePrice: 1000, listPrice: 1200 }],
      rejected: [held("SKU-2")],
    });
    expect(server.remaining()).toBe(0);
  });

  test("within the cache time a second push reads no listings, even from a newly built adapter of the store", async () => {
    const server = serveFixtures(listingRead(), stockUpload(), stockUpload());
    const memo: FulfilledByHbMemo = new Map();
    const first = adapterWith(server.fetch, { fulfilledByHbMemo: memo });
    await first.pushStockAndPrice((await first.screen?.([{ barcode: "SKU-1", quantity: 1 }]))?.valid ?? []);
    const rebuilt = adapterWith(server.fetch, { fulfilledByHbMemo: memo });
    const screened = await rebuilt.screen?.([{ barcode: "SKU-1", quantity: 2 }, { barcode: "SKU-2", quantity: 2 }]);
    expect(screened?.rejected).toEqual([held("SKU-2")]);
    await rebuilt.pushStockAndPrice(screened?.valid ?? []);
    expect(server.mismatches).toEqual([]);
    expect(server.remaining()).toBe(0);
    expect(server.sent.map((r) => r.method)).toEqual(["GET", "POST", "POST"]);
  });

  test("a listing read that fails with nothing known yet holds nothing back: the push goes as before", async () => {
    for (const status of [503, 429]) {
      const server = serveFixtures(failingRead(status, status === 429 ? { "retry-after": "1" } : undefined), stockUpload());
      const adapter = adapterWith(server.fetch);
      const items = [{ barcode: "SKU-1", quantity: 5 }, { barcode: "SKU-2", quantity: 7 }];
      const screened = await adapter.screen?.(items);
      expect(screened).toEqual({ valid: items, rejected: [] });
      await adapter.pushStockAndPrice(screened?.valid ?? []);
      expect(server.mismatches).toEqual([]);
      expect(server.remaining()).toBe(0);
    }
  });

  test("a listing read that fails after an earlier one keeps the set learnt before, and is not tried again on the next push", async () => {
    const server = serveFixtures(listingRead(), failingRead(500), stockUpload());
    const adapter = adapterWith(server.fetch, { fulfilledByHbCacheMs: 1 });
    await adapter.screen?.([{ barcode: "SKU-1", quantity: 1 }]);
    await Bun.sleep(5);
    const items = [{ barcode: "SKU-1", quantity: 5 }, { barcode: "SKU-2", quantity: 7 }];
    expect((await adapter.screen?.(items))?.rejected).toEqual([held("SKU-2")]);
    // The failed read waits a rate window: this screen reads nothing and still holds SKU-2 back.
    const again = await adapter.screen?.(items);
    expect(again?.rejected).toEqual([held("SKU-2")]);
    await adapter.pushStockAndPrice(again?.valid ?? []);
    expect(server.mismatches).toEqual([]);
    expect(server.remaining()).toBe(0);
  });
});

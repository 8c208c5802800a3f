/**
 * Hepsiburada's catalog read (readListings) against the evidence fixtures: offset pages whose token
 * is the next offset, merchantSkus filtered up to the guide's 50, each listing read with its
 * hepsiburadaSku, merchantSku, stock shown, price and the isFulfilledByHB / isLocked flags.
 */
import { describe, expect, test } from "bun:test";
import { type Exchange, fixture, serveFixtures } from "@pazarsync/marketplace-fixtures";
import { createHepsiburadaAdapter } from "../../../src/domains/marketplace/hepsiburada/adapter";
import type { FulfilledByHbMemo } from "../../../src/domains/marketplace/hepsiburada/fulfilled-by-hb";
import { MarketplaceAuthFailed, MarketplaceOutcomeUnknown, MarketplacePageInvalid, MarketplaceRateLimited } from "../../../src/domains/marketplace/errors";
import type { ApiCall } from "../../../src/domains/marketplace/types";

function adapterOn(fetch: typeof globalThis.fetch, onCall?: (call: ApiCall) => void) {
  return createHepsiburadaAdapter({
    merchantId: "b2910839-83b9-4d45-adb6-86bad457edcb",
    serviceKey: "service-key",
    developerUsername: "pazarsync_dev",
    fetch,
    onCall,
    timeoutMs: 5_000,
    fulfilledByHbMemo: new Map() as FulfilledByHbMemo,
  });
}

const read = (adapter: ReturnType<typeof adapterOn>, request: Parameters<NonNullable<ReturnType<typeof adapterOn>["readListings"]>>[0] = {}) => {
  if (!adapter.readListings) throw new Error("no readListings");
  return adapter.readListings(request);
};

function answering(status: number, body: unknown): Exchange[] {
  const [first] = fixture("hepsiburada", "listing-read").exchanges;
  if (!first) throw new Error("listing-read has no exchange");
  return [{ request: first.request, response: { status, body } }];
}

describe("Hepsiburada contract: the catalog read", () => {
  test("one page: hepsiburadaSku, merchantSku, stock shown, price in kuruş and the fulfilment and lock flags", async () => {
    const calls: ApiCall[] = [];
    const server = serveFixtures(fixture("hepsiburada", "listing-read"));
    const page = await read(adapterOn(server.fetch, (call) => calls.push(call)));
    expect(server.mismatches).toEqual([]);
    expect(server.remaining()).toBe(0);
    expect(server.sent[0]?.url.searchParams.get("limit")).toBe("50");
    expect(page.listings.map(({ raw: _raw, ...listing }) => listing)).toEqual([
      { marketplaceId: "HBCV000000D7ET", stockCode: "SKU-1", quantity: 100, salePrice: 50_000, fulfilledByMarketplace: false, locked: false, onSale: true },
      { marketplaceId: "HBCV000000D7EU", stockCode: "SKU-2", quantity: 100, salePrice: 50_000, fulfilledByMarketplace: true, locked: true, onSale: true },
    ]);
    expect(page).toMatchObject({ next: null, total: 2 });
    expect(calls.map((call) => [call.callType, call.httpStatus])).toEqual([["GET_LISTINGS", 200]]);
  });

  test("offset pages: the token is the next offset, the limit the wish; the read ends at totalCount", async () => {
    const server = serveFixtures(fixture("hepsiburada", "listing-read.paged"));
    const adapter = adapterOn(server.fetch);
    const first = await read(adapter, { pageSize: 2 });
    expect(first.next).toBe("2");
    const second = await read(adapter, { page: first.next ?? "", pageSize: 2 });
    expect(server.mismatches).toEqual([]);
    expect(server.remaining()).toBe(0);
    expect(second.next).toBeNull();
    expect([...first.listings, ...second.listings].map((listing) => [listing.stockCode, listing.fulfilledByMarketplace])).toEqual([
      ["SKU-1", false],
      ["SKU-2", true],
      ["SKU-3", true],
    ]);
  });

  test("stock codes filter through merchantSkuList as one comma-separated list; over 50, or barcodes only, read everything", async () => {
    const filtered = serveFixtures(fixture("hepsiburada", "listing-read"));
    await read(adapterOn(filtered.fetch), { stockCodes: ["SKU-1", "SKU-2"] });
    expect(filtered.mismatches).toEqual([]);
    expect(filtered.sent[0]?.url.searchParams.get("merchantSkuList")).toBe("SKU-1,SKU-2");
    const tooMany = serveFixtures(fixture("hepsiburada", "listing-read"));
    await read(adapterOn(tooMany.fetch), { stockCodes: Array.from({ length: 51 }, (_, i) => `S${i}`), barcodes: ["B"] });
    expect(tooMany.sent[0]?.url.searchParams.has("merchantSkuList")).toBe(false);
  });

  test("a page size over the assumed 100 is clamped; a token we did not issue is refused before any call", async () => {
    const server = serveFixtures(fixture("hepsiburada", "listing-read"));
    await read(adapterOn(server.fetch), { pageSize: 5_000 });
    expect(server.sent[0]?.url.searchParams.get("limit")).toBe("100");
    await expect(read(adapterOn(server.fetch), { page: "offset-2" })).rejects.toBeInstanceOf(MarketplacePageInvalid);
    expect(server.sent).toHaveLength(1);
  });
});

describe("Hepsiburada catalog read: answers it cannot use", () => {
  test("no listings array, or text that is not JSON: outcome unknown", async () => {
    for (const body of [{ totalCount: 3 }, "<html>proxy</html>"]) {
      const server = serveFixtures(answering(200, body));
      await expect(read(adapterOn(server.fetch))).rejects.toBeInstanceOf(MarketplaceOutcomeUnknown);
    }
  });

  test("listings with fields missing or mistyped give listings without them; no totalCount: a short page is the last", async () => {
    const server = serveFixtures(answering(200, { listings: [{ merchantSku: "ONLY" }, { hepsiburadaSku: "HB1", availableStock: "9", price: -1, isLocked: "yes" }, 7] }));
    const page = await read(adapterOn(server.fetch));
    expect(page.listings.map(({ raw: _raw, ...listing }) => listing)).toEqual([{ stockCode: "ONLY" }, { marketplaceId: "HB1" }]);
    expect(page.next).toBeNull();
    expect(page.total).toBeUndefined();
  });

  test("a 429 is rate limited and a 403 an auth failure, each logged as GET_LISTINGS", async () => {
    const calls: ApiCall[] = [];
    const limited = serveFixtures(answering(429, { title: "Too Many Requests", status: 429 }));
    await expect(read(adapterOn(limited.fetch, (call) => calls.push(call)))).rejects.toBeInstanceOf(MarketplaceRateLimited);
    const refused = serveFixtures(answering(403, { title: "Forbidden", status: 403 }));
    await expect(read(adapterOn(refused.fetch, (call) => calls.push(call)))).rejects.toBeInstanceOf(MarketplaceAuthFailed);
    expect(calls.map((call) => [call.callType, call.httpStatus, call.error])).toEqual([
      ["GET_LISTINGS", 429, "MARKETPLACE_RATE_LIMITED"],
      ["GET_LISTINGS", 403, "MARKETPLACE_AUTH_FAILED"],
    ]);
  });

  test("the catalog read pays into the listing-read group", () => {
    const adapter = adapterOn(fetch);
    expect(adapter.profile.groups.listings).toBe("listing-reads");
    expect(adapter.profile.rateLimits.find((limit) => limit.group === "listing-reads")).toEqual({ group: "listing-reads", requests: 60, perMs: 60_000 });
  });
});

/**
 * The N11 listing read against its evidence fixture (n11/listing-read.json): the product query is
 * sent as the source shows, paged to its last page, and each row read into a RemoteListing.
 */
import { describe, expect, test } from "bun:test";
import { fixture, serveFixtures } from "@pazarsync/marketplace-fixtures";
import { createN11Adapter, type N11Config } from "../../../src/domains/marketplace/n11/adapter";
import { N11_LISTINGS, n11ListingOf, n11ListingPageOf } from "../../../src/domains/marketplace/n11/listings-read";
import { MarketplaceAuthFailed, MarketplaceOutcomeUnknown, MarketplacePageInvalid, MarketplaceRateLimited } from "../../../src/domains/marketplace/errors";
import type { ApiCall } from "../../../src/domains/marketplace/types";
import { cannedFetch, readAllListings } from "../listing-reads-support";

function adapterOn(fetcher: typeof fetch, overrides: Partial<N11Config> = {}, calls: ApiCall[] = []) {
  return createN11Adapter({ appKey: "key-1", appSecret: "secret-1", fetch: fetcher, timeoutMs: 5_000, onCall: (call) => calls.push(call), ...overrides });
}

describe("N11 listing read: the adapter against the source", () => {
  test("every page is asked as the source shows, and the read ends on the last one", async () => {
    const server = serveFixtures(fixture("n11", "listing-read"));
    const calls: ApiCall[] = [];
    const { listings, pages, totals } = await readAllListings(adapterOn(server.fetch, {}, calls), { pageSize: 2 });
    expect(server.mismatches).toEqual([]);
    expect(server.remaining()).toBe(0);
    expect(pages).toBe(2);
    expect(totals).toEqual([3, 3]);
    expect(listings.map(({ raw: _raw, ...fields }) => fields)).toEqual([
      { marketplaceId: "100000001", barcode: "8690000000011", stockCode: "SKU-RED-42", quantity: 12, salePrice: 159990, fulfilledByMarketplace: false, onSale: true },
      { marketplaceId: "100000002", stockCode: "SKU-RED-43", quantity: 0, salePrice: 159990, fulfilledByMarketplace: false, onSale: false },
      { marketplaceId: "100000003", barcode: "8690000000035", stockCode: "SKU-BLU-42", quantity: 7, salePrice: 89950, fulfilledByMarketplace: true, onSale: true },
    ]);
    expect(calls.map((call) => [call.callType, call.httpStatus])).toEqual([
      ["GET_LISTINGS", 200],
      ["GET_LISTINGS", 200],
    ]);
  });

  test("one stock code narrows the read (the source's stockCode filter); several read everything", async () => {
    const first = fixture("n11", "listing-read").exchanges.slice(0, 1);
    const one = serveFixtures(first);
    await adapterOn(one.fetch).readListings?.({ pageSize: 2, stockCodes: ["SKU-RED-42"] });
    expect(one.mismatches).toEqual([]);
    expect(one.sent[0]?.url.searchParams.get("stockCode")).toBe("SKU-RED-42");
    const many = serveFixtures(first);
    await adapterOn(many.fetch).readListings?.({ pageSize: 2, stockCodes: ["A", "B"], barcodes: ["8690000000011"] });
    expect(many.mismatches).toEqual([]);
    expect(many.sent[0]?.url.searchParams.has("stockCode")).toBe(false);
  });

  test("the page size is clamped to the documented 250, and a read pays into its own group", async () => {
    const sent: string[] = [];
    const fetcher = (async (input: string | URL | Request) => {
      sent.push(String(input));
      return Response.json({ content: [], totalElements: 0, totalPages: 0, last: true });
    }) as unknown as typeof fetch;
    const adapter = adapterOn(fetcher, { listingRequestsPerMinute: 40 });
    expect(await adapter.readListings?.({ pageSize: 5_000 })).toEqual({ listings: [], next: null, total: 0 });
    expect(new URL(sent[0] ?? "").searchParams.get("size")).toBe("250");
    expect(adapter.profile.groups.listings).toBe(N11_LISTINGS.group);
    expect(adapter.profile.rateLimits).toContainEqual({ group: N11_LISTINGS.group, requests: 40, perMs: 60_000 });
    expect(() => createN11Adapter({ appKey: "k", appSecret: "s", listingRequestsPerMinute: 0 })).toThrow();
  });

  test("failures come as the marketplace errors: 429, 401, an unreadable answer, a token we did not issue", async () => {
    await expect(adapterOn(cannedFetch(429, { message: "Too many" })).readListings?.({})).rejects.toBeInstanceOf(MarketplaceRateLimited);
    await expect(adapterOn(cannedFetch(401, { message: "appkey" })).readListings?.({})).rejects.toBeInstanceOf(MarketplaceAuthFailed);
    await expect(adapterOn(cannedFetch(200, { items: [] })).readListings?.({})).rejects.toBeInstanceOf(MarketplaceOutcomeUnknown);
    await expect(adapterOn(cannedFetch(200, {})).readListings?.({ page: "abc" })).rejects.toBeInstanceOf(MarketplacePageInvalid);
  });
});

describe("N11 listing rows: missing and odd fields stay absent", () => {
  test("a sparse row keeps only its raw item", () => {
    expect(n11ListingOf({})).toEqual({ raw: {} });
  });

  test("odd values are not guessed at", () => {
    const row = { n11ProductId: null, barcode: "  ", stockCode: 42, quantity: -1, salePrice: "abc", sender: "OTHER", saleStatus: "Unknown" };
    expect(n11ListingOf(row)).toEqual({ raw: row });
  });

  test("a status other than Active is not on sale, whatever saleStatus says; prices as text are read", () => {
    expect(n11ListingOf({ status: "Suspended", saleStatus: "On_Sale", salePrice: "10.50", quantity: "3" })).toMatchObject({ onSale: false, salePrice: 1050, quantity: 3 });
  });

  test("paging: an empty page, last: true or the final page index ends the read; non-record rows are skipped", () => {
    expect(n11ListingPageOf({ content: [], totalPages: 5, last: false }, 0)?.next).toBeNull();
    expect(n11ListingPageOf({ content: [{}], last: true }, 0)?.next).toBeNull();
    expect(n11ListingPageOf({ content: [{}], totalPages: 5, last: false }, 4)?.next).toBeNull();
    expect(n11ListingPageOf({ content: [{}, "x", null] }, 1)).toEqual({ listings: [{ raw: {} }], next: "2" });
    expect(n11ListingPageOf([], 0)).toBeUndefined();
  });
});

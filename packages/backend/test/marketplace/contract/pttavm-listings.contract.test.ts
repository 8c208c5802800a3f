/**
 * The PttAVM listing read against its evidence fixture (pttavm/listing-read.json): the product
 * search is sent with the client's six filters and searchPage, read until the first empty page.
 */
import { describe, expect, test } from "bun:test";
import { fixture, serveFixtures } from "@pazarsync/marketplace-fixtures";
import { createPttavmAdapter, type PttavmConfig } from "../../../src/domains/marketplace/pttavm/adapter";
import { PTTAVM_LISTINGS, pttavmListingOf, pttavmListingPageOf } from "../../../src/domains/marketplace/pttavm/listings-read";
import { MarketplaceAuthFailed, MarketplaceOutcomeUnknown, MarketplacePageInvalid, MarketplaceRateLimited, MarketplaceRefused } from "../../../src/domains/marketplace/errors";
import type { ApiCall } from "../../../src/domains/marketplace/types";
import { cannedFetch, readAllListings } from "../listing-reads-support";

const BASE = "https://integration-api.pttavm.com/api/v1";

function adapterOn(fetcher: typeof fetch, overrides: Partial<PttavmConfig> = {}, calls: ApiCall[] = []) {
  return createPttavmAdapter({ baseUrl: BASE, apiKey: "k", accessToken: "t", fetch: fetcher, timeoutMs: 5_000, onCall: (call) => calls.push(call), ...overrides });
}

describe("PttAVM listing read: the adapter against the source", () => {
  test("pages are asked as the client shows, and the first empty page ends the read", async () => {
    const server = serveFixtures(fixture("pttavm", "listing-read"));
    const calls: ApiCall[] = [];
    const { listings, pages, totals } = await readAllListings(adapterOn(server.fetch, {}, calls), { pageSize: 2 });
    expect(server.mismatches).toEqual([]);
    expect(server.remaining()).toBe(0);
    expect(pages).toBe(2);
    expect(totals).toEqual([undefined, undefined]);
    expect(listings.map(({ raw: _raw, ...fields }) => fields)).toEqual([
      { marketplaceId: "1001", barcode: "8690000000011", quantity: 5, salePrice: 12000, onSale: true },
      { marketplaceId: "1002", barcode: "8690000000028", quantity: 0, salePrice: 6000, onSale: true },
    ]);
    expect(calls.map((call) => call.callType)).toEqual(["GET_LISTINGS", "GET_LISTINGS"]);
  });

  test("filters it cannot apply are not sent (the source shows none): the whole catalog is read", async () => {
    const server = serveFixtures(fixture("pttavm", "listing-read").exchanges.slice(0, 1));
    await adapterOn(server.fetch).readListings?.({ barcodes: ["8690000000011"], stockCodes: ["S"] });
    expect(server.mismatches).toEqual([]);
  });

  test("the listings group is one of the endpoint groups, at the store's requests per minute", () => {
    const adapter = adapterOn(cannedFetch(200, []), { requestsPerMinute: 30 });
    expect(adapter.profile.groups.listings).toBe(PTTAVM_LISTINGS.group);
    expect(adapter.profile.rateLimits).toContainEqual({ group: PTTAVM_LISTINGS.group, requests: 30, perMs: 60_000 });
  });

  test("failures come as the marketplace errors", async () => {
    await expect(adapterOn(cannedFetch(429, { message: "limit" })).readListings?.({})).rejects.toBeInstanceOf(MarketplaceRateLimited);
    await expect(adapterOn(cannedFetch(401, { message: "key" })).readListings?.({})).rejects.toBeInstanceOf(MarketplaceAuthFailed);
    await expect(adapterOn(cannedFetch(200, { success: false, message: "Kategori zorunlu" })).readListings?.({})).rejects.toBeInstanceOf(MarketplaceRefused);
    await expect(adapterOn(cannedFetch(200, { products: [] })).readListings?.({})).rejects.toBeInstanceOf(MarketplaceOutcomeUnknown);
    await expect(adapterOn(cannedFetch(200, [])).readListings?.({ page: "0" })).rejects.toBeInstanceOf(MarketplacePageInvalid);
  });
});

describe("PttAVM listing items: missing and odd fields stay absent", () => {
  test("a sparse item keeps only its raw item; odd values are not guessed at", () => {
    expect(pttavmListingOf({})).toEqual({ raw: {} });
    const odd = { productId: {}, barcode: "", quantity: 2.5, priceWithVAT: -3, active: "yes" };
    expect(pttavmListingOf(odd)).toEqual({ raw: odd });
  });

  test("an inactive item is not on sale; an answer under data is read too", () => {
    expect(pttavmListingOf({ barcode: "B", active: false })).toEqual({ barcode: "B", onSale: false, raw: { barcode: "B", active: false } });
    expect(pttavmListingPageOf({ data: [{ barcode: "B" }] }, 3)).toEqual({ listings: [{ barcode: "B", raw: { barcode: "B" } }], next: "4" });
    expect(pttavmListingPageOf({ data: null }, 1)).toBeUndefined();
  });
});

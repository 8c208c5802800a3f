/**
 * The Pazarama listing read against its evidence fixture (pazarama/listing-read.json): after the
 * token, the approved products are asked as the client shows, paged to the short last page.
 */
import { describe, expect, test } from "bun:test";
import { fixture, serveFixtures } from "@pazarsync/marketplace-fixtures";
import { createPazaramaAdapter, type PazaramaConfig } from "../../../src/domains/marketplace/pazarama/adapter";
import { PAZARAMA_LISTINGS, pazaramaListingOf, pazaramaListingPageOf } from "../../../src/domains/marketplace/pazarama/listings-read";
import { pazaramaFromSettings } from "../../../src/domains/marketplace/pazarama/settings";
import { MarketplaceOutcomeUnknown, MarketplacePageInvalid, MarketplaceRateLimited } from "../../../src/domains/marketplace/errors";
import type { ApiCall } from "../../../src/domains/marketplace/types";
import { readAllListings } from "../listing-reads-support";

function adapterOn(fetcher: typeof fetch, overrides: Partial<PazaramaConfig> = {}, calls: ApiCall[] = []) {
  return createPazaramaAdapter({ clientId: "client-1", clientSecret: "secret-1", fetch: fetcher, timeoutMs: 5_000, onCall: (call) => calls.push(call), ...overrides });
}

/** The token exchange, then these answers to the API calls in turn. */
function tokenThen(...answers: { status: number; body: unknown }[]): typeof fetch {
  const token = fixture("pazarama", "token.wrapped").exchanges;
  const queue = [...answers];
  return (async (input: string | URL | Request) => {
    const url = String(input instanceof Request ? input.url : input);
    if (url.endsWith("/connect/token")) return Response.json(token[0]?.response.body);
    const next = queue.shift() ?? { status: 500, body: {} };
    return Response.json(next.body, { status: next.status });
  }) as unknown as typeof fetch;
}

describe("Pazarama listing read: the adapter against the source", () => {
  test("approved products are asked page by page as the client shows; the short page is the last", async () => {
    const server = serveFixtures(fixture("pazarama", "token.wrapped"), fixture("pazarama", "listing-read"));
    const calls: ApiCall[] = [];
    const { listings, pages, totals } = await readAllListings(adapterOn(server.fetch, {}, calls), { pageSize: 2 });
    expect(server.mismatches).toEqual([]);
    expect(server.remaining()).toBe(0);
    expect(pages).toBe(2);
    expect(totals).toEqual([3, 3]);
    expect(listings.map(({ raw: _raw, ...fields }) => fields)).toEqual([
      { marketplaceId: "3fa85f64-5717-4562-b3fc-2c963f66afa6", barcode: "8690000000011", quantity: 10, salePrice: 9000 },
      { marketplaceId: "3fa85f64-5717-4562-b3fc-2c963f66afa7", barcode: "8690000000028", stockCode: "STK-28", quantity: 0, salePrice: 4550 },
      { marketplaceId: "3fa85f64-5717-4562-b3fc-2c963f66afa8", barcode: "8690000000035", quantity: 4, salePrice: 3000 },
    ]);
    expect(calls.filter((call) => call.callType === "GET_LISTINGS").length).toBe(2);
  });

  test("one barcode narrows the read by Code (the client's filter); the size is clamped to 100", async () => {
    const server = serveFixtures(fixture("pazarama", "token.wrapped"), fixture("pazarama", "listing-read").exchanges.slice(0, 1));
    await adapterOn(server.fetch).readListings?.({ pageSize: 2, barcodes: ["8690000000011"] });
    expect(server.mismatches).toEqual([]);
    expect(server.sent[1]?.url.searchParams.get("Code")).toBe("8690000000011");
    const sizes: string[] = [];
    const recording = tokenThen({ status: 200, body: { data: [], success: true } });
    const fetcher = (async (input: string | URL | Request, init?: RequestInit) => {
      const url = new URL(String(input instanceof Request ? input.url : input));
      if (url.pathname === "/product/getProducts") sizes.push(url.searchParams.get("Size") ?? "");
      return recording(input, init);
    }) as unknown as typeof fetch;
    const read = await adapterOn(fetcher, { listingsPath: "/product/getProducts" }).readListings?.({ pageSize: 1_000 });
    expect(read).toEqual({ listings: [], next: null });
    expect(sizes).toEqual(["100"]);
  });

  test("the path is a store setting, and the listings group a quota of its own", () => {
    const adapter = pazaramaFromSettings({ type: "PAZARAMA", sellerId: null, baseUrl: null, credentials: { clientId: "c", clientSecret: "s", listingsPath: "/product/getProducts" } });
    expect(adapter.profile.groups.listings).toBe(PAZARAMA_LISTINGS.group);
    expect(adapter.profile.rateLimits).toContainEqual({ group: PAZARAMA_LISTINGS.group, requests: PAZARAMA_LISTINGS.requestsPerMinute, perMs: 60_000 });
    expect(() => createPazaramaAdapter({ clientId: "c", clientSecret: "s", listingsPath: "product" })).toThrow();
  });

  test("failures come as the marketplace errors", async () => {
    await expect(adapterOn(tokenThen({ status: 429, body: {} })).readListings?.({})).rejects.toBeInstanceOf(MarketplaceRateLimited);
    await expect(adapterOn(tokenThen({ status: 200, body: { data: null, success: true } })).readListings?.({})).rejects.toBeInstanceOf(MarketplaceOutcomeUnknown);
    await expect(adapterOn(tokenThen()).readListings?.({ page: "0" })).rejects.toBeInstanceOf(MarketplacePageInvalid);
  });
});

describe("Pazarama listing items: missing and odd fields stay absent", () => {
  test("a sparse item keeps only its raw item; odd values are not guessed at", () => {
    expect(pazaramaListingOf({})).toEqual({ raw: {} });
    const odd = { id: true, code: " ", stockCode: null, stockCount: "many", salePrice: "n/a" };
    expect(pazaramaListingOf(odd)).toEqual({ raw: odd });
  });

  test("zolm's names are read where wiensa's are absent; a barcode field wins over code", () => {
    const item = { id: 7, barcode: "869", code: "C-1", stockQuantity: 3, salePrice: { value: 12.5 }, active: false };
    expect(pazaramaListingOf(item)).toEqual({ marketplaceId: "7", barcode: "869", quantity: 3, salePrice: 1250, onSale: false, raw: item });
  });

  test("paging: a full page goes on unless totalCount is reached", () => {
    expect(pazaramaListingPageOf({ data: [{}, {}] }, 1, 2)?.next).toBe("2");
    expect(pazaramaListingPageOf({ data: [{}, {}], totalCount: 4 }, 2, 2)?.next).toBeNull();
    expect(pazaramaListingPageOf({ data: [{}] }, 1, 2)?.next).toBeNull();
  });
});

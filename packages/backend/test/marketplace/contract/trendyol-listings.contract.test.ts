/**
 * Trendyol's catalog read (approved products v2) against the evidence fixtures: the requests are
 * the ones the sources show, each variant is read as one listing, pages follow by number and past
 * 10,000 contents by nextPageToken, and unreadable answers fail with the adapters' errors.
 */
import { describe, expect, test } from "bun:test";
import { type Exchange, fixture, serveFixtures } from "@pazarsync/marketplace-fixtures";
import type { ApiCall } from "../../../src/domains/marketplace/types";
import { MarketplaceAuthFailed, MarketplaceOutcomeUnknown, MarketplacePageInvalid, MarketplaceRateLimited } from "../../../src/domains/marketplace/errors";
import { createTrendyolAdapter } from "../../../src/domains/marketplace/trendyol/adapter";

const SELLER = "123";

function adapterOn(fetch: typeof globalThis.fetch, onCall?: (call: ApiCall) => void) {
  return createTrendyolAdapter({ baseUrl: "https://apigw.trendyol.com", sellerId: SELLER, apiKey: "test-key", apiSecret: "test-secret", fetch, onCall });
}

const read = (adapter: ReturnType<typeof adapterOn>, request: Parameters<NonNullable<ReturnType<typeof adapterOn>["readListings"]>>[0] = {}) => {
  if (!adapter.readListings) throw new Error("no readListings");
  return adapter.readListings(request);
};

/** The fixture's first request answered with another body or status. */
function answering(status: number, body: unknown): Exchange[] {
  const [first] = fixture("trendyol", "listing-read").exchanges;
  if (!first) throw new Error("listing-read has no exchange");
  return [{ request: first.request, response: { status, body } }];
}

describe("Trendyol contract: the catalog read", () => {
  test("one page: every variant is a listing with the barcode, stock code, variant id, quantity shown, sale and list prices and flags", async () => {
    const calls: ApiCall[] = [];
    const server = serveFixtures(fixture("trendyol", "listing-read"));
    const page = await read(adapterOn(server.fetch, (call) => calls.push(call)));
    expect(server.mismatches).toEqual([]);
    expect(server.remaining()).toBe(0);
    expect(server.sent[0]?.url.searchParams.get("size")).toBe("100");
    expect(server.sent[0]?.headers.get("user-agent")).toBe(`${SELLER} - SelfIntegration`);
    expect(page.next).toBeNull();
    expect(page.listings.map(({ raw: _raw, ...listing }) => listing)).toEqual([
      { marketplaceId: "70228905", barcode: "12613876842A60", stockCode: "STK-stokum-1", quantity: 0, salePrice: 22_200, listPrice: 22_200, locked: false, onSale: true },
      // No stock.quantity in the source's second variant: its quantity is unknown, not 0.
      { marketplaceId: "70229505", barcode: "12613876842A61", stockCode: "STK-stokum-1", salePrice: 22_200, listPrice: 22_200, locked: false, onSale: false },
    ]);
    expect(page.listings[0]?.raw).toMatchObject({ contentId: 12715815, productMainId: "12613876842A60" });
    expect(calls.map((call) => [call.callType, call.httpStatus])).toEqual([["GET_LISTINGS", 200]]);
  });

  test("one barcode is asked with the barcode filter; several read everything", async () => {
    const one = serveFixtures(fixture("trendyol", "listing-read"));
    await read(adapterOn(one.fetch), { barcodes: ["12613876842A60"] });
    expect(one.mismatches).toEqual([]);
    expect(one.sent[0]?.url.searchParams.get("barcode")).toBe("12613876842A60");
    const several = serveFixtures(fixture("trendyol", "listing-read"));
    await read(adapterOn(several.fetch), { barcodes: ["A", "B"] });
    expect(several.mismatches).toEqual([]);
    expect(several.sent[0]?.url.searchParams.has("barcode")).toBe(false);
  });

  test("pages follow by number with the first call's size until the last page", async () => {
    const server = serveFixtures(fixture("trendyol", "listing-read.paged"));
    const adapter = adapterOn(server.fetch);
    const first = await read(adapter, { pageSize: 2 });
    expect(first.next).not.toBeNull();
    // A different wish later does not change the size the pages are numbered by.
    const second = await read(adapter, { page: first.next ?? "", pageSize: 50 });
    expect(server.mismatches).toEqual([]);
    expect(server.remaining()).toBe(0);
    expect(second.next).toBeNull();
    const all = [...first.listings, ...second.listings];
    expect(all.map((listing) => listing.barcode)).toEqual(["TY-BC-1", "TY-BC-2", "TY-BC-3", "TY-BC-4"]);
    expect(all.map((listing) => [listing.quantity, listing.onSale, listing.locked])).toEqual([
      [5, true, false],
      [0, false, false],
      [7, true, true],
      // Archived: not on sale.
      [9, false, false],
    ]);
  });

  test("past 10,000 contents the next page is asked by the last answer's nextPageToken, without page", async () => {
    const token = fixture("trendyol", "listing-read.token");
    const pageHundred = Buffer.from(JSON.stringify({ page: 100, size: 100, token: "eyJzb3J0IjpbMTI3MTU4MTVdfQ==" })).toString("base64url");
    const server = serveFixtures(token);
    const page = await read(adapterOn(server.fetch), { page: pageHundred });
    expect(server.mismatches).toEqual([]);
    expect(server.sent[0]?.url.searchParams.has("page")).toBe(false);
    expect(page.listings.map((listing) => listing.barcode)).toEqual(["TY-BC-10001"]);
    // The 101st page of 101 is the last.
    expect(page.next).toBeNull();
  });

  test("past 10,000 contents without a token the read cannot go on: outcome unknown, nothing sent", async () => {
    const server = serveFixtures(fixture("trendyol", "listing-read.token"));
    const stranded = Buffer.from(JSON.stringify({ page: 100, size: 100 })).toString("base64url");
    await expect(read(adapterOn(server.fetch), { page: stranded })).rejects.toBeInstanceOf(MarketplaceOutcomeUnknown);
    expect(server.sent).toHaveLength(0);
  });

  test("a page token we did not issue is refused before any call", async () => {
    const server = serveFixtures(fixture("trendyol", "listing-read"));
    for (const page of ["not-a-token", Buffer.from(JSON.stringify({ page: 1, size: 500 })).toString("base64url")]) {
      await expect(read(adapterOn(server.fetch), { page })).rejects.toBeInstanceOf(MarketplacePageInvalid);
    }
    expect(server.sent).toHaveLength(0);
  });
});

describe("Trendyol catalog read: answers it cannot use", () => {
  test("no content list, or text that is not JSON: outcome unknown", async () => {
    for (const body of [{ totalElements: 0 }, { content: "none" }, "<html>gateway</html>"]) {
      const server = serveFixtures(answering(200, body));
      await expect(read(adapterOn(server.fetch))).rejects.toBeInstanceOf(MarketplaceOutcomeUnknown);
    }
  });

  test("a content without variants lists nothing but does not stop the read", async () => {
    const server = serveFixtures(answering(200, { totalPages: 2, content: [{ contentId: 1 }, { contentId: 2, variants: [{ barcode: "KEPT" }] }] }));
    const page = await read(adapterOn(server.fetch), { pageSize: 2 });
    expect(page.listings.map((listing) => listing.barcode)).toEqual(["KEPT"]);
    expect(page.next).not.toBeNull();
  });

  test("variants with fields missing or mistyped give listings without them", async () => {
    const server = serveFixtures(
      answering(200, { totalPages: 1, content: [{ contentId: 9, variants: [{ barcode: "ONLY" }, { variantId: 5, barcode: "", stock: { quantity: -1 }, price: { salePrice: "x" } }, "junk"] }] }),
    );
    const page = await read(adapterOn(server.fetch));
    expect(page.listings.map(({ raw: _raw, ...listing }) => listing)).toEqual([{ barcode: "ONLY" }, { marketplaceId: "5" }]);
    expect(page.next).toBeNull();
  });

  test("a 429 is rate limited and a 401 an auth failure, each logged as GET_LISTINGS", async () => {
    const calls: ApiCall[] = [];
    const limited = serveFixtures(answering(429, { errors: [{ key: "too.many.requests", message: "too.many.requests" }] }));
    await expect(read(adapterOn(limited.fetch, (call) => calls.push(call)))).rejects.toBeInstanceOf(MarketplaceRateLimited);
    const refused = serveFixtures(answering(401, { exception: "ClientApiAuthenticationException" }));
    await expect(read(adapterOn(refused.fetch, (call) => calls.push(call)))).rejects.toBeInstanceOf(MarketplaceAuthFailed);
    expect(calls.map((call) => [call.callType, call.httpStatus, call.error])).toEqual([
      ["GET_LISTINGS", 429, "MARKETPLACE_RATE_LIMITED"],
      ["GET_LISTINGS", 401, "MARKETPLACE_AUTH_FAILED"],
    ]);
  });

  test("the profile names the listing group and its documented limits", () => {
    const adapter = adapterOn(fetch);
    expect(adapter.profile.groups.listings).toBe("product-filter");
    expect(adapter.profile.rateLimits.filter((limit) => limit.group === "product-filter")).toEqual([
      { group: "product-filter", requests: 1000, perMs: 60_000 },
      { group: "product-filter", requests: 50, perMs: 10_000 },
    ]);
  });
});

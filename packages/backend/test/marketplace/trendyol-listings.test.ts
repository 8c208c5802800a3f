/**
 * Trendyol's catalog read against the sandbox: the sandbox answers the fixtures' requests in their
 * shapes from a seller's catalog, the adapter reads 2,000 listings page by page exactly once each,
 * sees a quantity changed behind the seller's back and one its own push set, and crosses the
 * 10,000-content line by nextPageToken.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { fixture, shapeMismatches } from "@pazarsync/marketplace-fixtures";
import type { RunningSandbox } from "@pazarsync/marketplace-sandbox";
import type { MarketplaceAdapter } from "../../src/domains/marketplace/adapter";
import type { RemoteListing } from "../../src/domains/marketplace/types";
import { seedCatalog, setShownQuantity } from "./catalog-support";
import { pollUntilComplete } from "./fakes";
import { adapterFor, rawTrendyol, SELLER, sandbox } from "./support";

let target: RunningSandbox;
beforeAll(async () => {
  target = await sandbox();
});

const approvedPath = (query: Record<string, string>) => `/integration/product/sellers/${SELLER.sellerId}/products/approved?${new URLSearchParams(query)}`;

async function approved(query: Record<string, string>) {
  const res = await rawTrendyol(target, approvedPath(query), { method: "GET" });
  return { status: res.status, body: (await res.json()) as { content: { variants: unknown[] }[]; nextPageToken: string; totalPages: number; page: number } };
}

/** Every page from the first, as an import would read them. */
async function readAll(adapter: MarketplaceAdapter, request: { pageSize?: number } = {}): Promise<{ listings: RemoteListing[]; pages: number }> {
  const listings: RemoteListing[] = [];
  let page: string | undefined;
  let pages = 0;
  do {
    const answer = await adapter.readListings?.({ ...request, ...(page && { page }) });
    if (!answer) throw new Error("no readListings");
    listings.push(...answer.listings);
    pages += 1;
    page = answer.next ?? undefined;
  } while (page);
  return { listings, pages };
}

describe("the sandbox's Trendyol catalog answers the fixtures' requests in their shapes", () => {
  test("a page of the catalog, and the paged fixture's pages", async () => {
    await seedCatalog(target.url, "TRENDYOL", SELLER.sellerId, {
      listings: [
        { barcode: "FX-TY-A", stockCode: "FX-SC-A", marketplaceId: "900001", quantity: 4, salePrice: 12_990, listPrice: 14_990 },
        { barcode: "FX-TY-B", quantity: 0, locked: true },
      ],
    });
    const one = await approved({ page: "0", size: "100", barcode: "FX-TY-A" });
    expect(one.status).toBe(200);
    expect(one.body.content).toHaveLength(1);
    expect(shapeMismatches(fixture("trendyol", "listing-read").exchanges[0]?.response.body, one.body, "answered")).toEqual([]);
    const pages = fixture("trendyol", "listing-read.paged").exchanges;
    const first = await approved({ page: "0", size: "1", stockCode: "FX-SC-A" });
    expect(shapeMismatches(pages[0]?.response.body, first.body, "answered")).toEqual([]);
    const token = fixture("trendyol", "listing-read.token").exchanges[0];
    const next = await approved({ size: "1", nextPageToken: first.body.nextPageToken });
    expect(next.status).toBe(200);
    expect(shapeMismatches(token?.response.body, { ...next.body, content: one.body.content }, "answered")).toEqual([]);
  });

  test("size over 100, page x size over 10,000, a token it did not issue: 400; the control routes check their bodies", async () => {
    expect((await approved({ page: "0", size: "101" })).status).toBe(400);
    expect((await approved({ page: "101", size: "100" })).status).toBe(400);
    expect((await approved({ size: "100", nextPageToken: "not-ours" })).status).toBe(400);
    const bad = await fetch(`${target.url}/__sandbox/sellers/${SELLER.sellerId}/catalog`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ listings: [{ stockCode: "no-barcode" }] }) });
    expect(bad.status).toBe(422);
    await expect(setShownQuantity(target.url, "TRENDYOL", SELLER.sellerId, "NEVER-LISTED", 3)).rejects.toThrow(/404/);
    await expect(seedCatalog(target.url, "TRENDYOL", "no-such-seller", { listings: [{ barcode: "X" }] })).rejects.toThrow(/404/);
  });
});

describe("Trendyol catalog read through the adapter against the sandbox", () => {
  test("2,000 listings are read page by page, each exactly once, with its stock code, id, quantity and price", async () => {
    const seller = { sellerId: "104502", apiKey: "k2", apiSecret: "s2" };
    const own = await sandbox({ sellers: [seller] });
    expect(await seedCatalog(own.url, "TRENDYOL", seller.sellerId, { generate: { count: 2_000, barcodePrefix: "TY2K-", stockCodePrefix: "SC2K-", quantity: 7 } })).toBe(2_000);
    const { adapter, calls } = adapterFor(own, seller);
    const { listings, pages } = await readAll(adapter);
    expect(listings).toHaveLength(2_000);
    expect(new Set(listings.map((listing) => listing.barcode)).size).toBe(2_000);
    expect(new Set(listings.map((listing) => listing.marketplaceId)).size).toBe(2_000);
    expect(listings.every((listing) => listing.stockCode === listing.barcode?.replace("TY2K-", "SC2K-") && listing.quantity === 7 && listing.salePrice === 10_000)).toBe(true);
    expect(listings[0]).toMatchObject({ barcode: "TY2K-000000", stockCode: "SC2K-000000", onSale: true, locked: false });
    expect(listings.at(-1)?.barcode).toBe("TY2K-001999");
    // 100 contents a page (the documented maximum, one barcode each here), one request per page, each logged as a listing read.
    expect(pages).toBe(20);
    expect(calls.filter((call) => call.callType === "GET_LISTINGS")).toHaveLength(20);
  });

  test("a quantity changed behind the seller's back, and one its push set, are what the next read shows", async () => {
    await seedCatalog(target.url, "TRENDYOL", SELLER.sellerId, { listings: [{ barcode: "TY-DRIFT-1", quantity: 10 }, { barcode: "TY-DRIFT-2", quantity: 10 }] });
    const { adapter } = adapterFor(target);
    await setShownQuantity(target.url, "TRENDYOL", SELLER.sellerId, "TY-DRIFT-1", 3);
    const [receipt] = await adapter.pushStockAndPrice([{ barcode: "TY-DRIFT-2", quantity: 6 }]);
    if (!receipt) throw new Error("no receipt");
    await pollUntilComplete(adapter, receipt);
    const one = async (barcode: string) => (await adapter.readListings?.({ barcodes: [barcode] }))?.listings;
    expect((await one("TY-DRIFT-1"))?.map((listing) => listing.quantity)).toEqual([3]);
    expect((await one("TY-DRIFT-2"))?.map((listing) => listing.quantity)).toEqual([6]);
  });

  test("past 10,000 contents the read goes on by nextPageToken and still reads every listing once", async () => {
    // A 10 s quota window of 10 ms: the walk reads 101 pages in a row.
    const own = await sandbox({ rateLimitTimeScale: 1_000, sellers: [{ sellerId: "104501", apiKey: "k", apiSecret: "s" }] });
    await seedCatalog(own.url, "TRENDYOL", "104501", { generate: { count: 10_050, barcodePrefix: "BIG-" } });
    const urls: URL[] = [];
    const recording = ((input: Request | string | URL, init?: RequestInit) => {
      urls.push(new URL(String(input)));
      return fetch(input, init);
    }) as typeof fetch;
    const { adapter } = adapterFor(own, { sellerId: "104501", apiKey: "k", apiSecret: "s", fetch: recording });
    const { listings, pages } = await readAll(adapter);
    expect(pages).toBe(101);
    expect(new Set(listings.map((listing) => listing.barcode)).size).toBe(10_050);
    // Pages 0..99 by number; the 101st (contents 10,000 on) by the 100th answer's token, without page.
    expect(urls.filter((url) => url.searchParams.has("page"))).toHaveLength(100);
    expect(urls.filter((url) => url.searchParams.has("nextPageToken") && !url.searchParams.has("page"))).toHaveLength(1);
  });
});

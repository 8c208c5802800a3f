/**
 * Hepsiburada's catalog read against the sandbox: the catalog control routes feed the listing read
 * in the fixture's shape, the adapter reads 2,000 listings page by page exactly once each, filters
 * by merchant SKU, and sees a quantity changed behind the seller's back and one its upload set.
 */
import { describe, expect, test } from "bun:test";
import { fixture, shapeMismatches } from "@pazarsync/marketplace-fixtures";
import type { MarketplaceAdapter } from "../../src/domains/marketplace/adapter";
import type { RemoteListing } from "../../src/domains/marketplace/types";
import { seedCatalog, setShownQuantity } from "./catalog-support";
import { pollUntilComplete } from "./fakes";
import { HB_ACCOUNT, hbAdapterFor, hbSandbox, rawHb } from "./hepsiburada-support";

async function readAll(adapter: MarketplaceAdapter, request: { pageSize?: number } = {}): Promise<{ listings: RemoteListing[]; pages: number; total?: number }> {
  const listings: RemoteListing[] = [];
  let page: string | undefined;
  let pages = 0;
  let total: number | undefined;
  do {
    const answer = await adapter.readListings?.({ ...request, ...(page && { page }) });
    if (!answer) throw new Error("no readListings");
    listings.push(...answer.listings);
    total = answer.total;
    pages += 1;
    page = answer.next ?? undefined;
  } while (page);
  return { listings, pages, ...(total !== undefined && { total }) };
}

const listingsPath = `/listings/merchantid/${HB_ACCOUNT.account}`;

describe("the sandbox's Hepsiburada catalog", () => {
  test("listings given through the catalog route are read in the fixture's shape, keyed by merchantSku, with their own hepsiburadaSku and flags", async () => {
    const target = await hbSandbox();
    await seedCatalog(target.url, "HEPSIBURADA", HB_ACCOUNT.account, {
      listings: [
        { barcode: "8690000000011", stockCode: "HB-SC-1", marketplaceId: "HBCV00000ABC1", quantity: 12, salePrice: 24_990 },
        { barcode: "8690000000028", stockCode: "HB-SC-2", quantity: 3, fulfilledByMarketplace: true, locked: true },
      ],
    });
    const res = await rawHb(target, `${listingsPath}?offset=0&limit=10`, { method: "GET" });
    const body = (await res.json()) as { listings: Record<string, unknown>[]; totalCount: number };
    expect(res.status).toBe(200);
    expect(shapeMismatches(fixture("hepsiburada", "listing-read").exchanges[0]?.response.body, body, "answered")).toEqual([]);
    expect(body.listings.map((l) => [l.merchantSku, l.hepsiburadaSku, l.availableStock, l.price, l.isFulfilledByHB, l.isLocked])).toEqual([
      ["HB-SC-1", "HBCV00000ABC1", 12, 249.9, false, false],
      ["HB-SC-2", "HBVHB-SC-2", 3, 100, true, true],
    ]);
  });

  test("the control routes check their bodies and keys", async () => {
    const target = await hbSandbox();
    const bad = await fetch(`${target.url}/__sandbox/marketplaces/hepsiburada/${HB_ACCOUNT.account}/catalog`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ generate: { count: 0, barcodePrefix: "X" } }),
    });
    expect(bad.status).toBe(422);
    const wrongMethod = await fetch(`${target.url}/__sandbox/marketplaces/hepsiburada/${HB_ACCOUNT.account}/shown-quantity`, { method: "POST", body: "{}" });
    expect(wrongMethod.status).toBe(405);
    await expect(setShownQuantity(target.url, "HEPSIBURADA", HB_ACCOUNT.account, "NEVER-LISTED", 1)).rejects.toThrow(/404/);
    await expect(seedCatalog(target.url, "HEPSIBURADA", "no-such-merchant", { listings: [{ barcode: "X" }] })).rejects.toThrow(/404/);
  });
});

describe("Hepsiburada catalog read through the adapter against the sandbox", () => {
  test("2,000 listings are read page by page, each exactly once, with its merchantSku, hepsiburadaSku, stock shown and price", async () => {
    const target = await hbSandbox();
    expect(await seedCatalog(target.url, "HEPSIBURADA", HB_ACCOUNT.account, { generate: { count: 2_000, barcodePrefix: "B2K-", stockCodePrefix: "HB2K-", quantity: 4 } })).toBe(2_000);
    const { adapter, calls } = hbAdapterFor(target);
    const { listings, pages, total } = await readAll(adapter);
    expect(listings).toHaveLength(2_000);
    expect(total).toBe(2_000);
    expect(new Set(listings.map((listing) => listing.stockCode)).size).toBe(2_000);
    expect(new Set(listings.map((listing) => listing.marketplaceId)).size).toBe(2_000);
    expect(listings.every((listing) => listing.stockCode?.startsWith("HB2K-") && listing.quantity === 4 && listing.salePrice === 10_000 && listing.fulfilledByMarketplace === false)).toBe(true);
    expect(listings[0]).toMatchObject({ stockCode: "HB2K-000000", marketplaceId: "HBVHB2K-000000", locked: false });
    // 50 a page (the default), one request per page, each logged as a listing read: within the assumed 60 a minute.
    expect(pages).toBe(40);
    expect(calls.filter((call) => call.callType === "GET_LISTINGS")).toHaveLength(40);
  });

  test("merchant SKUs filter the read; a quantity changed behind the seller's back, and one its upload set, are what the next read shows", async () => {
    const target = await hbSandbox();
    await seedCatalog(target.url, "HEPSIBURADA", HB_ACCOUNT.account, {
      listings: [
        { barcode: "8690000000035", stockCode: "HB-DRIFT-1", quantity: 10 },
        // No stock code: merchantSku is the barcode, what the upload sends until it keys on stock codes.
        { barcode: "HB-DRIFT-2", quantity: 10 },
        { barcode: "8690000000059", stockCode: "HB-OTHER", quantity: 10 },
      ],
    });
    const { adapter } = hbAdapterFor(target);
    await setShownQuantity(target.url, "HEPSIBURADA", HB_ACCOUNT.account, "HB-DRIFT-1", 2);
    const [receipt] = await adapter.pushStockAndPrice([{ barcode: "HB-DRIFT-2", quantity: 6 }]);
    if (!receipt) throw new Error("no receipt");
    await pollUntilComplete(adapter, receipt);
    const page = await adapter.readListings?.({ stockCodes: ["HB-DRIFT-1", "HB-DRIFT-2"] });
    expect(page?.listings.map((listing) => [listing.stockCode, listing.quantity])).toEqual([
      ["HB-DRIFT-1", 2],
      ["HB-DRIFT-2", 6],
    ]);
    expect(page?.next).toBeNull();
  });
});

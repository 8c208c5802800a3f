/**
 * The listing reads of N11, PttAVM and Pazarama against the sandbox: a catalog of 2,000 listings
 * is read page by page through each adapter, every listing once with its identifiers and the
 * quantity it shows; a quantity changed behind our back and a stock push are both seen by the next read.
 */
import { describe, expect, test } from "bun:test";
import type { MarketplaceAdapter } from "../../src/domains/marketplace/adapter";
import type { RemoteListing } from "../../src/domains/marketplace/types";
import { seedCatalog, setShownQuantity } from "./catalog-support";
import { readAllListings } from "./listing-reads-support";
import { N11_ACCOUNT, n11AdapterFor, n11Sandbox } from "./n11-support";
import { PTT_ACCOUNT, pttAdapterFor, pttSandbox } from "./pttavm-support";
import { PZ_ACCOUNT, pzAdapterFor, pzSandbox } from "./pazarama-support";

const COUNT = 2_000;

interface Case {
  marketplace: "N11" | "PTTAVM" | "PAZARAMA";
  account: string;
  start(): Promise<{ url: string }>;
  adapter(target: { url: string }): MarketplaceAdapter;
  /** What the marketplace keys a listing on, from its barcode and stock code. */
  keyOf(barcode: string, stockCode: string): string;
  /** Whether the read gives the stock code (PttAVM's shows none). */
  showsStockCode: boolean;
  pages: number;
}

const CASES: Case[] = [
  { marketplace: "N11", account: N11_ACCOUNT.account, start: () => n11Sandbox(), adapter: (t) => n11AdapterFor(t).adapter, keyOf: (_b, s) => s, showsStockCode: true, pages: 8 },
  { marketplace: "PTTAVM", account: PTT_ACCOUNT.account, start: () => pttSandbox(), adapter: (t) => pttAdapterFor(t).adapter, keyOf: (b) => b, showsStockCode: false, pages: 21 },
  { marketplace: "PAZARAMA", account: PZ_ACCOUNT.account, start: () => pzSandbox(), adapter: (t) => pzAdapterFor(t).adapter, keyOf: (b) => b, showsStockCode: true, pages: 20 },
];

const byBarcode = (listings: RemoteListing[]) => new Map(listings.map((listing) => [listing.barcode ?? "", listing]));

for (const c of CASES) {
  describe(`${c.marketplace} listing read against the sandbox`, () => {
    test(`${COUNT} listings read page by page: each once, with its identifiers and shown quantity`, async () => {
      const target = await c.start();
      const seeded = await seedCatalog(target.url, c.marketplace, c.account, {
        listings: [{ barcode: "LR-SPECIAL", stockCode: "SC-SPECIAL", marketplaceId: "987654", quantity: 3, salePrice: 12_990, listPrice: 14_990 }],
        generate: { count: COUNT - 1, barcodePrefix: "LR-", stockCodePrefix: "SC-", quantity: 7 },
      });
      expect(seeded).toBe(COUNT);
      const { listings, pages } = await readAllListings(c.adapter(target));
      expect(pages).toBe(c.pages);
      expect(listings.length).toBe(COUNT);
      const read = byBarcode(listings);
      expect(read.size).toBe(COUNT);
      expect(new Set(listings.map((listing) => listing.marketplaceId)).size).toBe(COUNT);
      expect(read.get("LR-000001")).toMatchObject({ quantity: 7, ...(c.showsStockCode ? { stockCode: "SC-000001" } : {}) });
      expect(read.get("LR-001998")?.quantity).toBe(7);
      const special = read.get("LR-SPECIAL");
      expect(special).toMatchObject({ marketplaceId: "987654", quantity: 3, salePrice: 12_990 });
      expect(special?.stockCode).toBe(c.showsStockCode ? "SC-SPECIAL" : undefined);
    });

    test("a quantity changed behind our back, and a stock push, are seen by the next read", async () => {
      const target = await c.start();
      await seedCatalog(target.url, c.marketplace, c.account, { generate: { count: 3, barcodePrefix: "DR-", stockCodePrefix: "DS-", quantity: 5 } });
      const adapter = c.adapter(target);
      expect(byBarcode((await readAllListings(adapter)).listings).get("DR-000002")?.quantity).toBe(5);
      await setShownQuantity(target.url, c.marketplace, c.account, c.keyOf("DR-000002", "DS-000002"), 1);
      expect(byBarcode((await readAllListings(adapter)).listings).get("DR-000002")?.quantity).toBe(1);
      // Until the push sends each marketplace's own key, a push keys on the barcode: a listing keyed so takes it.
      await seedCatalog(target.url, c.marketplace, c.account, { listings: [{ barcode: "DR-PUSH", quantity: 2 }] });
      const receipts = await adapter.pushStockAndPrice([{ barcode: "DR-PUSH", quantity: 9, salePrice: 10_000, listPrice: 12_000 }]);
      for (const receipt of receipts) expect((await adapter.batchStatus(receipt)).items.map((item) => item.outcome)).toEqual(["SUCCEEDED"]);
      expect(byBarcode((await readAllListings(adapter)).listings).get("DR-PUSH")?.quantity).toBe(9);
    });

    test("bad control bodies are refused with a 400 naming the problem; an unknown key is a 404", async () => {
      const target = await c.start();
      const base = `${target.url}/__sandbox/marketplaces/${c.marketplace.toLowerCase()}/${c.account}`;
      const put = (what: string, body: unknown) => fetch(`${base}/${what}`, { method: "PUT", body: JSON.stringify(body) });
      expect((await put("catalog", { listings: [{ stockCode: "X" }] })).status).toBe(400);
      expect((await put("catalog", { generate: { count: 0, barcodePrefix: "X" } })).status).toBe(400);
      expect((await put("shown-quantity", { key: "NOPE", quantity: 1 })).status).toBe(404);
      expect((await put("shown-quantity", { key: "NOPE", quantity: -1 })).status).toBe(400);
      expect((await fetch(`${base}/catalog`, { method: "POST", body: "{}" })).status).toBe(405);
    });
  });
}

/**
 * A small client of the sandbox's catalog control routes (the same body on every marketplace,
 * packages/marketplace-sandbox/src/catalog-body.ts), for import, drift and listing-read tests:
 * Trendyol under /__sandbox/sellers/{sellerId}, the others under
 * /__sandbox/marketplaces/{name}/{account}.
 */
import type { MarketplaceName } from "../../src/domains/marketplace/types";

export interface CatalogSeed {
  /** Prices in minor units (kuruş). */
  listings?: {
    barcode: string;
    stockCode?: string;
    marketplaceId?: string;
    quantity?: number;
    salePrice?: number;
    listPrice?: number;
    fulfilledByMarketplace?: boolean;
    locked?: boolean;
  }[];
  /** `${barcodePrefix}${n padded to 6}` (and the stock code alike) for n in [from, from + count), from 0 by default. */
  generate?: { count: number; barcodePrefix: string; stockCodePrefix?: string; quantity?: number; from?: number };
}

function catalogPath(marketplace: MarketplaceName, account: string, what: "catalog" | "shown-quantity"): string {
  const name = encodeURIComponent(account);
  if (marketplace === "TRENDYOL") return `/__sandbox/sellers/${name}/${what}`;
  return `/__sandbox/marketplaces/${marketplace.toLowerCase()}/${name}/${what}`;
}

async function put(sandboxUrl: string, path: string, body: unknown): Promise<unknown> {
  const res = await fetch(`${sandboxUrl}${path}`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const answer: unknown = await res.json();
  if (res.status !== 200) throw new Error(`PUT ${path} answered ${res.status}: ${JSON.stringify(answer)}`);
  return answer;
}

/** Adds or replaces the account's listings; answers how many it lists now. */
export async function seedCatalog(sandboxUrl: string, marketplace: MarketplaceName, account: string, body: CatalogSeed): Promise<number> {
  const answer = await put(sandboxUrl, catalogPath(marketplace, account, "catalog"), body);
  return (answer as { listings: number }).listings;
}

/** What the marketplace shows for the listing its key names (Trendyol, PttAVM, Pazarama: the barcode; Hepsiburada: the merchant SKU; N11: the stock code), behind the seller's back. */
export async function setShownQuantity(sandboxUrl: string, marketplace: MarketplaceName, account: string, key: string, quantity: number): Promise<void> {
  await put(sandboxUrl, catalogPath(marketplace, account, "shown-quantity"), { key, quantity });
}

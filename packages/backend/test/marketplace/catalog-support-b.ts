/**
 * The sandbox catalog of N11, PttAVM and Pazarama accounts, for imports, drift checks and listing
 * reads (the module marketplaces' control routes, seller-catalog.ts in the sandbox). The Trendyol and
 * Hepsiburada cases live in catalog-support.ts; the bodies are the same on every marketplace.
 */

export type CatalogMarketplaceB = "N11" | "PTTAVM" | "PAZARAMA";

export interface CatalogListingSeed {
  barcode: string;
  stockCode?: string;
  marketplaceId?: string;
  quantity?: number;
  /** Minor units (kuruş). */
  salePrice?: number;
  listPrice?: number;
  fulfilledByMarketplace?: boolean;
  locked?: boolean;
}

/** `generate` makes `${barcodePrefix}${n padded to 6}` (and the stock code likewise) for n in [from, from + count); from defaults to 1. */
export interface CatalogSeedBody {
  listings?: CatalogListingSeed[];
  generate?: { count: number; barcodePrefix: string; stockCodePrefix?: string; quantity?: number; from?: number };
}

function controlUrl(sandboxUrl: string, marketplace: CatalogMarketplaceB, account: string, what: string): string {
  return `${sandboxUrl}/__sandbox/marketplaces/${marketplace.toLowerCase()}/${encodeURIComponent(account)}/${what}`;
}

async function put<T>(url: string, body: unknown): Promise<T> {
  const res = await fetch(url, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const answer = (await res.json()) as T;
  if (!res.ok) throw new Error(`PUT ${url}: ${res.status} ${JSON.stringify(answer)}`);
  return answer;
}

/** Adds or replaces listings in the account's catalog; answers how many it holds now. */
export function seedCatalogB(sandboxUrl: string, marketplace: CatalogMarketplaceB, account: string, body: CatalogSeedBody): Promise<{ listings: number }> {
  return put(controlUrl(sandboxUrl, marketplace, account, "catalog"), body);
}

/** The marketplace shows another quantity behind our back; `key` is what it keys on (N11 the stock code, PttAVM and Pazarama the barcode). */
export function setShownQuantityB(sandboxUrl: string, marketplace: CatalogMarketplaceB, account: string, body: { key: string; quantity: number }): Promise<{ key: string; quantity: number }> {
  return put(controlUrl(sandboxUrl, marketplace, account, "shown-quantity"), body);
}

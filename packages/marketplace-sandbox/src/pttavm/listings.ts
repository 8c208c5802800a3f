/**
 * The product search (fixture pttavm/listing-read.json): GET /products/search with the six filters
 * and searchPage from 1, a bare array of at most 100 products (the page size is the sandbox's: no
 * source gives PttAVM's), an empty array past the last page. isActive=true leaves locked
 * (inactive) listings out. Quantities are what the account shows under the barcode; prices the
 * last written, else the seeded ones with VAT at 20%.
 */
import { PTTAVM } from "@pazarsync/backend/src/domains/marketplace/pttavm/facts";
import { PTTAVM_LISTINGS } from "@pazarsync/backend/src/domains/marketplace/pttavm/listings-read";
import type { ModuleHandled } from "../module";
import { type CatalogListing, decimalOf } from "../seller-catalog";
import { settlePttavm } from "./processing";
import type { PttAccount, PttavmSandboxState } from "./state";

export const PTT_PRODUCT_SEARCH = `${PTTAVM.apiPrefix}${PTTAVM_LISTINGS.path}`;
export const PTT_SEARCH_PAGE_SIZE = 100;
const FILTERS = ["categoryId", "subCategoryId", "isActive", "isInStock", "merchantCategoryId"] as const;

const round2 = (value: number) => Math.round(value * 100) / 100;

function itemOf(account: PttAccount, listing: CatalogListing) {
  const written = account.prices.get(listing.barcode);
  const withVat = written?.priceWithVAT ?? decimalOf(listing.salePrice);
  const vatRate = written?.vatRate ?? PTTAVM.vatRate;
  return {
    productId: /^\d{1,15}$/.test(listing.marketplaceId) ? Number(listing.marketplaceId) : listing.marketplaceId,
    barcode: listing.barcode,
    quantity: account.quantities.get(listing.barcode) ?? 0,
    priceWithVAT: withVat,
    priceWithoutVAT: withVat === null ? null : round2(withVat / (1 + vatRate / 100)),
    vatRate,
    discount: written?.discount ?? 0,
    active: !listing.locked,
  };
}

export function searchPttProducts(state: PttavmSandboxState, account: PttAccount, query: Record<string, string>, now: number): Omit<ModuleHandled, "account" | "endpoint" | "write"> {
  const missing = FILTERS.filter((name) => query[name] === undefined);
  // The client calls the six filters required: a search without them is refused the way PttAVM refuses bodies.
  if (missing.length > 0) return { reply: { status: 400, body: { success: false, message: `Zorunlu alan: ${missing.join(", ")}` } }, itemCount: 0 };
  const page = query.searchPage === undefined ? 1 : /^\d{1,9}$/.test(query.searchPage) ? Number(query.searchPage) : 0;
  if (page < 1) return { reply: { status: 400, body: { success: false, message: "searchPage 1 veya daha büyük olmalı" } }, itemCount: 0 };
  settlePttavm(state, now);
  const activeOnly = query.isActive === "true";
  const all = activeOnly ? account.catalog.listings().filter((listing) => !listing.locked) : account.catalog.listings();
  const items = all.slice((page - 1) * PTT_SEARCH_PAGE_SIZE, page * PTT_SEARCH_PAGE_SIZE).map((listing) => itemOf(account, listing));
  return { reply: { status: 200, body: items }, itemCount: items.length };
}

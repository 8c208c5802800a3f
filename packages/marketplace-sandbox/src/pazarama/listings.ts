/**
 * The approved products list (fixture pazarama/listing-read.json): GET /product/products (wiensa)
 * or /product/getProducts (zolm), Approved, Page from 1, Size at most 100, Code for one product,
 * answered from the account's catalog in Pazarama's envelope with totalCount. Every catalog
 * listing is approved, so Approved=false lists none. Quantities are what the account shows under
 * the code (the barcode, what updateStock-v2 sets); prices the last written, else the seeded ones.
 */
import { PAZARAMA_LISTINGS } from "@pazarsync/backend/src/domains/marketplace/pazarama/listings-read";
import type { ModuleHandled, Reply } from "../module";
import { type CatalogListing, decimalOf } from "../seller-catalog";
import { settlePazarama } from "./processing";
import type { PazaramaSandboxState, PzAccount } from "./state";

/** Both paths clients use for the list (sources disagree). */
const PATHS = new Set([PAZARAMA_LISTINGS.path, "/product/getProducts"]);
export const isPzProductList = (path: string) => PATHS.has(path);

const envelope = (data: unknown, totalCount: number) => ({ data, success: true, messageCode: null, message: null, userMessage: null, totalCount });
const refuse = (message: string): Reply => ({ status: 400, body: { data: null, success: false, messageCode: "ERR", message, userMessage: message } });

function itemOf(account: PzAccount, listing: CatalogListing) {
  const written = account.prices.get(listing.barcode);
  return {
    id: listing.marketplaceId,
    name: `Ürün ${listing.barcode}`,
    displayName: `Ürün ${listing.barcode}`,
    description: "",
    brandName: "Sandbox",
    code: listing.barcode,
    groupCode: "",
    stockCount: account.quantities.get(listing.barcode) ?? 0,
    stockCode: listing.stockCode ?? null,
    priorityRank: 0,
    listPrice: written?.listPrice ?? decimalOf(listing.listPrice),
    salePrice: written?.salePrice ?? decimalOf(listing.salePrice),
    vatRate: 20,
    categoryName: "Sandbox",
  };
}

const positive = (value: string | undefined, fallback: number): number => (value === undefined ? fallback : /^\d{1,9}$/.test(value) ? Number(value) : 0);

export function listPzProducts(state: PazaramaSandboxState, account: PzAccount, query: Record<string, string>, now: number): Omit<ModuleHandled, "account" | "endpoint" | "write"> {
  const page = positive(query.Page, 1);
  const size = positive(query.Size, PAZARAMA_LISTINGS.maxPageSize);
  if (page < 1 || size < 1) return { reply: refuse("Page ve Size 1 veya daha büyük olmalı"), itemCount: 0 };
  settlePazarama(state, now);
  const capped = Math.min(size, PAZARAMA_LISTINGS.maxPageSize);
  const approved = query.Approved === undefined || query.Approved.toLowerCase() === "true";
  const listed = approved ? account.catalog.listings() : [];
  const all = query.Code === undefined ? listed : listed.filter((listing) => listing.barcode === query.Code);
  const data = all.slice((page - 1) * capped, page * capped).map((listing) => itemOf(account, listing));
  return { reply: { status: 200, body: envelope(data, all.length) }, itemCount: data.length };
}

/**
 * The product query (fixture n11/listing-read.json): GET /ms/product-query?page&size[&stockCode],
 * pages from 0, size 20 by default and at most 250, answered from the account's catalog in N11's
 * Spring-style page. The quantity is what the account shows under the listing's stock code (what
 * price-stock-update sets); prices are the last written, else the seeded ones.
 */
import { N11_LISTINGS } from "@pazarsync/backend/src/domains/marketplace/n11/listings-read";
import type { ModuleHandled, Reply } from "../module";
import { type CatalogListing, decimalOf } from "../seller-catalog";
import { settleN11 } from "./processing";
import type { N11Account, N11SandboxState } from "./state";

export const N11_PRODUCT_QUERY = N11_LISTINGS.path;
const DEFAULT_SIZE = 20;

const badRequest = (message: string): Reply => ({ status: 400, body: { status: 400, error: "Bad Request", message } });

function rowOf(account: N11Account, listing: CatalogListing) {
  const stockCode = account.catalog.keyOf(listing);
  const quantity = account.quantities.get(stockCode) ?? 0;
  const written = account.prices.get(stockCode);
  const id = /^\d{1,15}$/.test(listing.marketplaceId) ? Number(listing.marketplaceId) : listing.marketplaceId;
  return {
    n11ProductId: id,
    sellerId: 2000001,
    sellerNickname: account.account,
    stockCode,
    title: `Ürün ${listing.barcode}`,
    description: "",
    categoryId: 1000002,
    productMainId: stockCode,
    status: listing.locked ? "Suspended" : "Active",
    saleStatus: quantity > 0 ? "On_Sale" : "Out_Of_Stock",
    preparingDay: 3,
    shipmentTemplate: "Standart",
    maxPurchaseQuantity: 5,
    customTextOptions: [],
    catalogId: id,
    barcode: listing.barcode,
    groupId: id,
    currencyType: "TL",
    salePrice: written?.salePrice ?? decimalOf(listing.salePrice),
    listPrice: written?.listPrice ?? decimalOf(listing.listPrice),
    quantity,
    attributes: [{ attributeId: 1, attributeName: "Marka", attributeValue: "Sandbox" }],
    imageUrls: [],
    vatRate: 20,
    commissionRate: 12,
    sender: listing.fulfilledByMarketplace ? "N11" : "SELLER",
  };
}

const naturalText = (value: string | undefined, fallback: number): number => (value === undefined ? fallback : /^\d{1,9}$/.test(value) ? Number(value) : Number.NaN);

export function queryN11Products(state: N11SandboxState, account: N11Account, query: Record<string, string>, now: number): Omit<ModuleHandled, "account" | "endpoint" | "write"> {
  const page = naturalText(query.page, 0);
  const size = naturalText(query.size, DEFAULT_SIZE);
  if (Number.isNaN(page) || Number.isNaN(size) || size < 1) return { reply: badRequest("page >= 0 ve size >= 1 olmalı"), itemCount: 0 };
  // Pending writes land first, so a read after a processed task shows it.
  settleN11(state, now);
  const capped = Math.min(size, N11_LISTINGS.maxPageSize);
  const all = query.stockCode === undefined ? account.catalog.listings() : account.catalog.listings().filter((listing) => account.catalog.keyOf(listing) === query.stockCode);
  const content = all.slice(page * capped, (page + 1) * capped).map((listing) => rowOf(account, listing));
  const totalPages = Math.ceil(all.length / capped);
  return {
    reply: {
      status: 200,
      body: {
        content,
        pageable: { pageNumber: page, pageSize: capped, offset: page * capped, paged: true, unpaged: false },
        totalElements: all.length,
        totalPages,
        number: page,
        numberOfElements: content.length,
        size: capped,
        first: page === 0,
        last: page + 1 >= totalPages,
        empty: content.length === 0,
      },
    },
    itemCount: content.length,
  };
}

/**
 * N11's listing catalog read, GET /ms/product-query (fixture n11/listing-read.json; lonca's client
 * citing the official "Satıcı Ürün Sorgulama" page): pages from 0, size at most 250, a
 * Spring-style page answer. N11 keys on stockCode, so a read of one listing filters by it; barcodes
 * cannot be filtered (the whole catalog is read).
 */
import { MarketplaceOutcomeUnknown } from "../errors";
import { idText, isRecord } from "../json";
import { clampPageSize, pageOfToken, pageToken, present, quantityField, singleCode, textField } from "../listing-pages";
import { minorUnitsOf } from "../money";
import type { ListingPage, RemoteListing } from "../types";
import { n11Request, type N11Transport } from "./http";

export const N11_LISTINGS = {
  path: "/ms/product-query",
  /** "size (default 20, max 250)" (lonca, citing the official page): we ask the most. */
  maxPageSize: 250,
  /** Undocumented ("Rate limit: none documented for this endpoint"): an assumption per minute, a setting. */
  requestsPerMinute: 100,
  group: "product-query",
} as const;

/** saleStatus On_Sale / Out_Of_Stock; a status other than Active is not on sale. */
function onSaleOf(row: Record<string, unknown>): boolean | undefined {
  if (typeof row.status === "string" && row.status !== "Active") return false;
  if (row.saleStatus === "On_Sale") return true;
  if (row.saleStatus === "Out_Of_Stock") return false;
  return undefined;
}

/** sender N11: stock in n11's own warehouse (n11depom), not the seller's to push. */
function fulfilledOf(sender: unknown): boolean | undefined {
  return sender === "N11" ? true : sender === "SELLER" ? false : undefined;
}

export function n11ListingOf(row: Record<string, unknown>): RemoteListing {
  return {
    ...present({
      marketplaceId: idText(row.n11ProductId),
      barcode: textField(row.barcode),
      stockCode: textField(row.stockCode),
      quantity: quantityField(row.quantity),
      salePrice: minorUnitsOf(row.salePrice),
      fulfilledByMarketplace: fulfilledOf(row.sender),
      onSale: onSaleOf(row),
    }),
    raw: row,
  };
}

const natural = (value: unknown): value is number => Number.isSafeInteger(value) && Number(value) >= 0;

/** One page of the answer; undefined when it holds no content list. */
export function n11ListingPageOf(body: unknown, page: number): ListingPage | undefined {
  if (!isRecord(body) || !Array.isArray(body.content)) return undefined;
  const listings = body.content.filter(isRecord).map(n11ListingOf);
  const lastByCount = natural(body.totalPages) && page + 1 >= body.totalPages;
  const last = body.content.length === 0 || body.last === true || lastByCount;
  return { listings, next: last ? null : pageToken(page + 1), ...(natural(body.totalElements) && { total: body.totalElements }) };
}

export async function readN11Listings(transport: N11Transport, request: { page?: string; pageSize?: number; stockCodes?: readonly string[] }): Promise<ListingPage> {
  const page = pageOfToken(request.page, 0, "N11 listing");
  const size = clampPageSize(request.pageSize, N11_LISTINGS.maxPageSize, N11_LISTINGS.maxPageSize);
  const stockCode = singleCode(request.stockCodes);
  const { status, body } = await n11Request(transport, {
    method: "GET",
    path: N11_LISTINGS.path,
    query: { page: String(page), size: String(size), ...(stockCode === undefined ? {} : { stockCode }) },
    callType: "GET_LISTINGS",
    itemCount: 0,
  });
  const read = n11ListingPageOf(body, page);
  if (!read) throw new MarketplaceOutcomeUnknown("N11", "UNREADABLE_ANSWER", status, "the product query answer has no content list");
  return read;
}

/**
 * Pazarama's listing catalog read of approved products (fixture pazarama/listing-read.json): GET
 * /product/products (wiensa; zolm calls /product/getProducts: the path is a setting) with
 * Approved=true, Page from 1 and Size at most 100, answering `{ data: [...], totalCount? }`. `code`
 * is what the writes key on (we send the barcode there); Code narrows the read to one product.
 */
import { MarketplaceOutcomeUnknown } from "../errors";
import { idText, isRecord } from "../json";
import { clampPageSize, flagField, pageOfToken, pageToken, present, quantityField, singleCode, textField } from "../listing-pages";
import type { ListingPage, RemoteListing } from "../types";
import { pazaramaRequest, type PazaramaTransport } from "./http";
import { minorUnits } from "./wire";

export const PAZARAMA_LISTINGS = {
  path: "/product/products",
  /** zolm caps Size at 100; wiensa's default is 100. */
  maxPageSize: 100,
  group: "products",
  /** Undocumented: an assumption per minute, a setting. */
  requestsPerMinute: 60,
} as const;

export function pazaramaListingOf(item: Record<string, unknown>): RemoteListing {
  return {
    ...present({
      marketplaceId: idText(item.id),
      // zolm reads a barcode field; wiensa's item has only code, which the writes key on.
      barcode: textField(item.barcode) ?? textField(item.code),
      stockCode: textField(item.stockCode),
      quantity: quantityField(item.stockCount) ?? quantityField(item.stockQuantity),
      salePrice: minorUnits(item.salePrice),
      onSale: flagField(item.active),
    }),
    raw: item,
  };
}

const natural = (value: unknown): value is number => Number.isSafeInteger(value) && Number(value) >= 0;

/** One page of the answer; undefined when `data` is not a list. */
export function pazaramaListingPageOf(body: unknown, page: number, size: number): ListingPage | undefined {
  if (!isRecord(body) || !Array.isArray(body.data)) return undefined;
  const total = natural(body.totalCount) ? body.totalCount : undefined;
  const last = body.data.length < size || (total !== undefined && page * size >= total);
  return { listings: body.data.filter(isRecord).map(pazaramaListingOf), next: last ? null : pageToken(page + 1), ...(total !== undefined && { total }) };
}

export async function readPazaramaListings(
  transport: PazaramaTransport,
  path: string,
  request: { page?: string; pageSize?: number; barcodes?: readonly string[] },
): Promise<ListingPage> {
  const page = pageOfToken(request.page, 1, "Pazarama listing");
  const size = clampPageSize(request.pageSize, PAZARAMA_LISTINGS.maxPageSize, PAZARAMA_LISTINGS.maxPageSize);
  const code = singleCode(request.barcodes);
  const { status, body } = await pazaramaRequest(transport, {
    method: "GET",
    path,
    query: { Approved: "true", Page: String(page), Size: String(size), ...(code === undefined ? {} : { Code: code }) },
    callType: "GET_LISTINGS",
    itemCount: 0,
  });
  const read = pazaramaListingPageOf(body, page, size);
  if (!read) throw new MarketplaceOutcomeUnknown("PAZARAMA", "UNREADABLE_ANSWER", status, "the product list answer has no data list");
  return read;
}

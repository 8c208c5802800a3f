/**
 * PttAVM's listing catalog read, GET /products/search (fixture pttavm/listing-read.json; the
 * iotomasyon client citing developers.pttavm.com): six filters the client calls required (0 = no
 * filter) and `searchPage` from 1; no page size and no total, so the read ends at the first empty
 * page. The answer's item fields are assumed (the official write and status calls' names); no
 * source shows a stock code, and no filter by barcode, so the whole catalog is read.
 */
import { MarketplaceOutcomeUnknown } from "../errors";
import { idText, isRecord } from "../json";
import { flagField, pageOfToken, pageToken, present, quantityField, textField } from "../listing-pages";
import { minorUnitsOf } from "../money";
import type { ListingPage, RemoteListing } from "../types";
import { pttavmRequest, type PttavmTransport } from "./http";

export const PTTAVM_LISTINGS = {
  path: "/products/search",
  group: "products-search",
  /** The client's values: every filter off but isActive, which reads active listings only. */
  filters: { categoryId: "0", subCategoryId: "0", isActive: "true", isInStock: "false", merchantCategoryId: "0" },
} as const;

export function pttavmListingOf(item: Record<string, unknown>): RemoteListing {
  return {
    ...present({
      marketplaceId: idText(item.productId),
      barcode: textField(item.barcode),
      quantity: quantityField(item.quantity),
      // The store's sale prices include VAT (PttavmConfig.vatRate): priceWithVAT is the one to compare.
      salePrice: minorUnitsOf(item.priceWithVAT),
      onSale: flagField(item.active),
    }),
    raw: item,
  };
}

/** A bare array, or one under `data` (the client reads both); undefined when neither. */
export function pttavmListingPageOf(body: unknown, page: number): ListingPage | undefined {
  const items = Array.isArray(body) ? body : isRecord(body) && Array.isArray(body.data) ? body.data : undefined;
  if (!items) return undefined;
  return { listings: items.filter(isRecord).map(pttavmListingOf), next: items.length === 0 ? null : pageToken(page + 1) };
}

export async function readPttavmListings(transport: PttavmTransport, request: { page?: string }): Promise<ListingPage> {
  const page = pageOfToken(request.page, 1, "PttAVM listing");
  const { status, body } = await pttavmRequest(transport, {
    method: "GET",
    path: PTTAVM_LISTINGS.path,
    query: { ...PTTAVM_LISTINGS.filters, searchPage: String(page) },
    callType: "GET_LISTINGS",
    itemCount: 0,
  });
  const read = pttavmListingPageOf(body, page);
  if (!read) throw new MarketplaceOutcomeUnknown("PTTAVM", "UNREADABLE_ANSWER", status, "the product search answer has no product list");
  return read;
}

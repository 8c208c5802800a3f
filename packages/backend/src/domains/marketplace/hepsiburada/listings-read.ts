/**
 * Hepsiburada's listing read (fixtures hepsiburada/listing-read, .paged):
 * `GET /listings/merchantid/{merchantId}?offset&limit[&merchantSkuList]` answering
 * `{ listings, totalCount, limit, offset }`. One reader for both users: the catalog read
 * (readListings: import, drift) and the fulfilment screen (fulfilled-by-hb.ts), so a listing is
 * parsed one way. Listings carry no barcode: merchantSku is the seller's stock code, hepsiburadaSku
 * Hepsiburada's own id.
 */
import { MarketplaceOutcomeUnknown, MarketplacePageInvalid } from "../errors";
import { isRecord } from "../json";
import { minorUnitsOf } from "../money";
import type { ApiCallType, ListingPage, RemoteListing } from "../types";
import { hepsiburadaPaths } from "./facts";
import { hepsiburadaRequest, type HepsiburadaTransport } from "./http";

/** The listing guide: at most 50 merchantSkus per read. */
export const MAX_MERCHANT_SKU_FILTER = 50;

const text = (value: unknown) => (typeof value === "string" && value.length > 0 ? value : undefined);
const natural = (value: unknown): value is number => Number.isSafeInteger(value) && Number(value) >= 0;

/** One listing as read; what it does not say stays absent. */
export function hepsiburadaListingOf(listing: Record<string, unknown>): RemoteListing {
  const marketplaceId = text(listing.hepsiburadaSku);
  const stockCode = text(listing.merchantSku);
  const quantity = natural(listing.availableStock) ? listing.availableStock : undefined;
  const salePrice = minorUnitsOf(listing.price);
  return {
    ...(marketplaceId !== undefined && { marketplaceId }),
    ...(stockCode !== undefined && { stockCode }),
    ...(quantity !== undefined && { quantity }),
    ...(salePrice !== undefined && { salePrice }),
    ...(typeof listing.isFulfilledByHB === "boolean" && { fulfilledByMarketplace: listing.isFulfilledByHB }),
    ...(typeof listing.isLocked === "boolean" && { locked: listing.isLocked }),
    ...(typeof listing.isSalable === "boolean" && { onSale: listing.isSalable }),
    raw: listing,
  };
}

export interface HepsiburadaListingPage {
  listings: RemoteListing[];
  /** Listings on this page: the offset moves by this much. */
  count: number;
  totalCount: number | undefined;
}

/** `{ listings: [...], totalCount, limit, offset }`; undefined when unreadable. */
export function hepsiburadaListingPageFrom(body: unknown): HepsiburadaListingPage | undefined {
  if (!isRecord(body) || !Array.isArray(body.listings)) return undefined;
  const listings = body.listings.flatMap((listing) => (isRecord(listing) ? [hepsiburadaListingOf(listing)] : []));
  return { listings, count: body.listings.length, totalCount: natural(body.totalCount) ? body.totalCount : undefined };
}

/** One request for one page; an answer without a listings array is unreadable. */
export async function readHepsiburadaListingPage(
  transport: HepsiburadaTransport,
  read: { merchantId: string; offset: number; limit: number; merchantSkus?: readonly string[]; callType: ApiCallType },
): Promise<HepsiburadaListingPage> {
  const query = new URLSearchParams({ offset: String(read.offset), limit: String(read.limit) });
  if (read.merchantSkus?.length) query.set("merchantSkuList", read.merchantSkus.join(","));
  const { status, body } = await hepsiburadaRequest(transport, {
    service: "listing",
    method: "GET",
    path: `${hepsiburadaPaths.listings(read.merchantId)}?${query}`,
    callType: read.callType,
    itemCount: 0,
  });
  const page = hepsiburadaListingPageFrom(body);
  if (!page) throw new MarketplaceOutcomeUnknown("HEPSIBURADA", "UNREADABLE_ANSWER", status, "the listing read has no listings array");
  return page;
}

/** The page token: the offset to read next, as decimal text. */
function offsetOf(page: string): number {
  if (/^\d{1,9}$/.test(page)) return Number(page);
  const refused = new MarketplacePageInvalid(page);
  refused.message = "The Hepsiburada listing page token is not one this adapter issued";
  throw refused;
}

export interface HepsiburadaListingReaderSettings {
  merchantId: string;
  /** Listings per page when the caller wishes none. */
  pageSize: number;
  /** The most a page may ask for (no source fixes one: assumed, a setting). */
  maxPageSize: number;
}

/**
 * readListings: offset pages, the token the next offset. `stockCodes` (merchantSkus) filter where
 * there are at most 50 (the guide's cap); barcodes cannot be filtered (the read has none), so a
 * barcode-only request reads everything.
 */
export function createHepsiburadaListingReader(transport: HepsiburadaTransport, settings: HepsiburadaListingReaderSettings) {
  return async function readListings(request: { page?: string; pageSize?: number; barcodes?: readonly string[]; stockCodes?: readonly string[] }): Promise<ListingPage> {
    const offset = request.page ? offsetOf(request.page) : 0;
    const wish = request.pageSize !== undefined && Number.isFinite(request.pageSize) ? Math.floor(request.pageSize) : settings.pageSize;
    const limit = Math.min(settings.maxPageSize, Math.max(1, wish));
    const filter = request.stockCodes && request.stockCodes.length > 0 && request.stockCodes.length <= MAX_MERCHANT_SKU_FILTER ? request.stockCodes : undefined;
    const page = await readHepsiburadaListingPage(transport, { merchantId: settings.merchantId, offset, limit, callType: "GET_LISTINGS", ...(filter && { merchantSkus: filter }) });
    const end = offset + page.count;
    const last = page.count === 0 || (page.totalCount !== undefined ? end >= page.totalCount : page.count < limit);
    return { listings: page.listings, next: last ? null : String(end), ...(page.totalCount !== undefined && { total: page.totalCount }) };
  };
}

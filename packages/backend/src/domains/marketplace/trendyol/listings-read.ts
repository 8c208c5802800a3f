/**
 * Trendyol's catalog read (fixtures trendyol/listing-read, .paged, .token): filterProducts for
 * approved products v2, `GET .../products/approved?page&size[&barcode]`. Pages hold contents
 * (products), each with its variants (barcodes); every variant is one listing. Pages are numbered
 * from 0 while page x size stays within 10,000; past that the next page is asked with the last
 * answer's nextPageToken and the same size, without page. The page token carries all of it, so a
 * caller resuming a job pages on without knowing which mode it is in. One request per call.
 */
import { MarketplaceOutcomeUnknown, MarketplacePageInvalid } from "../errors";
import { idText, isRecord } from "../json";
import { minorUnitsOf } from "../money";
import type { ListingPage, RemoteListing } from "../types";
import { TRENDYOL_LISTINGS, trendyolPaths } from "./facts";
import { trendyolRequest, type TrendyolTransport } from "./http";

interface Position {
  /** The page to read, from 0. */
  page: number;
  /** Contents per page: fixed by the first call, so page numbers keep their meaning. */
  size: number;
  /** The last answer's nextPageToken, needed once page x size passes 10,000. */
  token?: string;
}

const natural = (value: unknown): value is number => Number.isSafeInteger(value) && Number(value) >= 0;

function encodePosition(position: Position): string {
  return Buffer.from(JSON.stringify(position)).toString("base64url");
}

function decodePosition(text: string): Position {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
    if (isRecord(value) && natural(value.page) && natural(value.size) && value.size >= 1 && value.size <= TRENDYOL_LISTINGS.maxPageSize) {
      const token = typeof value.token === "string" && value.token.length > 0 ? value.token : undefined;
      return { page: value.page, size: value.size, ...(token ? { token } : {}) };
    }
  } catch {
    // Falls through to the refusal below.
  }
  const refused = new MarketplacePageInvalid(text);
  refused.message = "The Trendyol listing page token is not one this adapter issued";
  throw refused;
}

/** A wish for the page size, clamped to what Trendyol serves (1..100). */
export function trendyolPageSize(wish: number | undefined): number {
  if (wish === undefined || !Number.isFinite(wish)) return TRENDYOL_LISTINGS.maxPageSize;
  return Math.min(TRENDYOL_LISTINGS.maxPageSize, Math.max(1, Math.floor(wish)));
}

/** Whether page `page` of `size` still lies within the first 10,000 contents (numbered pages). */
const numbered = (page: number, size: number) => (page + 1) * size <= TRENDYOL_LISTINGS.maxPageWindow;

/** The official shape is `stock: { quantity }`; a bare number (which lonca's client also reads) is taken too. */
function quantityOf(stock: unknown): number | undefined {
  const value = isRecord(stock) ? stock.quantity : stock;
  return natural(value) ? value : undefined;
}

/** One variant -> one listing; what the variant does not say stays absent. */
export function trendyolListingOf(content: Record<string, unknown>, variant: Record<string, unknown>): RemoteListing {
  const marketplaceId = idText(variant.variantId);
  const barcode = typeof variant.barcode === "string" && variant.barcode.length > 0 ? variant.barcode : undefined;
  const stockCode = typeof variant.stockCode === "string" && variant.stockCode.length > 0 ? variant.stockCode : undefined;
  const quantity = quantityOf(variant.stock);
  const salePrice = isRecord(variant.price) ? minorUnitsOf(variant.price.salePrice) : undefined;
  // Both prices the write takes: a drift restore may echo them and change neither.
  const listPrice = isRecord(variant.price) ? minorUnitsOf(variant.price.listPrice) : undefined;
  // Archived or blacklisted listings cannot be bought whatever onSale says.
  const withdrawn = variant.archived === true || variant.blacklisted === true;
  const onSale = typeof variant.onSale === "boolean" ? variant.onSale && !withdrawn : withdrawn ? false : undefined;
  return {
    ...(marketplaceId !== undefined && { marketplaceId }),
    ...(barcode !== undefined && { barcode }),
    ...(stockCode !== undefined && { stockCode }),
    ...(quantity !== undefined && { quantity }),
    ...(salePrice !== undefined && { salePrice }),
    ...(listPrice !== undefined && { listPrice }),
    ...(typeof variant.locked === "boolean" && { locked: variant.locked }),
    ...(onSale !== undefined && { onSale }),
    raw: { contentId: content.contentId, productMainId: content.productMainId, variant },
  };
}

interface Answer {
  listings: RemoteListing[];
  contents: number;
  totalPages?: number;
  nextPageToken?: string;
}

/** `{ content: [{ contentId, variants: [...] }], totalPages, nextPageToken, ... }`; undefined when unreadable. */
export function trendyolListingAnswer(body: unknown): Answer | undefined {
  if (!isRecord(body) || !Array.isArray(body.content)) return undefined;
  const listings: RemoteListing[] = [];
  for (const content of body.content) {
    // A content without variants lists no barcode: nothing to read, and no reason to stop the read.
    if (!isRecord(content) || !Array.isArray(content.variants)) continue;
    for (const variant of content.variants) if (isRecord(variant)) listings.push(trendyolListingOf(content, variant));
  }
  const token = typeof body.nextPageToken === "string" && body.nextPageToken.length > 0 ? body.nextPageToken : undefined;
  return { listings, contents: body.content.length, ...(natural(body.totalPages) && { totalPages: body.totalPages }), ...(token && { nextPageToken: token }) };
}

export interface TrendyolListingRequest {
  page?: string;
  pageSize?: number;
  barcodes?: readonly string[];
  stockCodes?: readonly string[];
}

/**
 * The filter sent: `barcode` takes one barcode, `stockCode` one stock code. `barcodes` (up to 50)
 * exists, but no source says how its list is written, so more than one reads everything.
 */
function filterOf(request: TrendyolListingRequest): Record<string, string> {
  if (request.barcodes?.length === 1 && request.barcodes[0]) return { barcode: request.barcodes[0] };
  if (!request.barcodes?.length && request.stockCodes?.length === 1 && request.stockCodes[0]) return { stockCode: request.stockCodes[0] };
  return {};
}

export function createTrendyolListingReader(transport: TrendyolTransport, sellerId: string) {
  return async function readListings(request: TrendyolListingRequest): Promise<ListingPage> {
    const position = request.page ? decodePosition(request.page) : { page: 0, size: trendyolPageSize(request.pageSize) };
    const query = new URLSearchParams();
    if (numbered(position.page, position.size)) query.set("page", String(position.page));
    query.set("size", String(position.size));
    if (!numbered(position.page, position.size)) {
      // Past 10,000 contents only the token reaches further; without one the read cannot go on.
      if (!position.token) throw new MarketplaceOutcomeUnknown("TRENDYOL", "UNREADABLE_ANSWER", null, "no nextPageToken to read past 10,000 contents");
      query.set("nextPageToken", position.token);
    }
    for (const [name, value] of Object.entries(filterOf(request))) query.set(name, value);
    const { status, body } = await trendyolRequest(transport, {
      method: "GET",
      path: `${trendyolPaths.approvedProducts(sellerId)}?${query}`,
      callType: "GET_LISTINGS",
      itemCount: 0,
    });
    const answer = trendyolListingAnswer(body);
    if (!answer) throw new MarketplaceOutcomeUnknown("TRENDYOL", "UNREADABLE_ANSWER", status, "the approved products answer has no readable content list");
    const last = answer.contents === 0 || (answer.totalPages !== undefined ? position.page + 1 >= answer.totalPages : answer.contents < position.size);
    const next = last ? null : encodePosition({ page: position.page + 1, size: position.size, ...(answer.nextPageToken && { token: answer.nextPageToken }) });
    // totalElements counts contents, not barcodes: no listing total is given.
    return { listings: answer.listings, next };
  };
}

/**
 * Hepsiburada facts (MARKETPLACES.md, "Hepsiburada", official pages checked 2026-11-23): hosts,
 * Basic merchantId:serviceKey auth, the User-Agent, stock-uploads / price-uploads and their status
 * endpoints, the 4000-SKU and 5-pending-uploads caps, the order list and its 1000 req/s quota,
 * the cancelled list, the packages list (evidence: packages/marketplace-fixtures/hepsiburada).
 * Numbers Hepsiburada does not publish are the DEFAULTS of adapter settings (HepsiburadaConfig),
 * marked "assumed"; the sandbox plays the same defaults.
 */
export const HEPSIBURADA = {
  listingHost: "https://listing-external.hepsiburada.com",
  ordersHost: "https://oms-external.hepsiburada.com",
  /** "at most 4000 SKUs per upload" (official); we default to 1000 (a setting). */
  maxBatchSize: 4000,
  batchSize: 1000,
  /** "at most 5 pending (not yet finished) uploads per merchant at once" (official). */
  maxPendingUploads: 5,
  /** Assumed: no stock cap is published (InvalidAvailableStock exists); a setting. */
  maxQuantity: 50_000,
  /** Assumed: how long an upload's status stays readable is not published; conservative, a setting. */
  resultRetentionMs: 60 * 60 * 1000,
  /**
   * Assumed listing quotas per minute. The listing API documents 429 over its limit; the 403
   * "over limit (IP block)" belongs to the catalog (product) services, which we do not call.
   */
  listingWritesPerMinute: 60,
  listingStatusReadsPerMinute: 240,
  /**
   * Assumed listing-read quota per minute (the listing read is on the listing host, which
   * documents 429 but no number). One fulfilment read takes at most this many pages.
   */
  listingReadsPerMinute: 60,
  /** Listing read page size: `offset` and `limit` are required (published client); the documented example answers limit 50. A setting. */
  listingReadPageSize: 50,
  /**
   * Assumed: no source fixes the listing read's largest limit (lonca's guide pages with limit 100):
   * the catalog read (import, drift) asks at most this many a page.
   */
  listingReadMaxPageSize: 100,
  /** Ours, a setting: how long the set of isFulfilledByHB listings is trusted before it is read again. */
  fulfilledByHbCacheMs: 10 * 60 * 1000,
  /** Order API: 1000 requests per second (official), then 429 with X-RateLimit-* headers. */
  orderRequestsPerSecond: 1000,
  /** Order list: limit and offset mandatory, limit <= 100 (official, changelog Jan 2023). */
  orderPageSize: 100,
  /** Order list: begindate/enddate work for at most 24 hours, a wider range is cut to begin + 24 h (official). */
  maxOrderWindowMs: 24 * 60 * 60 * 1000,
  /** Ours: open-list requests per 24 h window at most (100 000 lines at 100 a page), so a list that never ends cannot hold a pull. */
  maxOrderPagesPerWindow: 1000,
  /** Cancelled list: limit at most (and by default) 50 (published client, generated from Hepsiburada's spec). */
  cancelledPageSize: 50,
  /** Ours, a setting: the cancelled list has no date filter, so each pull reads at most this many pages of it. */
  maxCancelledPages: 20,
  /**
   * Packages list (packed, not shipped): `limit` at most (and by default) 10 packages, paged by
   * `Offset` with a capital O (official changelogs Sep 2022, Jun 2023, May 2024; published client).
   */
  packagesPageSize: 10,
  /** Ours, a setting: packages-list requests per pull at most (the list covers the last 24 h of packing). */
  maxPackagePages: 100,
  /**
   * Ours, a setting: how many items each page after the first re-reads of the page before it (at
   * most a quarter of a page), so lines that leave a list while it is paged cannot shift others
   * past a page boundary unseen (offset-pages.ts).
   */
  pageOverlap: 5,
  /** begindate / enddate are `yyyy-MM-dd HH:mm` without a zone, read as Turkey time (UTC+3, no DST; published client). */
  orderTimeZoneOffsetMinutes: 180,
  /**
   * Order commands (fixtures package-create ... claim-reject): the order services' 1000 req/s
   * (official changelog Nov 2025) cover packing, invoices, in-transit and cancellations. Claims
   * (Talep Entegrasyonu, same host) document no number: assumed the same, a setting.
   */
  claimRequestsPerSecond: 1000,
  /** Claim list: limit 1..100 (published client's spec). */
  claimPageSize: 100,
  /** Ours, a setting: claim-list pages read per pull window, and per observe, at most. */
  maxClaimPages: 20,
  /** Missing-invoice list: limit at most (and by default) 50 (published client's spec). */
  missingInvoicePageSize: 50,
  /** Ours: missing-invoice pages an observe reads at most before answering UNKNOWN. */
  maxMissingInvoicePages: 20,
  /** The only cancel reason id Hepsiburada documents: 83 'Ürün tedarik edilemedi' (official, Iptal Bilgisi Gonderme). */
  cancelReasonId: 83,
  /** Store-account in-transit: assumed days to arrival when the store sets none (the field is mandatory, official). */
  estimatedArrivalDays: 3,
  /** Store-account in-transit: the mandatory deci when the store sets none (assumed). */
  deci: 1,
  /** The developer username in the User-Agent: a login name, no spaces or slashes (a generic client UA is not one). */
  developerUsernamePattern: /^[A-Za-z0-9_.@+-]{1,100}$/,
} as const;

/** Upload statuses with a final result; any other value (Pending, InProgress, ...) means not done yet. */
export const UPLOAD_STATUS = { done: "Done", failed: "Failed" } as const;

/** Item error codes Hepsiburada documents; all are business rejections, not retried automatically. */
export const HEPSIBURADA_ITEM_ERRORS = {
  productNotFound: "ProductNotFound",
  invalidAvailableStock: "InvalidAvailableStock",
  outOfPriceRange: "OutOfPriceRange",
  listingFrozen: "ListingFrozen",
  duplicateMerchantSku: "DuplicateMerchantSkuSpecified",
} as const;

/** The outcome reason of a stock item held back because Hepsiburada fulfils (and stocks) that listing itself. */
export const FULFILLED_BY_HB = "FULFILLED_BY_HB";

export type UploadKind = "stock" | "price";

const merchant = (merchantId: string) => `/listings/merchantid/${encodeURIComponent(merchantId)}`;

export const hepsiburadaPaths = {
  uploads: (merchantId: string, kind: UploadKind) => `${merchant(merchantId)}/${kind}-uploads`,
  uploadStatus: (merchantId: string, kind: UploadKind, id: string) => `${merchant(merchantId)}/${kind}-uploads/id/${encodeURIComponent(id)}`,
  listings: (merchantId: string) => merchant(merchantId),
  orders: (merchantId: string) => `/orders/merchantid/${encodeURIComponent(merchantId)}`,
  cancelled: (merchantId: string) => `/orders/merchantid/${encodeURIComponent(merchantId)}/cancelled`,
  packages: (merchantId: string) => `/packages/merchantid/${encodeURIComponent(merchantId)}`,
  package: (merchantId: string, packageNumber: string) => `/packages/merchantid/${encodeURIComponent(merchantId)}/packagenumber/${encodeURIComponent(packageNumber)}`,
  missingInvoice: (merchantId: string) => `/packages/merchantid/${encodeURIComponent(merchantId)}/missing-invoice`,
  order: (merchantId: string, orderNumber: string) => `/orders/merchantid/${encodeURIComponent(merchantId)}/ordernumber/${encodeURIComponent(orderNumber)}`,
  cancelLine: (merchantId: string, lineId: string) => `/lineitems/merchantid/${encodeURIComponent(merchantId)}/id/${encodeURIComponent(lineId)}/cancelbymerchant`,
  /** Claims spell the segment `merchantId` with a capital I (published client). */
  claims: (merchantId: string) => `/claims/merchantId/${encodeURIComponent(merchantId)}`,
  claim: (claimNumber: string, answer: "accept" | "reject") => `/claims/number/${encodeURIComponent(claimNumber)}/${answer}`,
};

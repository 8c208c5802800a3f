/**
 * Hepsiburada facts (MARKETPLACES.md, "Hepsiburada", official pages checked 2026-11-23): hosts,
 * Basic merchantId:serviceKey auth, the User-Agent, stock-uploads / price-uploads and their status
 * endpoints, the 4000-SKU and 5-pending-uploads caps, the order list and its 1000 req/s quota.
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
  /** Assumed catalog (listing) quotas per minute; over its limit the catalog API answers 403 (official). */
  listingWritesPerMinute: 60,
  listingStatusReadsPerMinute: 240,
  /** Order API: 1000 requests per second (official), then 429 with X-RateLimit-* headers. */
  orderRequestsPerSecond: 1000,
  /** Order list: limit and offset mandatory, limit <= 100 (official). */
  orderPageSize: 100,
  /** begindate/enddate cover at most 24 hours; a wider range is cut to begin + 24 h (reference pages): a longer pull is split. */
  maxOrderWindowMs: 24 * 60 * 60 * 1000,
  /** begindate / enddate are `yyyy-MM-dd HH:mm` without a zone: taken as Istanbul time (UTC+3, assumed; a setting). */
  orderTimeZoneOffsetMinutes: 180,
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

export type UploadKind = "stock" | "price";

const merchant = (merchantId: string) => `/listings/merchantid/${encodeURIComponent(merchantId)}`;

export const hepsiburadaPaths = {
  uploads: (merchantId: string, kind: UploadKind) => `${merchant(merchantId)}/${kind}-uploads`,
  uploadStatus: (merchantId: string, kind: UploadKind, id: string) => `${merchant(merchantId)}/${kind}-uploads/id/${encodeURIComponent(id)}`,
  orders: (merchantId: string) => `/orders/merchantid/${encodeURIComponent(merchantId)}`,
};

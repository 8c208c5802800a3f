/**
 * PttAVM facts (MARKETPLACES.md, "PttAVM"). Official pages confirm only the host and the
 * `Api-Key` / `access-token` headers; everything else rests on third-party client code, so each
 * number below is the DEFAULT of an adapter setting (PttavmConfig), not a constant. The adapter
 * and the sandbox both start from these values.
 */
export const PTTAVM = {
  /** Production REST base: host plus the /api/v1 prefix. */
  baseUrl: "https://integration-api.pttavm.com/api/v1",
  apiPrefix: "/api/v1",
  /** "at most 1000" items per stock-prices request (client code). */
  batchSize: 1000,
  /** Quantity 0..9999 (a client of the older SOAP call): larger stock is sent as 9999. */
  maxQuantity: 9999,
  /** An identical request repeated within 5 minutes is refused (same SOAP-era client). */
  duplicateWindowMs: 5 * 60 * 1000,
  /** Most clients GET the tracking result; one cites the official page for POST. */
  trackingResultMethod: "GET" as "GET" | "POST",
  /** Undocumented: how long a tracking result stays readable. Conservative assumption. */
  resultRetentionMs: 60 * 60 * 1000,
  /** Undocumented rate limit: an assumption per endpoint group, a setting. */
  requestsPerMinute: 60,
  /** Price field names in a stock-prices item (undocumented: our assumption, a setting). */
  priceFields: { sale: "salePrice", list: "listPrice" },
  /** Order search (MARKETPLACES.md only says "PttAVM's order search"): path, window and page size assumed. */
  ordersPath: "/orders/search",
  /** Order search windows are at most 40 days (MARKETPLACES.md, Corrections); 7 days stays well inside. */
  maxOrderWindowMs: 7 * 24 * 60 * 60 * 1000,
  orderPageSize: 100,
  /** What the sandbox answers for a repeat within the window (our choice of shape; see http.ts). */
  duplicateCode: "DUPLICATE_REQUEST",
  duplicateMessage: "Aynı istek 5 dakika içinde tekrar gönderilemez",
} as const;

export const pttavmPaths = {
  stockPrices: "/products/stock-prices",
  trackingResult: (trackingId: string) => `/products/tracking-result/${encodeURIComponent(trackingId)}`,
};

/** The header names PttAVM reads (official): credentials, and a fresh UUID per request. */
export const PTTAVM_HEADERS = {
  apiKey: "Api-Key",
  accessToken: "access-token",
  correlationId: "X-Correlation-Id",
} as const;

/**
 * The tracking result as we read it (shape assumed, parsed tolerantly in outcomes.ts):
 * `{ success, trackingId, status: "IN_PROGRESS" | "COMPLETED", totalCount, successCount,
 *    failedCount, items: [{ barcode, status: "SUCCESS" | "FAILED", errors: string[] }] }`.
 */
export const TRACKING_DONE = new Set(["COMPLETED", "DONE", "FINISHED", "PROCESSED", "TAMAMLANDI"]);

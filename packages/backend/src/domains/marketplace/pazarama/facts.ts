/**
 * Pazarama facts (MARKETPLACES.md, "Pazarama"): every one rests on third-party client code only,
 * so each number and path below is the DEFAULT of an adapter setting (PazaramaConfig), not a
 * constant. The adapter and the sandbox both start from these values.
 */
export const PAZARAMA = {
  /** Token host (client credentials) and API host; a store's baseUrl replaces both. */
  tokenBaseUrl: "https://isortagimgiris.pazarama.com",
  apiBaseUrl: "https://isortagimapi.pazarama.com",
  scope: "merchantgatewayapi.fullaccess",
  /** "about 1 hour" token lifetime; the answer's data.expiresIn (seconds) wins when present. */
  tokenLifetimeMs: 60 * 60 * 1000,
  /** Refresh this long before the token's expiry (capped at a tenth of its lifetime). */
  tokenRefreshSkewMs: 60 * 1000,
  /** "at least 10 seconds between writes per seller" (client code): one write token per 10 s. */
  writeSpacingMs: 10_000,
  /**
   * Items per write: client docs say at most 3000 per request (maxBatchSize, what the sandbox
   * enforces); we default to 1000 to stay well inside an unverified cap.
   */
  batchSize: 1000,
  maxBatchSize: 3000,
  /** stockCount is an int; no cap is documented. Assumption, a setting. */
  maxQuantity: 99_999,
  /** `code` is nvarchar(100) in client docs. */
  maxCodeLength: 100,
  /**
   * Batch result endpoint from client docs (not in MARKETPLACES.md): the `data` uuid of a write
   * is the dataId here. A setting; "ACCEPTED" mode skips it (see adapter.ts).
   */
  batchResultPath: (dataId: string) => `/listing-state/batch-id/${encodeURIComponent(dataId)}/lake-projections`,
  batchResultPageSize: 3000,
  /** Undocumented: how long a batch result stays readable. Conservative assumption. */
  resultRetentionMs: 60 * 60 * 1000,
  /** Undocumented read quotas: assumptions per endpoint group, settings. */
  statusRequestsPerMinute: 60,
  orderRequestsPerMinute: 60,
  /**
   * Order search (MARKETPLACES.md only says "Pazarama's order search"): client code posts
   * `{startDate, endDate, pageNumber, pageSize}` here. Path, window and page size assumed.
   */
  ordersPath: "/order/getOrdersForApi",
  /** One client reads windows of up to one month (MARKETPLACES.md, Corrections); 7 days stays well inside. */
  maxOrderWindowMs: 7 * 24 * 60 * 60 * 1000,
  orderPageSize: 100,
  /** Client docs: a price cut of about 70% or more goes to Pazarama's approval team first. */
  approvalDiscountRatio: 0.7,
} as const;

export const pazaramaPaths = {
  token: "/connect/token",
  updateStock: "/product/updateStock-v2",
  updatePrice: "/product/updatePrice-v2",
};

/**
 * Per-item status in a lake-projections answer (`price.status` / `stock.status`, client docs):
 * 0 Başarılı, 1 Tamamlanamadı, 3 İşleniyor. 2 is unnamed in the docs; we read it as a failure
 * (the answer counts failedCount apart from notCompletedCount).
 */
export const ITEM_STATUS = { succeeded: 0, notCompleted: 1, failed: 2, processing: 3 } as const;

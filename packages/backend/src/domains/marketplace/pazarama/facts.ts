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
   * Order search, two calls clients disagree on (fixtures pazarama/order-pull.v2.json and
   * order-pull.paged.json); the store setting orderCall picks one. V2 (default: the one a client
   * measured live in Oct 2026) takes `{pageSize, pageNumber, startDate, endDate}` as yyyy-MM-dd
   * days, the end day excluded; PAGED takes `{StartDate, EndDate, Page, Size}` date-times.
   */
  ordersV2Path: "/order/getOrdersForApiV2",
  ordersPagedPath: "/order/getOrdersForApi",
  /**
   * "Tarih aralığı max 1 ay": slices of 27 days, which rounded out to whole days (start day to
   * the excluded end day) span at most 28 days, inside any calendar month.
   */
  maxOrderWindowMs: 27 * 24 * 60 * 60 * 1000,
  /**
   * The order call filters on the order date only (no last-update filter): a client measured live
   * re-reads 30 days to see cancellations. For whoever sets the pull windows.
   */
  cancellationRereadMs: 30 * 24 * 60 * 60 * 1000,
  /** Order days are Turkish days (UTC+3, no daylight saving), and so are dates without a zone. */
  turkeyOffsetMs: 3 * 60 * 60 * 1000,
  orderPageSize: 100,
  /** Undocumented quota of the order status and refund calls: an assumption per minute, a setting. */
  commandRequestsPerMinute: 60,
  /** Refunds asked per page of getRefund (the example asks 10, answers pageSize 100). */
  refundPageSize: 100,
  /** Client docs: a price cut of about 70% or more goes to Pazarama's approval team first. */
  approvalDiscountRatio: 0.7,
} as const;

export const pazaramaPaths = {
  token: "/connect/token",
  /** One order item's status: 12 preparing, 13 not supplied, 5 shipped (fixtures order-item-status, order-ship). */
  itemStatus: "/order/updateOrderStatus",
  /** Refunds: the list and the answer to one (fixtures claims-pull, claim-update). */
  refunds: "/order/getRefund",
  refundUpdate: "/order/updateRefund",
  updateStock: "/product/updateStock-v2",
  updatePrice: "/product/updatePrice-v2",
};

/**
 * Per-item status in a lake-projections answer (`price.status` / `stock.status`, client docs):
 * 0 Başarılı, 1 Tamamlanamadı, 3 İşleniyor. 2 is unnamed in the docs; we read it as a failure
 * (the answer counts failedCount apart from notCompletedCount).
 */
export const ITEM_STATUS = { succeeded: 0, notCompleted: 1, failed: 2, processing: 3 } as const;

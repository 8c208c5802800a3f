/**
 * Trendyol facts from its developer documentation (see /shared/MARKETPLACES.md, checked
 * 2026-11-23). The adapter and the sandbox both follow these; paths stay relative to the
 * store's base URL because Trendyol renames hosts.
 */
export const TRENDYOL = {
  batchSize: 1000,
  maxQuantity: 20_000,
  resultRetentionMs: 4 * 60 * 60 * 1000,
  /** "at most 50 requests to the same endpoint per 10 seconds", then 429 too.many.requests. */
  requestsPerWindow: 50,
  rateWindowMs: 10_000,
  /** An identical body repeated within 15 minutes is rejected with 400. */
  duplicateWindowMs: 15 * 60 * 1000,
  duplicateMessage: "15 dakika boyunca aynı isteği tekrarlı olarak atamazsınız!",
  /** At most 30 price updates per barcode per minute; over it the item FAILS (not a 429). */
  priceUpdatesPerBarcode: 30,
  priceUpdateWindowMs: 60_000,
  /** The integrator name in the User-Agent: alphanumeric, at most 30 characters. */
  integratorNamePattern: /^[A-Za-z0-9]{1,30}$/,
  selfIntegration: "SelfIntegration",
  batchRequestType: "ProductInventoryUpdate",
  /** The order stream takes a window of at most 14 days (getShipmentPackagesStream page). */
  orderWindowMs: 14 * 24 * 60 * 60 * 1000,
  /** Packages per stream page: "default 50, maximum 200" (API reference of the stream). */
  orderPageSize: 200,
  /**
   * The stream lists a window "in a fixed sort order: lastModifiedDate newest to oldest (DESC)":
   * a window is only read once its last page is, so a watermark may move only then.
   */
  orderDirection: "newest-first",
  /**
   * The general "50 requests per endpoint per 10 s" (2-authorization) holds for the order stream
   * too; the quota that binds is the tier's per minute (orderQuotaTiers).
   */
  orderRequestsPerWindow: 50,
  /**
   * "Sipariş Paketlerini Çekme" per minute by listing tier, beside the same tier's "Inventory &
   * Price Write" (Servis Limitleri, orders tab as of 2026-07, mirrored in berkinoktay/
   * pazaryerleri-finansal-kar-hesaplama docs/integrations/trendyol/1-servis-limitleri.md @
   * f69ee04c). A store's write quota names its tier, so it also names its order quota; older
   * official pages say 1000/min, and the newest, lowest figure is the one used.
   */
  orderQuotaTiers: [
    { writePerMinute: 350, ordersPerMinute: 30 },
    { writePerMinute: 500, ordersPerMinute: 40 },
    { writePerMinute: 1000, ordersPerMinute: 50 },
    { writePerMinute: 1500, ordersPerMinute: 100 },
    { writePerMinute: 2000, ordersPerMinute: 100 },
  ],
  /** "failed deliveries are retried every 5 minutes" (webhooks); how many times is not documented. */
  webhookRetryMs: 5 * 60 * 1000,
  /** Every status a shipment package can have. */
  packageStatuses: [
    "Created", "Picking", "Invoiced", "Shipped", "Cancelled", "Delivered", "UnDelivered", "Returned", "Repack", "UnPacked", "UnSupplied", "AtCollectionPoint",
  ],
} as const;

export const trendyolPaths = {
  priceAndInventory: (sellerId: string) =>
    `/integration/inventory/sellers/${encodeURIComponent(sellerId)}/products/price-and-inventory`,
  batchRequest: (sellerId: string, batchRequestId: string) =>
    `/integration/product/sellers/${encodeURIComponent(sellerId)}/products/batch-requests/${encodeURIComponent(batchRequestId)}`,
  ordersStream: (sellerId: string) => `/integration/order/sellers/${encodeURIComponent(sellerId)}/orders/stream`,
  /** The webhook API (fixtures trendyol/webhook-*.json); `webhookId` absent: the seller's list (create, list). */
  webhooks: (sellerId: string, webhookId?: string) =>
    `/integration/webhook/sellers/${encodeURIComponent(sellerId)}/webhooks${webhookId === undefined ? "" : `/${encodeURIComponent(webhookId)}`}`,
};

/**
 * Trendyol's webhook rules (webhook-model, fixtures trendyol/webhook-*.json): at most 15 hooks per
 * seller, PASSIVE ones included; the URL may not contain these words (compared ignoring case).
 */
export const TRENDYOL_WEBHOOKS = {
  maxPerSeller: 15,
  forbiddenUrlWords: ["trendyol", "dolap", "localhost"],
  /** Every value subscribedStatuses takes (webhook-create notes). */
  statuses: [
    "CREATED", "PICKING", "INVOICED", "SHIPPED", "CANCELLED", "DELIVERED", "UNDELIVERED", "RETURNED", "UNSUPPLIED", "AWAITING", "UNPACKED", "AT_COLLECTION_POINT", "VERIFIED",
  ],
} as const;

/** `"{sellerId} - {IntegratorName}"`, or `"{sellerId} - SelfIntegration"` without an integrator. */
export function trendyolUserAgent(sellerId: string, integratorName?: string): string {
  return `${sellerId} - ${integratorName ?? TRENDYOL.selfIntegration}`;
}

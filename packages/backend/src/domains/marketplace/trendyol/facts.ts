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
} as const;

export const trendyolPaths = {
  priceAndInventory: (sellerId: string) =>
    `/integration/inventory/sellers/${encodeURIComponent(sellerId)}/products/price-and-inventory`,
  batchRequest: (sellerId: string, batchRequestId: string) =>
    `/integration/product/sellers/${encodeURIComponent(sellerId)}/products/batch-requests/${encodeURIComponent(batchRequestId)}`,
};

/** `"{sellerId} - {IntegratorName}"`, or `"{sellerId} - SelfIntegration"` without an integrator. */
export function trendyolUserAgent(sellerId: string, integratorName?: string): string {
  return `${sellerId} - ${integratorName ?? TRENDYOL.selfIntegration}`;
}

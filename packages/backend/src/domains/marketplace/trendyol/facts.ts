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

/**
 * The way back (fixtures trendyol/package-status-*, unsupplied, invoice-link*, package-read,
 * claims-list, claim-approve, claim-issue*, common-label-*; official pages read 2026-12-06).
 */
export const TRENDYOL_COMMANDS = {
  /**
   * Tedarik Edememe Nedenleri: 500 Stok tükendi, 501 Kusurlu/Defolu/Bozuk Ürün, 502 Hatalı Fiyat,
   * 504 Entegrasyon Hatası (505 Toplu Alım and 506 Mücbir Sebep have no reason of ours; there is no 503).
   */
  unsupplyReasonIds: { OUT_OF_STOCK: 500, DEFECTIVE: 501, PRICE_ERROR: 502, INTEGRATION_ERROR: 504 },
  /**
   * Servis Limitleri (updated 2026-08-25), per minute at the lowest listing tier (50,000): "Paket
   * Statü Bildirimi 300", "Tedarik Edememe Bildirimi 100", "İadesi Oluşturulan Siparişleri Çekme
   * 1000", "İade Siparişleri Onaylama 5", "İade Siparişlerinde Ret Talebi Oluşturma 5", common
   * label "Barkod Talebi 100", "Oluşan Barkodun Alınması 100". Higher tiers allow more; the lowest
   * is the one every seller has. The invoice link has no documented limit (the general 50 per 10 s).
   */
  perMinute: { packageStatus: 300, unsupplied: 100, claimsRead: 1000, claimApprove: 5, claimIssue: 5, commonLabel: 100 },
  /** createClaimIssue: every reason but these needs evidence files (multipart), which we do not send. */
  rejectReasonsWithoutFiles: [1651, 451, 2101],
  rejectDescriptionMax: 500,
  /** getClaims page size: the largest is not documented. */
  claimPageSize: 50,
} as const;

/**
 * The catalog read (fixtures trendyol/listing-read*): Ürün Filtreleme - Onaylı Ürün v2, the V1
 * filterProducts being gone since 10 August 2026. Pages of contents (products), each with its
 * variants (barcodes).
 */
export const TRENDYOL_LISTINGS = {
  /** "size ... Maksimum 100 değerini alabilir" (contents per page). */
  maxPageSize: 100,
  /** "Page x size maksimum 10.000": past it the next page is asked with the last answer's nextPageToken. */
  maxPageWindow: 10_000,
  /**
   * Servis Limitleri from 14 Sep 2026: "Product Integration Read" (Ürün Filtreleme with the batch
   * result reads) 1000 req/min at the lowest listing tier; the general 50 per endpoint per 10 s too.
   */
  readsPerMinute: 1000,
} as const;

export const trendyolPaths = {
  priceAndInventory: (sellerId: string) =>
    `/integration/inventory/sellers/${encodeURIComponent(sellerId)}/products/price-and-inventory`,
  /** filterProducts, approved products v2 (the catalog read). */
  approvedProducts: (sellerId: string) => `/integration/product/sellers/${encodeURIComponent(sellerId)}/products/approved`,
  batchRequest: (sellerId: string, batchRequestId: string) =>
    `/integration/product/sellers/${encodeURIComponent(sellerId)}/products/batch-requests/${encodeURIComponent(batchRequestId)}`,
  ordersStream: (sellerId: string) => `/integration/order/sellers/${encodeURIComponent(sellerId)}/orders/stream`,
  shipmentPackage: (sellerId: string, packageId: string) =>
    `/integration/order/sellers/${encodeURIComponent(sellerId)}/shipment-packages/${encodeURIComponent(packageId)}`,
  unsupplied: (sellerId: string, packageId: string) =>
    `/integration/order/sellers/${encodeURIComponent(sellerId)}/shipment-packages/${encodeURIComponent(packageId)}/items/unsupplied`,
  invoiceLinks: (sellerId: string) => `/integration/sellers/${encodeURIComponent(sellerId)}/seller-invoice-links`,
  /** getShipmentPackages (the paged list; one order's packages by `orderNumber`). */
  orders: (sellerId: string) => `/integration/order/sellers/${encodeURIComponent(sellerId)}/orders`,
  claims: (sellerId: string) => `/integration/order/sellers/${encodeURIComponent(sellerId)}/claims`,
  claimApprove: (sellerId: string, claimId: string) =>
    `/integration/order/sellers/${encodeURIComponent(sellerId)}/claims/${encodeURIComponent(claimId)}/items/approve`,
  claimIssue: (sellerId: string, claimId: string) => `/integration/order/sellers/${encodeURIComponent(sellerId)}/claims/${encodeURIComponent(claimId)}/issue`,
  commonLabel: (sellerId: string, cargoTrackingNumber: string) =>
    `/integration/sellers/${encodeURIComponent(sellerId)}/common-label/${encodeURIComponent(cargoTrackingNumber)}`,
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

/**
 * PttAVM facts (MARKETPLACES.md, "PttAVM" and its 2026-12-05 corrections; the evidence is in
 * packages/marketplace-fixtures/pttavm). Official pages confirm the host, the `Api-Key` /
 * `access-token` headers and the SOAP price fields; the REST calls rest on client code citing
 * developers.pttavm.com/tr, so each number below is the DEFAULT of an adapter setting
 * (PttavmConfig). The adapter and the sandbox both start from these values.
 */
import type { MarketplaceProgress } from "../types";

/** "Başlangıç ve bitiş tarihleri arasındaki süre en fazla 40 gün olabilir" (order search): the pull walks longer windows in slices. */
export const PTTAVM_ORDER_WINDOW_MS = 40 * 24 * 60 * 60 * 1000;

/**
 * Order-search dates go out as `YYYY-MM-DDTHH:mm:ss` without a zone (the client's format) and
 * zone-less answer times are read the same way. No source says which zone PttAVM means; this one
 * offset (minutes east of UTC) governs both directions, so changing it keeps them consistent.
 */
export const PTTAVM_TIMESTAMP_OFFSET_MINUTES = 0;

/** Line statuses (siparisDurumu) that make an order one to reserve stock for: paid, not yet prepared. */
export const PTTAVM_AWAITING_SHIPMENT = "kargo_yapilmasi_bekleniyor";
/** Line statuses that end a line without a sale: cancelled, or a payment that failed. */
export const PTTAVM_CANCELLED_LINE = new Set(["iptal", "odeme_gecersiz"]);

export const PTTAVM = {
  /** Production REST base: host plus the /api/v1 prefix. */
  baseUrl: "https://integration-api.pttavm.com/api/v1",
  apiPrefix: "/api/v1",
  /** "at most 1000" items per stock-prices request (client code). */
  batchSize: 1000,
  /** Quantity 0..9999 (clients of the SOAP and the REST call): larger stock is sent as 9999. */
  maxQuantity: 9999,
  /** An identical request repeated within 5 minutes is refused (same SOAP-era client). */
  duplicateWindowMs: 5 * 60 * 1000,
  /** One client (citing the official page) POSTs the tracking result, another GETs it: a store setting, POST by default. */
  trackingResultMethod: "POST" as "GET" | "POST",
  /** Undocumented: how long a tracking result stays readable. Conservative assumption. */
  resultRetentionMs: 60 * 60 * 1000,
  /** Undocumented rate limit: an assumption per endpoint group, a setting. */
  requestsPerMinute: 60,
  /** The VAT rate a store's prices carry unless its settings say otherwise (Turkey's standard rate). */
  vatRate: 20,
  /** The rates stock-prices accepts (client code quoting the official rules). */
  vatRates: [0, 1, 10, 20] as readonly number[],
  /** "fiyat > 1": a price of 1 TRY or less is refused (client code quoting the official rules). */
  minPriceExclusive: 100,
  /** Order search: GET, startDate/endDate/isActiveOrders, no paging, a bare array. */
  ordersPath: "/orders/search",
  maxOrderWindowMs: PTTAVM_ORDER_WINDOW_MS,
  /** What the sandbox answers for a repeat within the window (our choice of shape; see http.ts). */
  duplicateCode: "DUPLICATE_REQUEST",
  duplicateMessage: "Aynı istek 5 dakika içinde tekrar gönderilemez",
} as const;

export const pttavmPaths = {
  stockPrices: "/products/stock-prices",
  /** Fatura Gönder (fixture order-invoice). */
  orderInvoice: (orderId: string) => `/orders/${encodeURIComponent(orderId)}/invoice`,
  /** Sipariş Detay (fixture order-detail). */
  orderDetail: (orderId: string) => `/orders/${encodeURIComponent(orderId)}`,
  trackingResult: (trackingId: string) => `/products/tracking-result/${encodeURIComponent(trackingId)}`,
};

/** The shipment host (Kargo Entegrasyonu pages): warehouses and barcodes, a base of its own (a setting). */
export const PTTAVM_SHIPMENT = {
  baseUrl: "https://shipment.pttavm.com/api/v1",
  warehouses: "/get-warehouse",
  createBarcode: "/create-barcode",
} as const;

/** Line statuses after the seller's part: shipped, delivered, returned or handed back (official siparisDurumu list). */
export const PTTAVM_SHIPPED_LINE = new Set(["gonderilmiş", "gonderilmis", "tamamlandi", "gondericisine_teslim_edildi", "iade"]);
/**
 * Line statuses past shipment as progress (official siparisDurumu list, as PTTAVM_SHIPPED_LINE
 * reads it): sent, completed (delivered), returned. Given back to the sender has left the
 * warehouse all the same; the goods coming back are the return's business.
 */
export const PTTAVM_LINE_PROGRESS: Readonly<Record<string, MarketplaceProgress>> = {
  gonderilmiş: "SHIPPED",
  gonderilmis: "SHIPPED",
  gondericisine_teslim_edildi: "SHIPPED",
  tamamlandi: "DELIVERED",
  iade: "RETURNED",
};
/** The line status PttAVM shows a return with (iotomasyon client; official siparisDurumu list). */
export const PTTAVM_RETURNED_LINE = "iade";

/** The header names PttAVM reads (official): credentials, and a fresh UUID per request. */
export const PTTAVM_HEADERS = {
  apiKey: "Api-Key",
  accessToken: "access-token",
  correlationId: "X-Correlation-Id",
} as const;

/**
 * The tracking result (fixtures result-poll.*): `{ trackingId, status, progress,
 * productsSubTrackingResult: { productBasedInfos: [{ barcode, status, message, failureReasons }] } }`,
 * the batch and each item in Waiting | InProgress | Completed | Cancelled.
 */
export const TRACKING_FINAL = new Set(["COMPLETED", "CANCELLED"]);

/**
 * N11 facts (MARKETPLACES.md, "N11", checked 2026-11-23; fixtures in packages/marketplace-fixtures/n11). Official: the host, the appkey /
 * appsecret headers, the price-stock-update path and its 1000-sku cap, the order list and its
 * 1000 requests per minute. From client code only: the body shape, the task-details path and
 * answer. Undocumented numbers below are the DEFAULTS of adapter settings (N11Config), marked so.
 */
export const N11 = {
  /** One host for products and orders. */
  baseUrl: "https://api.n11.com",
  /** "at most 1000 skus" per price-stock-update request (official). */
  batchSize: 1000,
  /** Undocumented quantity cap: a setting; we clamp to it rather than send what N11 may refuse. */
  maxQuantity: 999_999,
  /** Undocumented: how long a task's details stay readable. Conservative assumption, a setting. */
  resultRetentionMs: 60 * 60 * 1000,
  /** Undocumented write / task-details quotas: assumptions per minute, settings. */
  writeRequestsPerMinute: 100,
  statusRequestsPerMinute: 300,
  /** Official: 1000 requests per minute on the order list. */
  orderRequestsPerMinute: 1000,
  /** Page size asked of task-details; the loop follows `last` / totalPages whatever N11 caps it to. */
  taskDetailsPageSize: 1000,
  /** Guard against a paging signal that never ends. */
  taskDetailsMaxPages: 100,
  /** `payload.integrator` when the store names none. */
  integrator: "Pazarsync",
  /** Prices go out in TL, which N11 spells "TL" (not "TRY"). */
  currencyType: "TL",
  /**
   * shipmentPackages serves at most 15 days: a wider range silently returns only the last 15 days
   * (N11 order documentation, MARKETPLACES.md corrections of 2026-12-05).
   */
  orderWindowMaxMs: 15 * 24 * 60 * 60 * 1000,
  /** The window the pull asks for: a day inside the cap, so day-boundary rounding on N11's side loses nothing. */
  maxOrderWindowMs: 14 * 24 * 60 * 60 * 1000,
  /**
   * Order timestamps are epoch ms documented as GMT+3 (one client shifts them by 3 h; unverified):
   * a pull must re-read at least this much before its watermark until that is settled.
   */
  pullOverlapMs: 3 * 60 * 60 * 1000,
  /** Order list page size: at most 100 (client code), pages from 0 (official). */
  orderPageSize: 100,
  /**
   * One status per request (official), each pulled in turn: every status a package can have (the
   * published client's list), so a package that moved on before a pull saw it (Created, then
   * Picking, Shipped, Delivered within one pull interval, or while the pull pages) is still read
   * under the status it has now; intake takes an unknown order in whatever its status. Live ones
   * first, cancellations last, so a split's new packages are merged before its cancelled part.
   * Seven requests per window and page, against 1000 a minute.
   */
  /** Undocumented quota of the order line update and split calls: an assumption per minute, a setting. */
  commandRequestsPerMinute: 100,
  /** ClaimReturnList: "Her sayfada 20 ... bilgisi gelir" (SOAP manual v5.2). */
  claimPageSize: 20,
  /** Pages of one order's claims read by observe before giving up (UNKNOWN). */
  claimObservePages: 5,
  /** The SOAP services' dates are Turkish calendar days (dd/mm/yyyy): UTC+3, no daylight saving. */
  turkeyOffsetMs: 3 * 60 * 60 * 1000,
  /**
   * ClaimReturnDeny: denyReasonId default 2 "Ürün zarar görmüş" (the manual's example list; a store
   * setting), returned to the buyer with N11's shipment campaign code (CAMPAIGN: no tracking number
   * needed). 41 "İade Ürün Mağazaya Ulaşmadı" must go without a shipment type.
   */
  returnDenyReasonId: 2,
  returnNotReceivedReasonId: 41,
  /** MakeOrderItemShipment shipmentMethod: 1 Kargo, 2 Diğer (manual v5.2). */
  shipmentMethodCargo: 1,
  orderStatuses: ["Created", "Picking", "UnPacked", "Shipped", "Delivered", "Cancelled", "UnSupplied"] as readonly string[],
} as const;

export const n11Paths = {
  priceStockUpdate: "/ms/product/tasks/price-stock-update",
  taskDetails: "/ms/product/task-details/page-query",
  shipmentPackages: "/rest/delivery/v1/shipmentPackages",
  /** Order lines to Picking (fixture n11/order-line-update.json). */
  orderUpdate: "/rest/order/v1/update",
  /** A split by quantity with units given up (fixture n11/order-unsupply.json). */
  splitByQuantity: "/rest/delivery/v1/splitPackageByQuantity",
  /** SOAP ReturnService (fixtures n11/claims-*.json; lonca transport: `/ws/${service}/`). */
  returnService: "/ws/returnService/",
  /** SOAP OrderService: MakeOrderItemShipment (fixture n11/order-ship.json; manual v5.2 3.6). */
  orderService: "/ws/orderService/",
};

/** Header names N11 reads (official). */
export const N11_HEADERS = { appKey: "appkey", appSecret: "appsecret" } as const;

/** The write answer's status: IN_QUEUE (accepted) or REJECT (refused, with HTTP 200). */
export const N11_TASK = { queued: "IN_QUEUE", processed: "PROCESSED", rejected: "REJECT", type: "SKU_UPDATE" } as const;

/** Prices on the wire: a dot and exactly two decimals, as strings. */
export const N11_PRICE_PATTERN = /^\d+\.\d{2}$/;

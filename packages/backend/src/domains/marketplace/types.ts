/**
 * Neutral values every marketplace adapter takes and returns. Money is in integer minor units
 * (kuruş) here; each adapter converts to its marketplace's wire format.
 */

/** Marketplaces we have (or will have) an adapter for; the names match the store types. */
export type MarketplaceName = "TRENDYOL" | "HEPSIBURADA" | "N11" | "PAZARAMA" | "PTTAVM";

/** One listing's desired state. Stock-only and price-only items are allowed. */
export interface StockPriceItem {
  /**
   * The listing's barcode on this marketplace (its own, else the product's): the item's identity
   * throughout the sync engine (marks, receipts, outcomes), and what Trendyol, PttAVM and Pazarama key on.
   */
  barcode: string;
  /**
   * The listing's stock code on this marketplace (Hepsiburada's merchantSku, N11's stockCode):
   * adapters whose marketplace keys on it send it, and map outcomes back to `barcode`.
   */
  stockCode?: string;
  /** The marketplace's own product or listing id where one is known (Hepsiburada's hepsiburadaSku). */
  marketplaceId?: string;
  /** Sellable quantity; the adapter clamps it to [0, profile.maxQuantity]. */
  quantity?: number;
  /** Minor units. */
  salePrice?: number;
  /** Minor units; must be >= salePrice. */
  listPrice?: number;
}

/** What an asynchronous marketplace answered for one request: store it and poll it later. */
export interface SubmissionReceipt {
  marketplace: MarketplaceName;
  batchId: string;
  /** ISO time the marketplace accepted the request. */
  submittedAt: string;
  itemCount: number;
  /** The barcodes in this batch, in the order sent: completion and outcomes are per barcode. */
  barcodes: string[];
  /**
   * What the marketplace was sent as each item's key, in the same order, where it keys on
   * something other than the barcode (Hepsiburada merchantSku, N11 stockCode): its outcomes name
   * items by these, and the adapter maps them back to `barcodes`.
   */
  keys?: string[];
}

export type ItemOutcomeKind = "SUCCEEDED" | "FAILED_RETRYABLE" | "FAILED_PERMANENT" | "LOCKED";

export interface ItemOutcome {
  barcode: string;
  outcome: ItemOutcomeKind;
  /** The marketplace's reasons (or ours for local refusals), verbatim. */
  reasons: string[];
}

export interface BatchStatus {
  /** True once every item of the receipt has a final outcome. */
  complete: boolean;
  /** The items that have a final outcome so far. */
  items: ItemOutcome[];
}

export interface RateLimitProfile {
  /** Which endpoints share the quota (a bucket per marketplace, store credentials and group). */
  group: string;
  requests: number;
  perMs: number;
}

/**
 * How a marketplace lists orders for the pull (MARKETPLACES.md, "Corrections (2026-12-05)").
 * A window wider than the marketplace honours is cut or clamped without an error, so the pull
 * never asks for more than windowMs at once.
 */
export interface OrderStreamProfile {
  /** The longest window [since, until) the marketplace answers in full. */
  windowMs: number;
  /**
   * The order of pages within a window. Only OLDEST_FIRST lets the watermark move page by page;
   * NEWEST_FIRST and UNDOCUMENTED move it only once every page of the window has been read.
   */
  pageOrder: "OLDEST_FIRST" | "NEWEST_FIRST" | "UNDOCUMENTED";
  /** The least the pull re-reads behind its watermark whatever ORDER_PULL_OVERLAP_MS says (N11's GMT+3 timestamps: 3 h). */
  minOverlapMs: number;
}

export interface AdapterProfile {
  batchSize: number;
  maxQuantity: number;
  /** How long the marketplace keeps a batch result: polling must end well before this. */
  resultRetentionMs: number;
  rateLimits: RateLimitProfile[];
  /** How long the marketplace refuses an identical request body (Trendyol: 15 minutes); absent when it has no such rule. */
  duplicateWindowMs?: number;
  /** Which rate-limit group (rateLimits[].group) a push's requests and a status read's request pay into. */
  groups: {
    write: string;
    status: string;
    orders?: string;
    /** The claim (return) list read by orderCommands.pullClaims. */
    claims?: string;
    /** The listing catalog read (readListings): import and drift check pay into it. */
    listings?: string;
  };
  /** Batches whose result is not final yet that the marketplace allows at once (Hepsiburada: 5); absent: no cap. */
  maxPendingBatches?: number;
  /** Whether one item may carry quantity and prices together (else the adapter sends them apart). */
  stockAndPriceTogether: boolean;
  /**
   * A write may carry back the prices the listing read showed and change no price: every price
   * field it sends is one the read gives. A drift restore inside the duplicate window then differs
   * from the earlier body (Trendyol). Absent: such a restore waits for the window's end instead.
   */
  echoesShownPrices?: boolean;
  /** Order-pull windows, page order and overlap (see OrderStreamProfile). */
  orderStream: OrderStreamProfile;
  /**
   * Marketplaces whose order quota follows the seller's tier (Trendyol): the tiers, lowest first,
   * each named by its write quota (the store's writeQuotaPerMinute) and giving its order quota.
   */
  orderQuotaTiers?: readonly OrderQuotaTier[];
}

export interface OrderQuotaTier {
  writePerMinute: number;
  ordersPerMinute: number;
}

/** A marketplace order as every adapter hands it over (the raw payload kept for support). */
/** Steps past CREATED a marketplace reports of a package, least to most advanced. */
export type MarketplaceProgress = "PICKING" | "INVOICED" | "SHIPPED" | "DELIVERED" | "RETURNED";

export interface NormalisedOrder {
  /**
   * Unique per store: the marketplace's package / order id; undefined when the marketplace sent
   * none (intake records such an order NEEDS_ATTENTION, keyed on its raw payload).
   */
  externalId: string | undefined;
  /**
   * Marketplaces that deliver an order package by package (Trendyol): this package's id. The
   * order is `externalId` (the order number); a package that lists lines the order already holds
   * reserves nothing, and a cancelled package releases the units it lists. Absent when the
   * marketplace sends whole orders.
   */
  packageId?: string;
  /**
   * Marketplaces whose packages partition the order's lines (Trendyol, N11: units given up leave
   * the old package cancelled and the rest comes back in new packages listing the same line ids):
   * whether this package holds the units it lists (false when cancelled, or UnPacked: replaced by
   * the packages of a split). Intake then holds exactly what the order's live packages list,
   * whichever package is read first. Absent on other marketplaces.
   */
  partition?: { holds: boolean };
  /** What intake needs to know: a new order to reserve, a cancellation to release, or neither. */
  status: "CREATED" | "CANCELLED" | "OTHER";
  /** The marketplace's own status text. */
  marketplaceStatus: string;
  /**
   * How far the marketplace says this package (or order) has gone past CREATED, where its status
   * says so: picked, invoiced, handed to the carrier, delivered, returned. Intake moves the order
   * forward to it, never back (order/marketplace-progress.ts). Absent: created, cancelled, or a
   * status that says nothing of progress.
   */
  progress?: MarketplaceProgress;
  /**
   * `lineId`: the marketplace's order line id, where it sends one that stays with the line across packages.
   * `barcode`: the line's barcode as the marketplace sent it ("" when none); `stockCode`: the
   * seller's stock code / merchant SKU on the line, where the marketplace sends one. Intake matches
   * the store's listings on the barcode, then on the stock code (catalog/listing-identity.ts).
   */
  lines: { barcode: string; quantity: number; unitPrice: number; lineId?: string; stockCode?: string }[];
  currency: string;
  /**
   * ISO: the watermark of the order pull moves on this. When the order carries no readable time,
   * the start of the window it was listed in (no later than its real time, so the watermark never
   * passes an order not read yet), or the time of a webhook delivery.
   */
  lastModifiedAt: string;
  /** ISO: the latest the marketplace wants the order handed to the carrier (its dispatch deadline), where it gives one. */
  dispatchBy?: string;
  /**
   * The number the marketplace's own calls and returns name the order by, where it differs from
   * externalId (Pazarama keys orders by orderId; updateOrderStatus and its refunds carry orderNumber).
   */
  marketplaceOrderNumber?: string;
  raw: unknown;
}

export interface OrderPage {
  orders: NormalisedOrder[];
  /** Where the next page starts; null on the last page. */
  next: string | null;
}

export type ApiCallType = "STOCK_UPDATE" | "PRICE_UPDATE" | "BATCH_STATUS" | "GET_ORDERS" | "ORDER_COMMAND" | "GET_CLAIMS" | "GET_LISTINGS" | "OTHER";

/**
 * One listing as the marketplace's own catalog read shows it (Trendyol filterProducts, Hepsiburada
 * listings, N11 product query, PttAVM product search, Pazarama approved products). Every field the
 * marketplace does not give is absent; `raw` is the item as read, for support.
 */
export interface RemoteListing {
  /** The marketplace's id of the listing or product (Trendyol productContentId or id, Hepsiburada hepsiburadaSku, ...). */
  marketplaceId?: string;
  barcode?: string;
  /** The seller's stock code / merchant SKU on the listing. */
  stockCode?: string;
  /** The quantity the marketplace shows buyers now. */
  quantity?: number;
  /** Minor units, where the read gives it. */
  salePrice?: number;
  /** Minor units, where the read gives it. */
  listPrice?: number;
  /** The marketplace fulfils this listing (Hepsiburada isFulfilledByHB): its stock is not the seller's to push. */
  fulfilledByMarketplace?: boolean;
  /** The marketplace locked the listing (Hepsiburada isLocked). */
  locked?: boolean;
  /** Whether buyers can buy it now, where the read says (approved / on sale / not archived). */
  onSale?: boolean;
  raw: unknown;
}

export interface ListingPage {
  listings: RemoteListing[];
  /** Opaque: where the next page starts; null on the last page. */
  next: string | null;
  /** Listings in all, where the marketplace says. */
  total?: number;
}

/** One HTTP call to a marketplace, for marketplace_api_logs and metrics. */
export interface ApiCall {
  marketplace: MarketplaceName;
  callType: ApiCallType;
  /** Null when no answer came (timeout, dropped connection). */
  httpStatus: number | null;
  durationMs: number;
  itemCount: number;
  batchId?: string;
  /** The error code (see errors.ts) when the call failed. */
  error?: string;
}

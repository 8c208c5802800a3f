import type { AdapterCallOptions, MarketplaceAdapter } from "../adapter";
import { positiveIntegerProblems, urlProblems } from "../config-checks";
import { MarketplaceConfigInvalid, MarketplaceOutcomeUnknown, MarketplaceReceiptInvalid } from "../errors";
import { receiptFor, receiptKeys, requireOwnReceipt, sendInTurn, stockThenPriceWrites } from "../push";
import { stockCodeKey } from "../validate";
import type { AdapterProfile, ItemOutcome, StockPriceItem, SubmissionReceipt } from "../types";
import { FULFILLED_BY_HB, HEPSIBURADA, hepsiburadaPaths, type UploadKind } from "./facts";
import { createFulfilledByHb, type FulfilledByHbMemo, sharedFulfilledByHbMemo } from "./fulfilled-by-hb";
import { createHepsiburadaListingReader } from "./listings-read";
import { hepsiburadaRequest, type HepsiburadaTransport } from "./http";
import { idText, isRecord } from "../json";
import { createHepsiburadaOrderPuller } from "./orders";
import { uploadStatusFrom } from "./outcomes";
import { priceUploadBody, stockUploadBody, validateHepsiburadaItems } from "./payload";
import type { StoreAccountShipping } from "./command-bodies";
import { createHepsiburadaOrderCommands, HEPSIBURADA_COMMAND_GROUPS } from "./order-commands";

/** Ours: how far back an observe looks for a claim we answered (its creation date is not in the command). */
const CLAIM_LOOK_BACK_MS = 30 * 24 * 60 * 60 * 1000;

function storeAccountProblems(shipping: StoreAccountShipping): string[] {
  const problems = urlProblems("storeAccount.trackingUrlTemplate", shipping.trackingUrlTemplate.replaceAll("{trackingNumber}", "0"));
  if (!shipping.trackingPhoneNumber.trim()) problems.push("storeAccount.trackingPhoneNumber is required");
  if (!(Number.isInteger(shipping.estimatedArrivalDays) && shipping.estimatedArrivalDays >= 0 && shipping.estimatedArrivalDays <= 60)) problems.push("storeAccount.estimatedArrivalDays must be 0..60");
  if (!(Number.isFinite(shipping.deci) && shipping.deci > 0)) problems.push("storeAccount.deci must be above 0");
  return problems;
}

/** Numbers Hepsiburada does not publish are settings with the defaults in facts.ts. */
export interface HepsiburadaConfig extends AdapterCallOptions {
  /** The listing host; default https://listing-external.hepsiburada.com (or the sandbox's URL). */
  listingBaseUrl?: string;
  /** The order host; default https://oms-external.hepsiburada.com (or the sandbox's URL). */
  ordersBaseUrl?: string;
  /** The merchant id: Basic auth user name and part of every path. */
  merchantId: string;
  /** The seller's service key: Basic auth password. */
  serviceKey: string;
  /** The integrator's developer username, sent as the User-Agent (required by Hepsiburada). */
  developerUsername: string;
  /** SKUs per upload: default 1000, at most 4000 (official). */
  batchSize?: number;
  /** Assumed stock cap, default 50000: larger quantities are clamped. */
  maxQuantity?: number;
  /** Assumed, default 1 hour: how long an upload status stays readable. */
  resultRetentionMs?: number;
  /** Assumed catalog quotas per minute (defaults 60 writes, 240 status reads). */
  listingWritesPerMinute?: number;
  listingStatusReadsPerMinute?: number;
  /** Assumed listing-read quota per minute (default 60): a fulfilment read takes at most this many pages. */
  listingReadsPerMinute?: number;
  /** Listings per page of the listing read, default 50. */
  listingReadPageSize?: number;
  /** How long the set of isFulfilledByHB listings is trusted, default 10 minutes. */
  fulfilledByHbCacheMs?: number;
  /** Where that set is remembered; default one per process, shared by the store's adapters as they are rebuilt. */
  fulfilledByHbMemo?: FulfilledByHbMemo;
  /** Official: 1000 order requests per second. */
  orderRequestsPerSecond?: number;
  /** Order lines per open-list page: default (and at most) 100. */
  orderPageSize?: number;
  /** Cancelled lines per cancelled-list page: default (and at most) 50. */
  cancelledPageSize?: number;
  /** Cancelled-list pages read per pull at most, default 20 (the list has no date filter). */
  maxCancelledPages?: number;
  /** Packages per packages-list page: default (and at most) 10. */
  packagesPageSize?: number;
  /** Packages-list pages read per pull at most, default 100. */
  maxPackagePages?: number;
  /** Items each list page re-reads of the page before it (capped at a quarter of the page), default 5; 0 reads pages end to end. */
  pageOverlap?: number;
  /** Default (and at most) 24 hours, Hepsiburada's own cap: a longer pull window is split. */
  maxOrderWindowMs?: number;
  /** Default 180 (Turkey, UTC+3): the offset the zoneless order dates are written and read at. */
  orderTimeZoneOffsetMinutes?: number;
  /** Assumed, default 1000 (the order services' documented rate): claim calls per second. */
  claimRequestsPerSecond?: number;
  /** Packages per missing-invoice page (read by observe): default (and at most) 50. */
  missingInvoicePageSize?: number;
  /** Claims per claim-list page: default (and at most) 100. */
  claimPageSize?: number;
  /** Claim-list pages an observe reads at most, default 20. */
  maxClaimPages?: number;
  /** How far back an observe looks for a claim we answered, default 30 days. */
  claimLookBackMs?: number;
  /** Sent as ClaimRejectionReason with a rejection when set (no source lists the values). */
  claimRejectionReason?: string;
  /** The store-account (Mağaza Hesabı) in-transit fields; absent: the store ships with Hepsiburada's carrier and SHIP is not supported. */
  storeAccount?: StoreAccountShipping;
  /** The clock the command bodies' dates read; default Date.now. */
  now?: () => number;
}

const GROUPS = { write: "listing-uploads", status: "listing-upload-status", orders: "orders" } as const;
/** The listing read (isFulfilledByHB and the catalog read) pays into its own listing-host quota, apart from uploads and status reads. */
const LISTING_READS = "listing-reads";
const POSITIVE = ["missingInvoicePageSize", "claimRequestsPerSecond", "claimPageSize", "maxClaimPages", "claimLookBackMs", "timeoutMs", "batchSize", "maxQuantity", "resultRetentionMs", "listingWritesPerMinute", "listingStatusReadsPerMinute", "listingReadsPerMinute", "listingReadPageSize", "fulfilledByHbCacheMs", "orderRequestsPerSecond", "orderPageSize", "cancelledPageSize", "maxCancelledPages", "packagesPageSize", "maxPackagePages", "maxOrderWindowMs"] as const;

function configProblems(config: HepsiburadaConfig): string[] {
  const problems = [...urlProblems("listingBaseUrl", config.listingBaseUrl), ...urlProblems("ordersBaseUrl", config.ordersBaseUrl)];
  if (!config.merchantId || /[\s:/]/.test(config.merchantId)) problems.push("merchantId is required and has no spaces, colons or slashes");
  if (!config.serviceKey) problems.push("serviceKey is required");
  if (!HEPSIBURADA.developerUsernamePattern.test(config.developerUsername ?? "")) problems.push("developerUsername must be 1..100 letters, digits or _.@+-");
  problems.push(...positiveIntegerProblems(config, POSITIVE));
  if ((config.batchSize ?? 0) > HEPSIBURADA.maxBatchSize) problems.push(`batchSize must be at most ${HEPSIBURADA.maxBatchSize}`);
  if ((config.orderPageSize ?? 0) > HEPSIBURADA.orderPageSize) problems.push(`orderPageSize must be at most ${HEPSIBURADA.orderPageSize}`);
  if ((config.cancelledPageSize ?? 0) > HEPSIBURADA.cancelledPageSize) problems.push(`cancelledPageSize must be at most ${HEPSIBURADA.cancelledPageSize}`);
  if ((config.packagesPageSize ?? 0) > HEPSIBURADA.packagesPageSize) problems.push(`packagesPageSize must be at most ${HEPSIBURADA.packagesPageSize}`);
  if (config.pageOverlap !== undefined && !(Number.isSafeInteger(config.pageOverlap) && config.pageOverlap >= 0)) problems.push("pageOverlap must be a whole number, 0 or more");
  if ((config.missingInvoicePageSize ?? 0) > HEPSIBURADA.missingInvoicePageSize) problems.push(`missingInvoicePageSize must be at most ${HEPSIBURADA.missingInvoicePageSize}`);
  if ((config.claimPageSize ?? 0) > HEPSIBURADA.claimPageSize) problems.push(`claimPageSize must be at most ${HEPSIBURADA.claimPageSize}`);
  if (config.storeAccount) problems.push(...storeAccountProblems(config.storeAccount));
  if ((config.maxOrderWindowMs ?? 0) > HEPSIBURADA.maxOrderWindowMs) problems.push(`maxOrderWindowMs must be at most ${HEPSIBURADA.maxOrderWindowMs} (24 hours)`);
  const offset = config.orderTimeZoneOffsetMinutes;
  if (offset !== undefined && !(Number.isInteger(offset) && Math.abs(offset) <= 14 * 60)) problems.push("orderTimeZoneOffsetMinutes must be a whole number of minutes within ±14 h");
  return problems;
}

function uploadIdOf(body: unknown): string | undefined {
  return isRecord(body) ? idText(body.id) : undefined;
}

/** The receipt's batchId names the upload kind, so batchStatus knows which status endpoint to read. */
export function receiptBatchId(kind: UploadKind, uploadId: string): string {
  return `${kind}:${uploadId}`;
}

function parseBatchId(batchId: string): { kind: UploadKind; id: string } {
  const match = /^(stock|price):(.+)$/.exec(batchId);
  if (!match?.[1] || !match[2]) throw new MarketplaceReceiptInvalid("The receipt does not name a Hepsiburada upload", batchId);
  return { kind: match[1] === "stock" ? "stock" : "price", id: match[2] };
}

/** Stock and price go out as separate uploads: stock first, each chunked. */
function uploadsOf(valid: readonly StockPriceItem[], batchSize: number) {
  return stockThenPriceWrites<UploadKind>(valid, batchSize, { stock: "stock", price: "price" });
}

/**
 * Stock items of listings Hepsiburada fulfils come back FAILED_PERMANENT FULFILLED_BY_HB: final
 * (not retried), dead-lettered where the operator sees them. Their prices still go: no source
 * says Hepsiburada manages the price of a listing it fulfils.
 */
export function withoutFulfilledStock(items: readonly StockPriceItem[], skus: ReadonlySet<string>): { valid: StockPriceItem[]; rejected: ItemOutcome[] } {
  const valid: StockPriceItem[] = [];
  const rejected: ItemOutcome[] = [];
  for (const item of items) {
    // The listing read names listings by merchantSku: the key this item is sent under.
    if (item.quantity === undefined || !skus.has(stockCodeKey(item))) {
      valid.push(item);
      continue;
    }
    rejected.push({ barcode: item.barcode, outcome: "FAILED_PERMANENT", reasons: [FULFILLED_BY_HB] });
    const { quantity: _held, ...price } = item;
    if (price.salePrice !== undefined) valid.push(price);
  }
  return { valid, rejected };
}

export function createHepsiburadaAdapter(config: HepsiburadaConfig): MarketplaceAdapter {
  const problems = configProblems(config);
  if (problems.length > 0) throw new MarketplaceConfigInvalid("Hepsiburada", problems);
  const profile: AdapterProfile = {
    batchSize: config.batchSize ?? HEPSIBURADA.batchSize,
    maxQuantity: config.maxQuantity ?? HEPSIBURADA.maxQuantity,
    resultRetentionMs: config.resultRetentionMs ?? HEPSIBURADA.resultRetentionMs,
    groups: { ...GROUPS, claims: HEPSIBURADA_COMMAND_GROUPS.claims, listings: LISTING_READS },
    maxPendingBatches: HEPSIBURADA.maxPendingUploads,
    stockAndPriceTogether: false,
    // Offset pages in an undocumented order; begindate/enddate honoured for at most 24 hours.
    orderStream: { windowMs: config.maxOrderWindowMs ?? HEPSIBURADA.maxOrderWindowMs, pageOrder: "UNDOCUMENTED", minOverlapMs: 0 },
    rateLimits: [
      { group: GROUPS.write, requests: config.listingWritesPerMinute ?? HEPSIBURADA.listingWritesPerMinute, perMs: 60_000 },
      { group: GROUPS.status, requests: config.listingStatusReadsPerMinute ?? HEPSIBURADA.listingStatusReadsPerMinute, perMs: 60_000 },
      { group: LISTING_READS, requests: config.listingReadsPerMinute ?? HEPSIBURADA.listingReadsPerMinute, perMs: 60_000 },
      { group: GROUPS.orders, requests: config.orderRequestsPerSecond ?? HEPSIBURADA.orderRequestsPerSecond, perMs: 1000 },
      { group: HEPSIBURADA_COMMAND_GROUPS.claims, requests: config.claimRequestsPerSecond ?? HEPSIBURADA.claimRequestsPerSecond, perMs: 1000 },
    ],
  };
  const transport: HepsiburadaTransport = {
    listingBaseUrl: config.listingBaseUrl ?? HEPSIBURADA.listingHost,
    ordersBaseUrl: config.ordersBaseUrl ?? HEPSIBURADA.ordersHost,
    authorization: `Basic ${Buffer.from(`${config.merchantId}:${config.serviceKey}`).toString("base64")}`,
    userAgent: config.developerUsername,
    timeoutMs: config.timeoutMs ?? 30_000,
    fetch: config.fetch ?? fetch,
    onCall: config.onCall,
  };
  const validate = (items: readonly StockPriceItem[]) => validateHepsiburadaItems(items, profile.maxQuantity);
  const orders = createHepsiburadaOrderPuller(transport, {
    merchantId: config.merchantId,
    pageSize: config.orderPageSize ?? HEPSIBURADA.orderPageSize,
    cancelledPageSize: config.cancelledPageSize ?? HEPSIBURADA.cancelledPageSize,
    maxCancelledPages: config.maxCancelledPages ?? HEPSIBURADA.maxCancelledPages,
    packagesPageSize: config.packagesPageSize ?? HEPSIBURADA.packagesPageSize,
    maxPackagePages: config.maxPackagePages ?? HEPSIBURADA.maxPackagePages,
    pageOverlap: config.pageOverlap ?? HEPSIBURADA.pageOverlap,
    maxWindowMs: config.maxOrderWindowMs ?? HEPSIBURADA.maxOrderWindowMs,
    offsetMinutes: config.orderTimeZoneOffsetMinutes ?? HEPSIBURADA.orderTimeZoneOffsetMinutes,
  });

  const fulfilled = createFulfilledByHb(transport, {
    merchantId: config.merchantId,
    pageSize: config.listingReadPageSize ?? HEPSIBURADA.listingReadPageSize,
    maxPagesPerRead: config.listingReadsPerMinute ?? HEPSIBURADA.listingReadsPerMinute,
    cacheMs: config.fulfilledByHbCacheMs ?? HEPSIBURADA.fulfilledByHbCacheMs,
    retryMs: 60_000,
    memo: config.fulfilledByHbMemo ?? sharedFulfilledByHbMemo,
    now: Date.now,
  });

  async function submit(kind: UploadKind, batch: StockPriceItem[]): Promise<SubmissionReceipt> {
    const { body } = await hepsiburadaRequest(transport, {
      service: "listing",
      method: "POST",
      path: hepsiburadaPaths.uploads(config.merchantId, kind),
      body: kind === "stock" ? stockUploadBody(batch) : priceUploadBody(batch),
      callType: kind === "stock" ? "STOCK_UPDATE" : "PRICE_UPDATE",
      itemCount: batch.length,
      batchIdFrom: (answer) => {
        const id = uploadIdOf(answer);
        return id === undefined ? undefined : receiptBatchId(kind, id);
      },
    });
    const id = uploadIdOf(body);
    // Accepted but no id: the upload may be applied and cannot be followed.
    if (id === undefined) throw new MarketplaceOutcomeUnknown("HEPSIBURADA", "UNREADABLE_ANSWER", 200, "no upload id in the answer");
    return receiptFor("HEPSIBURADA", receiptBatchId(kind, id), batch, stockCodeKey);
  }

  return {
    marketplace: "HEPSIBURADA",
    profile,
    validate,
    requestsFor: (items) => uploadsOf(validate(items).valid, profile.batchSize).length,

    async screen(items) {
      if (!items.some((item) => item.quantity !== undefined)) return { valid: [...items], rejected: [] };
      return withoutFulfilledStock(items, await fulfilled.skus());
    },

    async pushStockAndPrice(items) {
      // What screen held back is never sent, even by a caller that skipped it (no read here: the set screen learnt).
      const uploads = uploadsOf(withoutFulfilledStock(validate(items).valid, fulfilled.current()).valid, profile.batchSize);
      return sendInTurn(uploads, (upload) => submit(upload.kind, upload.items));
    },

    async batchStatus(receipt) {
      requireOwnReceipt("HEPSIBURADA", receipt);
      const { kind, id } = parseBatchId(receipt.batchId);
      const { status, body } = await hepsiburadaRequest(transport, {
        service: "listing",
        method: "GET",
        path: hepsiburadaPaths.uploadStatus(config.merchantId, kind, id),
        callType: "BATCH_STATUS",
        itemCount: receipt.itemCount,
        batchId: receipt.batchId,
      });
      const result = uploadStatusFrom(body, receipt.barcodes, receiptKeys(receipt));
      if (!result) throw new MarketplaceOutcomeUnknown("HEPSIBURADA", "UNREADABLE_ANSWER", status, "the upload status has no readable status");
      return result;
    },

    pullOrders: (window) => orders.pullOrders(window),

    readListings: createHepsiburadaListingReader(transport, {
      merchantId: config.merchantId,
      pageSize: Math.min(config.listingReadPageSize ?? HEPSIBURADA.listingReadPageSize, HEPSIBURADA.listingReadMaxPageSize),
      maxPageSize: HEPSIBURADA.listingReadMaxPageSize,
    }),

    orderCommands: createHepsiburadaOrderCommands(transport, {
      merchantId: config.merchantId,
      offsetMinutes: config.orderTimeZoneOffsetMinutes ?? HEPSIBURADA.orderTimeZoneOffsetMinutes,
      cancelledPageSize: config.cancelledPageSize ?? HEPSIBURADA.cancelledPageSize,
      maxCancelledPages: config.maxCancelledPages ?? HEPSIBURADA.maxCancelledPages,
      missingInvoicePageSize: config.missingInvoicePageSize ?? HEPSIBURADA.missingInvoicePageSize,
      maxMissingInvoicePages: HEPSIBURADA.maxMissingInvoicePages,
      claimPageSize: config.claimPageSize ?? HEPSIBURADA.claimPageSize,
      maxClaimPages: config.maxClaimPages ?? HEPSIBURADA.maxClaimPages,
      lookBackMs: config.claimLookBackMs ?? CLAIM_LOOK_BACK_MS,
      ...(config.claimRejectionReason ? { claimRejectionReason: config.claimRejectionReason } : {}),
      ...(config.storeAccount ? { storeAccount: config.storeAccount } : {}),
      now: config.now ?? Date.now,
    }),
  };
}

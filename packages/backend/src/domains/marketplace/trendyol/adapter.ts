import type { AdapterCallOptions, MarketplaceAdapter } from "../adapter";
import { urlProblems } from "../config-checks";
import { MarketplaceConfigInvalid, MarketplaceOutcomeUnknown } from "../errors";
import { idText, isRecord } from "../json";
import { batchesOf, receiptFor, requireOwnReceipt, sendInTurn, writeCallType } from "../push";
import type { AdapterProfile, StockPriceItem, SubmissionReceipt } from "../types";
import { TRENDYOL, TRENDYOL_COMMANDS, TRENDYOL_LISTINGS, trendyolPaths, trendyolUserAgent } from "./facts";
import { trendyolRequest, type TrendyolTransport } from "./http";
import { createTrendyolOrderCommands } from "./order-commands";
import { createTrendyolListingReader } from "./listings-read";
import { createTrendyolOrderPuller } from "./orders";
import { batchStatusFrom } from "./outcomes";
import { validateItems } from "../validate";
import { priceAndInventoryBody } from "./payload";

export interface TrendyolConfig extends AdapterCallOptions {
  /** From the store's settings, e.g. https://apigw.trendyol.com (or the sandbox's URL). */
  baseUrl: string;
  sellerId: string;
  apiKey: string;
  apiSecret: string;
  /** Alphanumeric, at most 30 characters; "SelfIntegration" is used when absent. */
  integratorName?: string;
  /** How long an identical body is refused; only a sandbox with a time scale changes it. */
  duplicateWindowMs?: number;
}

export const trendyolProfile: AdapterProfile = {
  batchSize: TRENDYOL.batchSize,
  maxQuantity: TRENDYOL.maxQuantity,
  resultRetentionMs: TRENDYOL.resultRetentionMs,
  groups: { write: "price-and-inventory", status: "batch-requests", orders: "orders", claims: "claims", listings: "product-filter" },
  stockAndPriceTogether: true,
  // Its write takes salePrice and listPrice, the very fields the approved-products read shows.
  echoesShownPrices: true,
  // The stream is always sorted by lastModifiedDate descending (MARKETPLACES.md, Corrections).
  orderStream: { windowMs: TRENDYOL.orderWindowMs, pageOrder: "NEWEST_FIRST", minOverlapMs: 0 },
  rateLimits: [
    { group: "price-and-inventory", requests: TRENDYOL.requestsPerWindow, perMs: TRENDYOL.rateWindowMs },
    { group: "batch-requests", requests: TRENDYOL.requestsPerWindow, perMs: TRENDYOL.rateWindowMs },
    // Per endpoint per 10 s; the per-minute quota is the seller's tier (orderQuotaTiers).
    { group: "orders", requests: TRENDYOL.orderRequestsPerWindow, perMs: TRENDYOL.rateWindowMs },
    // The way back (order-commands.ts groupOf), per minute at the lowest listing tier, and the gateway's
    // 50 per 10 s on top where a minute's budget could burst past it (a bucket of 300 a minute grants ~60 in 10 s).
    { group: "package-status", requests: TRENDYOL_COMMANDS.perMinute.packageStatus, perMs: 60_000 },
    { group: "package-status", requests: TRENDYOL.requestsPerWindow, perMs: TRENDYOL.rateWindowMs },
    { group: "unsupplied", requests: TRENDYOL_COMMANDS.perMinute.unsupplied, perMs: 60_000 },
    { group: "unsupplied", requests: TRENDYOL.requestsPerWindow, perMs: TRENDYOL.rateWindowMs },
    { group: "claims", requests: TRENDYOL_COMMANDS.perMinute.claimsRead, perMs: 60_000 },
    { group: "claims", requests: TRENDYOL.requestsPerWindow, perMs: TRENDYOL.rateWindowMs },
    // The catalog read (listings-read.ts): "Product Integration Read" per minute at the lowest tier, and 50 per 10 s.
    { group: "product-filter", requests: TRENDYOL_LISTINGS.readsPerMinute, perMs: 60_000 },
    { group: "product-filter", requests: TRENDYOL.requestsPerWindow, perMs: TRENDYOL.rateWindowMs },
    { group: "claim-approve", requests: TRENDYOL_COMMANDS.perMinute.claimApprove, perMs: 60_000 },
    { group: "claim-issue", requests: TRENDYOL_COMMANDS.perMinute.claimIssue, perMs: 60_000 },
  ],
  orderQuotaTiers: TRENDYOL.orderQuotaTiers,
};

function configProblems(config: TrendyolConfig): string[] {
  const problems = urlProblems("baseUrl", config.baseUrl);
  if (!config.sellerId || /\s/.test(config.sellerId)) problems.push("sellerId is required and has no spaces");
  if (!config.apiKey || !config.apiSecret) problems.push("apiKey and apiSecret are required");
  if (config.integratorName !== undefined && !TRENDYOL.integratorNamePattern.test(config.integratorName)) {
    problems.push("integratorName must be 1..30 letters or digits");
  }
  if (config.timeoutMs !== undefined && !(Number.isInteger(config.timeoutMs) && config.timeoutMs > 0)) {
    problems.push("timeoutMs must be a positive integer");
  }
  return problems;
}

function batchRequestIdOf(body: unknown): string | undefined {
  return isRecord(body) ? idText(body.batchRequestId) : undefined;
}

/** The checked settings as the HTTP layer uses them; 422 MARKETPLACE_CONFIG_INVALID for unusable ones. */
export function trendyolTransport(config: TrendyolConfig): TrendyolTransport {
  const problems = configProblems(config);
  if (problems.length > 0) throw new MarketplaceConfigInvalid("Trendyol", problems);
  return {
    baseUrl: config.baseUrl,
    authorization: `Basic ${Buffer.from(`${config.apiKey}:${config.apiSecret}`).toString("base64")}`,
    userAgent: trendyolUserAgent(config.sellerId, config.integratorName),
    timeoutMs: config.timeoutMs ?? 30_000,
    duplicateWindowMs: config.duplicateWindowMs ?? TRENDYOL.duplicateWindowMs,
    fetch: config.fetch ?? fetch,
    onCall: config.onCall,
  };
}

export function createTrendyolAdapter(config: TrendyolConfig): MarketplaceAdapter {
  const transport = trendyolTransport(config);

  async function submit(batch: StockPriceItem[]): Promise<SubmissionReceipt> {
    const { body } = await trendyolRequest(transport, {
      method: "POST",
      path: trendyolPaths.priceAndInventory(config.sellerId),
      body: priceAndInventoryBody(batch),
      callType: writeCallType(batch),
      itemCount: batch.length,
      batchIdFrom: batchRequestIdOf,
    });
    const batchId = batchRequestIdOf(body);
    // Accepted but no id: the write happened and cannot be polled, so its outcome is unknown.
    if (batchId === undefined) throw new MarketplaceOutcomeUnknown("TRENDYOL", "UNREADABLE_ANSWER", 200, "no batchRequestId in the answer");
    return receiptFor("TRENDYOL", batchId, batch);
  }

  const orders = createTrendyolOrderPuller(transport, config.sellerId);

  return {
    marketplace: "TRENDYOL",
    profile: { ...trendyolProfile, duplicateWindowMs: transport.duplicateWindowMs },
    validate: (items) => validateItems(items, trendyolProfile.maxQuantity),

    async pushStockAndPrice(items) {
      const batches = batchesOf(validateItems(items, trendyolProfile.maxQuantity).valid, trendyolProfile.batchSize);
      return sendInTurn(batches, (batch) => submit(batch.items));
    },

    async batchStatus(receipt) {
      requireOwnReceipt("TRENDYOL", receipt);
      const { status, body } = await trendyolRequest(transport, {
        method: "GET",
        path: trendyolPaths.batchRequest(config.sellerId, receipt.batchId),
        callType: "BATCH_STATUS",
        itemCount: receipt.itemCount,
        batchId: receipt.batchId,
      });
      const result = batchStatusFrom(body, receipt.barcodes);
      if (!result) throw new MarketplaceOutcomeUnknown("TRENDYOL", "UNREADABLE_ANSWER", status, "the batch result has no readable items");
      return result;
    },

    pullOrders: (window) => orders.pullOrders(window),
    readListings: createTrendyolListingReader(transport, config.sellerId),
    orderCommands: createTrendyolOrderCommands(transport, config.sellerId),
  };
}

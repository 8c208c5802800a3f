import { ValidationFailed } from "../../../infra/errors";
import { type ApiCallHook, chunk, type MarketplaceAdapter } from "../adapter";
import { MarketplaceError, MarketplaceOutcomeUnknown } from "../errors";
import type { AdapterProfile, StockPriceItem, SubmissionReceipt } from "../types";
import { TRENDYOL, trendyolPaths, trendyolUserAgent } from "./facts";
import { trendyolRequest, type TrendyolTransport } from "./http";
import { createTrendyolOrderPuller } from "./orders";
import { batchStatusFrom } from "./outcomes";
import { priceAndInventoryBody, validateItems } from "./payload";

export interface TrendyolConfig {
  /** From the store's settings, e.g. https://apigw.trendyol.com (or the sandbox's URL). */
  baseUrl: string;
  sellerId: string;
  apiKey: string;
  apiSecret: string;
  /** Alphanumeric, at most 30 characters; "SelfIntegration" is used when absent. */
  integratorName?: string;
  fetch?: typeof fetch;
  /** Deadline per HTTP call; past it the outcome is unknown. Default 30 s. */
  timeoutMs?: number;
  /** How long an identical body is refused; only a sandbox with a time scale changes it. */
  duplicateWindowMs?: number;
  onCall?: ApiCallHook;
}

export const trendyolProfile: AdapterProfile = {
  batchSize: TRENDYOL.batchSize,
  maxQuantity: TRENDYOL.maxQuantity,
  resultRetentionMs: TRENDYOL.resultRetentionMs,
  groups: { write: "price-and-inventory", status: "batch-requests", orders: "orders" },
  stockAndPriceTogether: true,
  rateLimits: [
    { group: "price-and-inventory", requests: TRENDYOL.requestsPerWindow, perMs: TRENDYOL.rateWindowMs },
    { group: "batch-requests", requests: TRENDYOL.requestsPerWindow, perMs: TRENDYOL.rateWindowMs },
    // Conservative: Trendyol publishes no order-specific quota (see facts.ts).
    { group: "orders", requests: TRENDYOL.orderRequestsPerWindow, perMs: TRENDYOL.rateWindowMs },
  ],
};

function configProblems(config: TrendyolConfig): string[] {
  const problems: string[] = [];
  let url: URL | undefined;
  try {
    url = new URL(config.baseUrl);
  } catch {
    problems.push("baseUrl is not a URL");
  }
  if (url && url.protocol !== "https:" && url.protocol !== "http:") problems.push("baseUrl must be http(s)");
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
  if (typeof body !== "object" || body === null || !("batchRequestId" in body)) return undefined;
  const id = body.batchRequestId;
  return typeof id === "string" && id.length > 0 ? id : typeof id === "number" ? String(id) : undefined;
}

export function createTrendyolAdapter(config: TrendyolConfig): MarketplaceAdapter {
  const problems = configProblems(config);
  if (problems.length > 0) throw new ValidationFailed("The Trendyol settings are not usable", { problems }, "MARKETPLACE_CONFIG_INVALID");

  const transport: TrendyolTransport = {
    baseUrl: config.baseUrl,
    authorization: `Basic ${Buffer.from(`${config.apiKey}:${config.apiSecret}`).toString("base64")}`,
    userAgent: trendyolUserAgent(config.sellerId, config.integratorName),
    timeoutMs: config.timeoutMs ?? 30_000,
    duplicateWindowMs: config.duplicateWindowMs ?? TRENDYOL.duplicateWindowMs,
    fetch: config.fetch ?? fetch,
    onCall: config.onCall,
  };

  async function submit(batch: StockPriceItem[]): Promise<SubmissionReceipt> {
    const { body } = await trendyolRequest(transport, {
      method: "POST",
      path: trendyolPaths.priceAndInventory(config.sellerId),
      body: priceAndInventoryBody(batch),
      callType: batch.some((item) => item.quantity !== undefined) ? "STOCK_UPDATE" : "PRICE_UPDATE",
      itemCount: batch.length,
      batchIdFrom: batchRequestIdOf,
    });
    const batchId = batchRequestIdOf(body);
    // Accepted but no id: the write happened and cannot be polled, so its outcome is unknown.
    if (batchId === undefined) throw new MarketplaceOutcomeUnknown("TRENDYOL", "UNREADABLE_ANSWER", 200, "no batchRequestId in the answer");
    return {
      marketplace: "TRENDYOL",
      batchId,
      submittedAt: new Date().toISOString(),
      itemCount: batch.length,
      barcodes: batch.map((item) => item.barcode),
    };
  }

  const orders = createTrendyolOrderPuller(transport, config.sellerId);

  return {
    marketplace: "TRENDYOL",
    profile: { ...trendyolProfile, duplicateWindowMs: transport.duplicateWindowMs },
    validate: (items) => validateItems(items, trendyolProfile.maxQuantity),

    async pushStockAndPrice(items) {
      const batches = chunk(validateItems(items, trendyolProfile.maxQuantity).valid, trendyolProfile.batchSize);
      const submitted: SubmissionReceipt[] = [];
      for (const [index, batch] of batches.entries()) {
        try {
          submitted.push(await submit(batch));
        } catch (error) {
          if (!(error instanceof MarketplaceError)) throw error;
          // Stop at the first failure: after a 429 or an unknown outcome, more requests only make it worse.
          const barcodes = batch.map((item) => item.barcode);
          const later = batches.slice(index + 1).flatMap((rest) => rest.map((item) => item.barcode));
          error.progress = {
            submitted,
            inDoubt: error.fate === "UNKNOWN" ? barcodes : [],
            unsent: error.fate === "REFUSED" ? [...barcodes, ...later] : later,
          };
          throw error;
        }
      }
      return submitted;
    },

    async batchStatus(receipt) {
      if (receipt.marketplace !== "TRENDYOL") {
        throw new ValidationFailed("This receipt belongs to another marketplace", { marketplace: receipt.marketplace }, "MARKETPLACE_MISMATCH");
      }
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
  };
}

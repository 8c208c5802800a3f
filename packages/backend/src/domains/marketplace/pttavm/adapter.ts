import type { AdapterCallOptions, MarketplaceAdapter } from "../adapter";
import { positiveIntegerProblems, urlProblems } from "../config-checks";
import { MarketplaceConfigInvalid, MarketplaceOutcomeUnknown } from "../errors";
import { pullSlicedPage } from "../order-pages";
import { batchesOf, receiptFor, requireOwnReceipt, sendInTurn, writeCallType } from "../push";
import type { AdapterProfile, StockPriceItem, SubmissionReceipt } from "../types";
import { PTTAVM, pttavmPaths } from "./facts";
import { pttavmRequest, type PttavmTransport } from "./http";
import { idText, isRecord } from "../json";
import { orderListFrom } from "./orders";
import { trackingStatusFrom } from "./outcomes";
import { type PriceFieldNames, stockPricesBody, validatePttavmItems } from "./payload";

/** Every PttAVM fact but the host and headers is unverified (MARKETPLACES.md): each is a setting with the documented default. */
export interface PttavmConfig extends AdapterCallOptions {
  /** REST base including /api/v1, e.g. https://integration-api.pttavm.com/api/v1 (or the sandbox's URL + /api/v1). */
  baseUrl: string;
  apiKey: string;
  accessToken: string;
  /** Default 1000. */
  batchSize?: number;
  /** Default 9999 (quantities are clamped to 0..maxQuantity). */
  maxQuantity?: number;
  /** Default 5 minutes. */
  duplicateWindowMs?: number;
  /** Default GET; one client cites the official page for POST. */
  trackingResultMethod?: "GET" | "POST";
  /** Undocumented; default 1 hour (conservative). */
  resultRetentionMs?: number;
  /** Undocumented; default 60 per endpoint group. */
  requestsPerMinute?: number;
  /** Default { sale: "salePrice", list: "listPrice" } (assumed names). */
  priceFields?: PriceFieldNames;
  /** Default /orders/search (assumed). */
  ordersPath?: string;
  /** Default 7 days: a longer pull window is split into these. */
  maxOrderWindowMs?: number;
  /** Default 100. */
  orderPageSize?: number;
  /** A fresh X-Correlation-Id per request; default crypto.randomUUID. */
  correlationId?: () => string;
}

const GROUPS = { write: "stock-prices", status: "tracking-result", orders: "orders" } as const;

function configProblems(config: PttavmConfig): string[] {
  const problems = urlProblems("baseUrl", config.baseUrl);
  if (!config.apiKey || !config.accessToken) problems.push("apiKey and accessToken are required");
  problems.push(...positiveIntegerProblems(config, ["timeoutMs", "batchSize", "maxQuantity", "duplicateWindowMs", "resultRetentionMs", "requestsPerMinute", "maxOrderWindowMs", "orderPageSize"]));
  if (config.trackingResultMethod !== undefined && config.trackingResultMethod !== "GET" && config.trackingResultMethod !== "POST") {
    problems.push("trackingResultMethod must be GET or POST");
  }
  if (config.ordersPath !== undefined && !config.ordersPath.startsWith("/")) problems.push("ordersPath must start with /");
  return problems;
}

function trackingIdOf(body: unknown): string | undefined {
  const data = isRecord(body) && isRecord(body.data) ? body.data : body;
  if (!isRecord(data)) return undefined;
  return idText(data.trackingId);
}

export function createPttavmAdapter(config: PttavmConfig): MarketplaceAdapter {
  const problems = configProblems(config);
  if (problems.length > 0) throw new MarketplaceConfigInvalid("PttAVM", problems);
  const perMinute = config.requestsPerMinute ?? PTTAVM.requestsPerMinute;
  const profile: AdapterProfile = {
    batchSize: config.batchSize ?? PTTAVM.batchSize,
    maxQuantity: config.maxQuantity ?? PTTAVM.maxQuantity,
    resultRetentionMs: config.resultRetentionMs ?? PTTAVM.resultRetentionMs,
    duplicateWindowMs: config.duplicateWindowMs ?? PTTAVM.duplicateWindowMs,
    groups: { ...GROUPS },
    stockAndPriceTogether: true,
    orderStream: { windowMs: config.maxOrderWindowMs ?? PTTAVM.maxOrderWindowMs, pageOrder: "UNDOCUMENTED", minOverlapMs: 0 },
    rateLimits: Object.values(GROUPS).map((group) => ({ group, requests: perMinute, perMs: 60_000 })),
  };
  const transport: PttavmTransport = {
    baseUrl: config.baseUrl,
    apiKey: config.apiKey,
    accessToken: config.accessToken,
    timeoutMs: config.timeoutMs ?? 30_000,
    duplicateWindowMs: profile.duplicateWindowMs ?? PTTAVM.duplicateWindowMs,
    fetch: config.fetch ?? fetch,
    onCall: config.onCall,
    correlationId: config.correlationId,
  };
  const priceFields = config.priceFields ?? PTTAVM.priceFields;
  const maxOrderWindowMs = config.maxOrderWindowMs ?? PTTAVM.maxOrderWindowMs;
  const orderPageSize = config.orderPageSize ?? PTTAVM.orderPageSize;

  async function submit(batch: StockPriceItem[]): Promise<SubmissionReceipt> {
    const { body } = await pttavmRequest(transport, {
      method: "POST",
      path: pttavmPaths.stockPrices,
      body: stockPricesBody(batch, priceFields),
      callType: writeCallType(batch),
      itemCount: batch.length,
      batchIdFrom: trackingIdOf,
    });
    const trackingId = trackingIdOf(body);
    // Accepted without a tracking id: the write happened and cannot be followed.
    if (trackingId === undefined) throw new MarketplaceOutcomeUnknown("PTTAVM", "UNREADABLE_ANSWER", 200, "no trackingId in the answer");
    return receiptFor("PTTAVM", trackingId, batch);
  }

  return {
    marketplace: "PTTAVM",
    profile,
    validate: (items) => validatePttavmItems(items, profile.maxQuantity),

    async pushStockAndPrice(items) {
      const batches = batchesOf(validatePttavmItems(items, profile.maxQuantity).valid, profile.batchSize);
      return sendInTurn(batches, (batch) => submit(batch.items));
    },

    async batchStatus(receipt) {
      requireOwnReceipt("PTTAVM", receipt);
      const { status, body } = await pttavmRequest(transport, {
        method: config.trackingResultMethod ?? PTTAVM.trackingResultMethod,
        path: pttavmPaths.trackingResult(receipt.batchId),
        callType: "BATCH_STATUS",
        itemCount: receipt.itemCount,
        batchId: receipt.batchId,
      });
      const result = trackingStatusFrom(body, receipt.barcodes);
      if (!result) throw new MarketplaceOutcomeUnknown("PTTAVM", "UNREADABLE_ANSWER", status, "the tracking result has no readable items");
      return result;
    },

    pullOrders: (window) =>
      // PttAVM takes windows of at most maxOrderWindowMs, pages from 0: a longer one is walked in slices.
      pullSlicedPage(window, { label: "PttAVM", firstPage: 0, maxWindowMs: maxOrderWindowMs }, async (cursor, to) => {
        const { body } = await pttavmRequest(transport, {
          method: "GET",
          path: config.ordersPath ?? PTTAVM.ordersPath,
          query: {
            startDate: new Date(cursor.from).toISOString(),
            endDate: new Date(to).toISOString(),
            page: String(cursor.page),
            size: String(orderPageSize),
          },
          callType: "GET_ORDERS",
          itemCount: 0,
        });
        return orderListFrom(body, cursor.page, orderPageSize);
      }),
  };
}

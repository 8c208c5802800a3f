import type { AdapterCallOptions, MarketplaceAdapter } from "../adapter";
import { positiveIntegerProblems, urlProblems } from "../config-checks";
import { MarketplaceConfigInvalid, MarketplaceOutcomeUnknown } from "../errors";
import { pullSlicedPage } from "../order-pages";
import { batchesOf, receiptFor, requireOwnReceipt, sendInTurn, writeCallType } from "../push";
import type { AdapterProfile, StockPriceItem, SubmissionReceipt } from "../types";
import { PTTAVM, PTTAVM_ORDER_WINDOW_MS, PTTAVM_SHIPMENT, pttavmPaths } from "./facts";
import { pttavmRequest, type PttavmTransport } from "./http";
import { idText, isRecord } from "../json";
import { orderListFrom, pttavmTimestamp } from "./orders";
import { trackingStatusFrom } from "./outcomes";
import { PTTAVM_COMMAND_GROUP, pttavmOrderCommands } from "./order-commands";
import { stockPricesBody, validatePttavmItems } from "./payload";
import { PTTAVM_LISTINGS, readPttavmListings } from "./listings-read";

/** PttAVM's REST facts rest on client code (fixtures in packages/marketplace-fixtures/pttavm): each is a setting with the documented default. */
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
  /** Default POST (the client citing the official page); another client GETs it. */
  trackingResultMethod?: "GET" | "POST";
  /** The VAT rate (0, 1, 10 or 20) the store's sale prices include; default 20. */
  vatRate?: number;
  /** Undocumented; default 1 hour (conservative). */
  resultRetentionMs?: number;
  /** Undocumented; default 60 per endpoint group. */
  requestsPerMinute?: number;
  /** Default /orders/search. */
  ordersPath?: string;
  /** Default and maximum 40 days: a longer pull window is split into these. */
  maxOrderWindowMs?: number;
  /** The shipment host (warehouses, barcodes); default https://shipment.pttavm.com/api/v1. */
  shipmentBaseUrl?: string;
  /** The warehouse shipment barcodes are made for; default the only one PttAVM lists. */
  warehouseId?: number;
  /** A fresh X-Correlation-Id per request; default crypto.randomUUID. */
  correlationId?: () => string;
}

const GROUPS = { write: "stock-prices", status: "tracking-result", orders: "orders", listings: PTTAVM_LISTINGS.group } as const;

function configProblems(config: PttavmConfig): string[] {
  const problems = [...urlProblems("baseUrl", config.baseUrl), ...urlProblems("shipmentBaseUrl", config.shipmentBaseUrl)];
  if (!config.apiKey || !config.accessToken) problems.push("apiKey and accessToken are required");
  problems.push(...positiveIntegerProblems(config, ["timeoutMs", "batchSize", "maxQuantity", "duplicateWindowMs", "resultRetentionMs", "requestsPerMinute", "maxOrderWindowMs", "warehouseId"]));
  if (config.trackingResultMethod !== undefined && config.trackingResultMethod !== "GET" && config.trackingResultMethod !== "POST") {
    problems.push("trackingResultMethod must be GET or POST");
  }
  if (config.vatRate !== undefined && !PTTAVM.vatRates.includes(config.vatRate)) problems.push(`vatRate must be one of ${PTTAVM.vatRates.join(", ")}`);
  if (config.maxOrderWindowMs !== undefined && config.maxOrderWindowMs > PTTAVM_ORDER_WINDOW_MS) problems.push("maxOrderWindowMs must be at most 40 days");
  if (config.ordersPath !== undefined && !config.ordersPath.startsWith("/")) problems.push("ordersPath must start with /");
  return problems;
}

function trackingIdOf(body: unknown): string | undefined {
  return isRecord(body) ? idText(body.trackingId) : undefined;
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
    rateLimits: [...Object.values(GROUPS), PTTAVM_COMMAND_GROUP].map((group) => ({ group, requests: perMinute, perMs: 60_000 })),
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
  const vatRate = config.vatRate ?? PTTAVM.vatRate;
  const trackingMethod = config.trackingResultMethod ?? PTTAVM.trackingResultMethod;
  const maxOrderWindowMs = config.maxOrderWindowMs ?? PTTAVM.maxOrderWindowMs;

  async function submit(batch: StockPriceItem[]): Promise<SubmissionReceipt> {
    const { body } = await pttavmRequest(transport, {
      method: "POST",
      path: pttavmPaths.stockPrices,
      body: stockPricesBody(batch, vatRate),
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
    orderCommands: pttavmOrderCommands(transport, {
      shipmentBaseUrl: config.shipmentBaseUrl ?? PTTAVM_SHIPMENT.baseUrl,
      ...(config.warehouseId === undefined ? {} : { warehouseId: config.warehouseId }),
      ordersPath: config.ordersPath ?? PTTAVM.ordersPath,
      maxOrderWindowMs,
    }),

    async pushStockAndPrice(items) {
      const batches = batchesOf(validatePttavmItems(items, profile.maxQuantity).valid, profile.batchSize);
      return sendInTurn(batches, (batch) => submit(batch.items));
    },

    async batchStatus(receipt) {
      requireOwnReceipt("PTTAVM", receipt);
      const { status, body } = await pttavmRequest(transport, {
        method: trackingMethod,
        path: pttavmPaths.trackingResult(receipt.batchId),
        // The client that POSTs it sends an empty JSON object.
        ...(trackingMethod === "POST" ? { body: "{}" } : {}),
        callType: "BATCH_STATUS",
        itemCount: receipt.itemCount,
        batchId: receipt.batchId,
      });
      const result = trackingStatusFrom(body, receipt.barcodes);
      if (!result) throw new MarketplaceOutcomeUnknown("PTTAVM", "UNREADABLE_ANSWER", status, "the tracking result has no readable items");
      return result;
    },

    readListings: (request) => readPttavmListings(transport, request),

    pullOrders: (window) =>
      // One call per slice of at most 40 days; no paging, so each slice is one page.
      pullSlicedPage(window, { label: "PttAVM", firstPage: 0, maxWindowMs: maxOrderWindowMs }, async (cursor, to) => {
        const { body } = await pttavmRequest(transport, {
          method: "GET",
          path: config.ordersPath ?? PTTAVM.ordersPath,
          query: { startDate: pttavmTimestamp(cursor.from), endDate: pttavmTimestamp(to), isActiveOrders: "false" },
          callType: "GET_ORDERS",
          itemCount: 0,
        });
        return { orders: orderListFrom(body, new Date(cursor.from)), more: false };
      }),
  };
}

import { ValidationFailed } from "../../../infra/errors";
import { type ApiCallHook, chunk, type MarketplaceAdapter } from "../adapter";
import { MarketplaceError, MarketplaceOutcomeUnknown } from "../errors";
import type { AdapterProfile, OrderPage, StockPriceItem, SubmissionReceipt } from "../types";
import { PTTAVM, pttavmPaths } from "./facts";
import { isRecord, pttavmRequest, type PttavmTransport } from "./http";
import { decodeCursor, nextCursor, orderListFrom, pullWindowProblem } from "./orders";
import { trackingStatusFrom } from "./outcomes";
import { type PriceFieldNames, stockPricesBody, validatePttavmItems } from "./payload";

/** Every PttAVM fact but the host and headers is unverified (MARKETPLACES.md): each is a setting with the documented default. */
export interface PttavmConfig {
  /** REST base including /api/v1, e.g. https://integration-api.pttavm.com/api/v1 (or the sandbox's URL + /api/v1). */
  baseUrl: string;
  apiKey: string;
  accessToken: string;
  fetch?: typeof fetch;
  /** Deadline per HTTP call; past it the outcome is unknown. Default 30 s. */
  timeoutMs?: number;
  onCall?: ApiCallHook;
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

function positive(value: number | undefined, name: string, problems: string[]): void {
  if (value !== undefined && !(Number.isSafeInteger(value) && value > 0)) problems.push(`${name} must be a positive integer`);
}

function configProblems(config: PttavmConfig): string[] {
  const problems: string[] = [];
  let url: URL | undefined;
  try {
    url = new URL(config.baseUrl);
  } catch {
    problems.push("baseUrl is not a URL");
  }
  if (url && url.protocol !== "https:" && url.protocol !== "http:") problems.push("baseUrl must be http(s)");
  if (!config.apiKey || !config.accessToken) problems.push("apiKey and accessToken are required");
  for (const name of ["timeoutMs", "batchSize", "maxQuantity", "duplicateWindowMs", "resultRetentionMs", "requestsPerMinute", "maxOrderWindowMs", "orderPageSize"] as const) {
    positive(config[name], name, problems);
  }
  if (config.trackingResultMethod !== undefined && config.trackingResultMethod !== "GET" && config.trackingResultMethod !== "POST") {
    problems.push("trackingResultMethod must be GET or POST");
  }
  if (config.ordersPath !== undefined && !config.ordersPath.startsWith("/")) problems.push("ordersPath must start with /");
  return problems;
}

function trackingIdOf(body: unknown): string | undefined {
  const data = isRecord(body) && isRecord(body.data) ? body.data : body;
  if (!isRecord(data)) return undefined;
  const id = data.trackingId;
  return typeof id === "string" && id.length > 0 ? id : typeof id === "number" ? String(id) : undefined;
}

export function createPttavmAdapter(config: PttavmConfig): MarketplaceAdapter {
  const problems = configProblems(config);
  if (problems.length > 0) throw new ValidationFailed("The PttAVM settings are not usable", { problems }, "MARKETPLACE_CONFIG_INVALID");
  const perMinute = config.requestsPerMinute ?? PTTAVM.requestsPerMinute;
  const profile: AdapterProfile = {
    batchSize: config.batchSize ?? PTTAVM.batchSize,
    maxQuantity: config.maxQuantity ?? PTTAVM.maxQuantity,
    resultRetentionMs: config.resultRetentionMs ?? PTTAVM.resultRetentionMs,
    duplicateWindowMs: config.duplicateWindowMs ?? PTTAVM.duplicateWindowMs,
    groups: { ...GROUPS },
    stockAndPriceTogether: true,
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
      callType: batch.some((item) => item.quantity !== undefined) ? "STOCK_UPDATE" : "PRICE_UPDATE",
      itemCount: batch.length,
      batchIdFrom: trackingIdOf,
    });
    const trackingId = trackingIdOf(body);
    // Accepted without a tracking id: the write happened and cannot be followed.
    if (trackingId === undefined) throw new MarketplaceOutcomeUnknown("PTTAVM", "UNREADABLE_ANSWER", 200, "no trackingId in the answer");
    return { marketplace: "PTTAVM", batchId: trackingId, submittedAt: new Date().toISOString(), itemCount: batch.length, barcodes: batch.map((item) => item.barcode) };
  }

  return {
    marketplace: "PTTAVM",
    profile,
    validate: (items) => validatePttavmItems(items, profile.maxQuantity),

    async pushStockAndPrice(items) {
      const batches = chunk(validatePttavmItems(items, profile.maxQuantity).valid, profile.batchSize);
      const submitted: SubmissionReceipt[] = [];
      for (const [index, batch] of batches.entries()) {
        try {
          submitted.push(await submit(batch));
        } catch (error) {
          if (!(error instanceof MarketplaceError)) throw error;
          // Stop at the first failure: after a refusal or an unknown outcome, more requests only make it worse.
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
      if (receipt.marketplace !== "PTTAVM") {
        throw new ValidationFailed("This receipt belongs to another marketplace", { marketplace: receipt.marketplace }, "MARKETPLACE_MISMATCH");
      }
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

    async pullOrders({ since, until, page }): Promise<OrderPage> {
      const problem = pullWindowProblem(since, until);
      if (problem) throw new ValidationFailed(problem, {}, "MARKETPLACE_WINDOW_INVALID");
      const end = until.getTime();
      const cursor = page === undefined ? { from: since.getTime(), page: 0 } : decodeCursor(page);
      if (cursor.from >= end) return { orders: [], next: null };
      // PttAVM takes windows of at most maxOrderWindowMs: a longer one is walked in slices.
      const subEnd = Math.min(cursor.from + maxOrderWindowMs, end);
      const { body } = await pttavmRequest(transport, {
        method: "GET",
        path: config.ordersPath ?? PTTAVM.ordersPath,
        query: {
          startDate: new Date(cursor.from).toISOString(),
          endDate: new Date(subEnd).toISOString(),
          page: String(cursor.page),
          size: String(orderPageSize),
        },
        callType: "GET_ORDERS",
        itemCount: 0,
      });
      const { orders, more } = orderListFrom(body, cursor.page, orderPageSize);
      return { orders, next: nextCursor(cursor, subEnd, end, more) };
    },
  };
}

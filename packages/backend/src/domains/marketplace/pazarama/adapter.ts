import type { AdapterCallOptions, MarketplaceAdapter } from "../adapter";
import { positiveIntegerProblems, urlProblems } from "../config-checks";
import { MarketplaceConfigInvalid, MarketplaceMismatch, MarketplaceOutcomeUnknown } from "../errors";
import { receiptFor, sendInTurn, stockThenPriceWrites } from "../push";
import type { AdapterProfile, BatchStatus, StockPriceItem, SubmissionReceipt } from "../types";
import { PAZARAMA, pazaramaPaths } from "./facts";
import { pazaramaRequest, type PazaramaTransport } from "./http";
import { PAZARAMA_ORDER_CALLS, type PazaramaOrderCall, pullPazaramaOrders } from "./pull";
import { decodeBatchId, encodeBatchId, listingStateFrom, type WriteKind } from "./outcomes";
import { updatePriceBody, updateStockBody, validatePazaramaItems } from "./payload";
import { PAZARAMA_COMMAND_GROUP, pazaramaOrderCommands } from "./order-commands";
import { PazaramaTokens } from "./token";
import { isRecord } from "../json";
import { PAZARAMA_LISTINGS, readPazaramaListings } from "./listings-read";

/**
 * How a write's result is learnt. LISTING_STATE (default): poll the lake-projections endpoint
 * that client docs name for updateStock-v2 / updatePrice-v2 results, which reports per-item
 * failures (unknown codes, price approval). ACCEPTED: MARKETPLACES.md documents no status
 * endpoint, so if that one turns out wrong, `success:true` is taken as applied and every item
 * SUCCEEDS at once (per-item failures are then invisible; the daily reconciliation is the net).
 */
export type PazaramaBatchResults = "LISTING_STATE" | "ACCEPTED";

/** Every Pazarama fact is unverified (MARKETPLACES.md): each is a setting with the documented default. */
export interface PazaramaConfig extends AdapterCallOptions {
  /** Default https://isortagimapi.pazarama.com. */
  apiBaseUrl?: string;
  /** Default https://isortagimgiris.pazarama.com (POST /connect/token). */
  tokenBaseUrl?: string;
  clientId: string;
  clientSecret: string;
  /** Default 1000 (client docs allow up to 3000). */
  batchSize?: number;
  /** Default 99999 (undocumented). */
  maxQuantity?: number;
  /** Default 10 s: at most one write per this long per seller (one client's rule). */
  writeSpacingMs?: number;
  /** Default LISTING_STATE. */
  batchResults?: PazaramaBatchResults;
  /** Undocumented; default 1 hour (conservative). */
  resultRetentionMs?: number;
  /** Undocumented; default 60. */
  statusRequestsPerMinute?: number;
  /** Undocumented; default 60. */
  orderRequestsPerMinute?: number;
  /** Which order call this store's Pazarama answers (sources disagree); default V2. */
  orderCall?: PazaramaOrderCall;
  /** Overrides the chosen call's path (Pazarama renames paths). */
  ordersPath?: string;
  /** Default 27 days (inside "at most a month" once rounded to whole days): a longer pull window is split into these. */
  maxOrderWindowMs?: number;
  /** Default 100. */
  orderPageSize?: number;
  /** Pazarama's id of the store's own carrier, sent with a shipment notice (no source lists them). */
  cargoCompanyId?: string;
  /** Undocumented quota of the order status and refund calls; default 60 per minute. */
  commandRequestsPerMinute?: number;
  /** Undocumented quota of the approved-products read (listing reads); default 60 per minute. */
  listingRequestsPerMinute?: number;
  /** The approved-products read's path (sources disagree); default /product/products. */
  listingsPath?: string;
  /** The clock the token cache and write spacing read; default Date.now. */
  now?: () => number;
}

const GROUPS = { write: "write", status: "listing-state", orders: "orders", listings: PAZARAMA_LISTINGS.group } as const;

function configProblems(config: PazaramaConfig): string[] {
  const problems = [...urlProblems("apiBaseUrl", config.apiBaseUrl), ...urlProblems("tokenBaseUrl", config.tokenBaseUrl)];
  if (!config.clientId || !config.clientSecret) problems.push("clientId and clientSecret are required");
  const positive = ["timeoutMs", "batchSize", "maxQuantity", "writeSpacingMs", "resultRetentionMs", "statusRequestsPerMinute", "orderRequestsPerMinute", "maxOrderWindowMs", "orderPageSize", "commandRequestsPerMinute", "listingRequestsPerMinute"] as const;
  problems.push(...positiveIntegerProblems(config, positive));
  if ((config.batchSize ?? 0) > PAZARAMA.maxBatchSize) problems.push(`batchSize must be at most ${PAZARAMA.maxBatchSize}`);
  if (config.batchResults !== undefined && config.batchResults !== "LISTING_STATE" && config.batchResults !== "ACCEPTED") problems.push("batchResults must be LISTING_STATE or ACCEPTED");
  if (config.ordersPath !== undefined && !config.ordersPath.startsWith("/")) problems.push("ordersPath must start with /");
  if (config.listingsPath !== undefined && !config.listingsPath.startsWith("/")) problems.push("listingsPath must start with /");
  if (config.orderCall !== undefined && !PAZARAMA_ORDER_CALLS.includes(config.orderCall)) problems.push(`orderCall must be one of ${PAZARAMA_ORDER_CALLS.join(", ")}`);
  if ((config.maxOrderWindowMs ?? 0) > PAZARAMA.maxOrderWindowMs) problems.push(`maxOrderWindowMs must be at most ${PAZARAMA.maxOrderWindowMs} (27 days)`);
  return problems;
}

export function pazaramaProfile(config: Partial<PazaramaConfig> = {}): AdapterProfile {
  const perMinute = (requests: number, group: string) => ({ group, requests, perMs: 60_000 });
  return {
    batchSize: config.batchSize ?? PAZARAMA.batchSize,
    maxQuantity: config.maxQuantity ?? PAZARAMA.maxQuantity,
    resultRetentionMs: config.resultRetentionMs ?? PAZARAMA.resultRetentionMs,
    groups: { ...GROUPS },
    // Stock and price are two endpoints, but the 10-second spacing is per seller: one write group.
    stockAndPriceTogether: false,
    orderStream: { windowMs: config.maxOrderWindowMs ?? PAZARAMA.maxOrderWindowMs, pageOrder: "UNDOCUMENTED", minOverlapMs: 0 },
    rateLimits: [
      { group: GROUPS.write, requests: 1, perMs: config.writeSpacingMs ?? PAZARAMA.writeSpacingMs },
      perMinute(config.statusRequestsPerMinute ?? PAZARAMA.statusRequestsPerMinute, GROUPS.status),
      perMinute(config.orderRequestsPerMinute ?? PAZARAMA.orderRequestsPerMinute, GROUPS.orders),
      perMinute(config.commandRequestsPerMinute ?? PAZARAMA.commandRequestsPerMinute, PAZARAMA_COMMAND_GROUP),
      perMinute(config.listingRequestsPerMinute ?? PAZARAMA_LISTINGS.requestsPerMinute, GROUPS.listings),
    ],
  };
}

function dataIdOf(body: unknown): string | undefined {
  return isRecord(body) && typeof body.data === "string" && body.data.length > 0 ? body.data : undefined;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createPazaramaAdapter(config: PazaramaConfig): MarketplaceAdapter {
  const problems = configProblems(config);
  if (problems.length > 0) throw new MarketplaceConfigInvalid("Pazarama", problems);
  const profile = pazaramaProfile(config);
  const now = config.now ?? Date.now;
  const timeoutMs = config.timeoutMs ?? 30_000;
  const fetcher = config.fetch ?? fetch;
  const writeSpacingMs = config.writeSpacingMs ?? PAZARAMA.writeSpacingMs;
  const batchResults = config.batchResults ?? "LISTING_STATE";
  const orderCall = config.orderCall ?? "V2";
  const tokens = new PazaramaTokens({
    tokenBaseUrl: config.tokenBaseUrl ?? PAZARAMA.tokenBaseUrl,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    timeoutMs,
    fetch: fetcher,
    onCall: config.onCall,
    now,
  });
  const transport: PazaramaTransport = { apiBaseUrl: config.apiBaseUrl ?? PAZARAMA.apiBaseUrl, timeoutMs, writeSpacingMs, fetch: fetcher, onCall: config.onCall, tokens };
  /** Quantities to updateStock-v2, then prices to updatePrice-v2, each chunked. */
  const writesOf = (valid: readonly StockPriceItem[]) => stockThenPriceWrites<WriteKind>(valid, profile.batchSize, { stock: "STOCK", price: "PRICE" });
  /** When this adapter's last write was answered: its next one waits out the spacing rule. */
  let lastWriteAt: number | undefined;
  const ordersPath = config.ordersPath ?? (orderCall === "V2" ? PAZARAMA.ordersV2Path : PAZARAMA.ordersPagedPath);

  async function submit(kind: WriteKind, batch: StockPriceItem[]): Promise<SubmissionReceipt> {
    // The engine's bucket spaces separate pushes; this covers several batches within one push.
    const wait = lastWriteAt === undefined ? 0 : lastWriteAt + writeSpacingMs - now();
    if (wait > 0) await sleep(wait);
    try {
      const { body } = await pazaramaRequest(transport, {
        method: "POST",
        path: kind === "STOCK" ? pazaramaPaths.updateStock : pazaramaPaths.updatePrice,
        body: kind === "STOCK" ? updateStockBody(batch) : updatePriceBody(batch),
        callType: kind === "STOCK" ? "STOCK_UPDATE" : "PRICE_UPDATE",
        itemCount: batch.length,
        batchIdFrom: (answer) => {
          const dataId = dataIdOf(answer);
          return dataId === undefined ? undefined : encodeBatchId(kind, dataId);
        },
      });
      const dataId = dataIdOf(body);
      // Accepted without a batch id: the write happened and cannot be followed.
      if (dataId === undefined) throw new MarketplaceOutcomeUnknown("PAZARAMA", "UNREADABLE_ANSWER", 200, "no batch id in data");
      return receiptFor("PAZARAMA", encodeBatchId(kind, dataId), batch);
    } finally {
      lastWriteAt = now();
    }
  }

  return {
    marketplace: "PAZARAMA",
    profile,
    validate: (items) => validatePazaramaItems(items, profile.maxQuantity),
    orderCommands: pazaramaOrderCommands(transport, { ordersPath, now, ...(config.cargoCompanyId ? { cargoCompanyId: config.cargoCompanyId } : {}) }),

    requestsFor(items) {
      return writesOf(validatePazaramaItems(items, profile.maxQuantity).valid).length;
    },

    async pushStockAndPrice(items) {
      const writes = writesOf(validatePazaramaItems(items, profile.maxQuantity).valid);
      return sendInTurn(writes, (write) => submit(write.kind, write.items));
    },

    async batchStatus(receipt): Promise<BatchStatus> {
      const decoded = receipt.marketplace === "PAZARAMA" ? decodeBatchId(receipt.batchId) : undefined;
      if (!decoded) throw new MarketplaceMismatch("This receipt is not a Pazarama one", { marketplace: receipt.marketplace, batchId: receipt.batchId });
      if (batchResults === "ACCEPTED") return { complete: true, items: receipt.barcodes.map((barcode) => ({ barcode, outcome: "SUCCEEDED", reasons: [] })) };
      const { status, body } = await pazaramaRequest(transport, {
        method: "GET",
        path: PAZARAMA.batchResultPath(decoded.dataId),
        // One page holds a whole batch: batchSize never exceeds the page size.
        query: { page: "1", pageSize: String(PAZARAMA.batchResultPageSize) },
        callType: "BATCH_STATUS",
        itemCount: receipt.itemCount,
        batchId: receipt.batchId,
      });
      const result = listingStateFrom(body, decoded.kind, receipt.barcodes);
      if (!result) throw new MarketplaceOutcomeUnknown("PAZARAMA", "UNREADABLE_ANSWER", status, "the batch result has no readable items");
      return result;
    },

    readListings: (request) => readPazaramaListings(transport, config.listingsPath ?? PAZARAMA_LISTINGS.path, request),

    pullOrders: (window) =>
      pullPazaramaOrders(transport, window, {
        call: orderCall,
        path: ordersPath,
        maxWindowMs: config.maxOrderWindowMs ?? PAZARAMA.maxOrderWindowMs,
        pageSize: config.orderPageSize ?? PAZARAMA.orderPageSize,
      }),
  };
}

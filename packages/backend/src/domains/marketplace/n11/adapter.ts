import type { AdapterCallOptions, MarketplaceAdapter } from "../adapter";
import { positiveIntegerProblems, urlProblems } from "../config-checks";
import { MarketplaceConfigInvalid, type MarketplaceError, MarketplaceOutcomeUnknown, MarketplaceRejected } from "../errors";
import { requirePullWindow } from "../order-pages";
import { batchesOf, receiptFor, receiptKeys, requireOwnReceipt, sendInTurn, writeCallType } from "../push";
import { stockCodeKey } from "../validate";
import type { AdapterProfile, OrderPage, StockPriceItem, SubmissionReceipt } from "../types";
import { N11, N11_TASK, n11Paths } from "./facts";
import { n11Request, type N11Transport, reasonsOf } from "./http";
import { idText, isRecord } from "../json";
import { decodeN11Cursor, nextN11Cursor, packagePageFrom } from "./orders";
import { type TaskDetailsPage, taskDetailsPage, taskStatusFrom } from "./outcomes";
import { N11_COMMAND_GROUP, n11OrderCommands } from "./order-commands";
import { priceStockBody, validateN11Items } from "./payload";
import { N11_LISTINGS, readN11Listings } from "./listings-read";

/** Facts N11 does not document are settings with the defaults in facts.ts. */
export interface N11Config extends AdapterCallOptions {
  /** Default https://api.n11.com (one host for products and orders), or the sandbox's URL. */
  baseUrl?: string;
  appKey: string;
  appSecret: string;
  /** payload.integrator; default "Pazarsync". */
  integrator?: string;
  /** Default (and at most) 1000 skus per request. */
  batchSize?: number;
  /** Undocumented cap; default 999999. */
  maxQuantity?: number;
  /** Undocumented; default 1 hour (conservative). */
  resultRetentionMs?: number;
  /** Undocumented quotas; defaults 100 and 300 per minute. */
  writeRequestsPerMinute?: number;
  statusRequestsPerMinute?: number;
  /** Official: 1000 per minute. */
  orderRequestsPerMinute?: number;
  /** Undocumented quota of the order line update / split calls; default 100 per minute. */
  commandRequestsPerMinute?: number;
  /** Undocumented quota of the product query (listing reads); default 100 per minute. */
  listingRequestsPerMinute?: number;
  /** Default 1000 skus per task-details page. */
  taskDetailsPageSize?: number;
  /** Default 14 days, at most 15 (N11 answers a wider range with its last 15 days only): a longer pull window is split. */
  maxOrderWindowMs?: number;
  /** Default (and at most) 100. */
  orderPageSize?: number;
  /** The package statuses pulled, one request each; default every documented one (facts.ts). */
  orderStatuses?: readonly string[];
  /** ClaimReturnDeny's denyReasonId (ClaimReturnDenyReasonTypes); default 2 "Ürün zarar görmüş". */
  returnDenyReasonId?: number;
  /** MakeOrderItemShipment's shipmentCompany.id (GetShipmentCompanies); unset: SHIP is refused unsent. */
  shipmentCompanyId?: number;
}

const GROUPS = { write: "price-stock-update", status: "task-details", orders: "shipment-packages", listings: N11_LISTINGS.group } as const;

const POSITIVE = ["timeoutMs", "batchSize", "maxQuantity", "resultRetentionMs", "writeRequestsPerMinute", "statusRequestsPerMinute", "orderRequestsPerMinute", "commandRequestsPerMinute", "listingRequestsPerMinute", "taskDetailsPageSize", "maxOrderWindowMs", "orderPageSize", "returnDenyReasonId", "shipmentCompanyId"] as const;

function configProblems(config: N11Config): string[] {
  const problems = urlProblems("baseUrl", config.baseUrl);
  if (!config.appKey || !config.appSecret) problems.push("appKey and appSecret are required");
  if (config.integrator !== undefined && !/^\S(.{0,98}\S)?$/.test(config.integrator)) problems.push("integrator must be 1..100 characters without surrounding spaces");
  problems.push(...positiveIntegerProblems(config, POSITIVE));
  if ((config.batchSize ?? 0) > N11.batchSize) problems.push(`batchSize must be at most ${N11.batchSize}`);
  if ((config.orderPageSize ?? 0) > N11.orderPageSize) problems.push(`orderPageSize must be at most ${N11.orderPageSize}`);
  if ((config.maxOrderWindowMs ?? 0) > N11.orderWindowMaxMs) problems.push(`maxOrderWindowMs must be at most ${N11.orderWindowMaxMs} (15 days)`);
  if (config.orderStatuses !== undefined && (config.orderStatuses.length === 0 || config.orderStatuses.some((s) => !/^[A-Za-z]+$/.test(s)))) {
    problems.push("orderStatuses must be one or more status names (one per request)");
  }
  return problems;
}

function taskIdOf(body: unknown): string | undefined {
  if (!isRecord(body)) return undefined;
  return idText(body.id ?? body.taskId);
}

/** REJECT comes with HTTP 200: the whole request was refused before processing. */
function rejectionIn(body: unknown): MarketplaceError | undefined {
  if (!isRecord(body) || body.status !== N11_TASK.rejected) return undefined;
  return new MarketplaceRejected("N11", 200, reasonsOf(body));
}

export function createN11Adapter(config: N11Config): MarketplaceAdapter {
  const problems = configProblems(config);
  if (problems.length > 0) throw new MarketplaceConfigInvalid("N11", problems);
  const minute = 60_000;
  const profile: AdapterProfile = {
    batchSize: config.batchSize ?? N11.batchSize,
    maxQuantity: config.maxQuantity ?? N11.maxQuantity,
    resultRetentionMs: config.resultRetentionMs ?? N11.resultRetentionMs,
    groups: { ...GROUPS },
    stockAndPriceTogether: true,
    orderStream: { windowMs: config.maxOrderWindowMs ?? N11.maxOrderWindowMs, pageOrder: "UNDOCUMENTED", minOverlapMs: N11.pullOverlapMs },
    rateLimits: [
      { group: GROUPS.write, requests: config.writeRequestsPerMinute ?? N11.writeRequestsPerMinute, perMs: minute },
      { group: GROUPS.status, requests: config.statusRequestsPerMinute ?? N11.statusRequestsPerMinute, perMs: minute },
      { group: GROUPS.orders, requests: config.orderRequestsPerMinute ?? N11.orderRequestsPerMinute, perMs: minute },
      { group: N11_COMMAND_GROUP, requests: config.commandRequestsPerMinute ?? N11.commandRequestsPerMinute, perMs: minute },
      { group: GROUPS.listings, requests: config.listingRequestsPerMinute ?? N11_LISTINGS.requestsPerMinute, perMs: minute },
    ],
  };
  const transport: N11Transport = {
    baseUrl: config.baseUrl ?? N11.baseUrl,
    appKey: config.appKey,
    appSecret: config.appSecret,
    timeoutMs: config.timeoutMs ?? 30_000,
    fetch: config.fetch ?? fetch,
    onCall: config.onCall,
  };
  const integrator = config.integrator ?? N11.integrator;
  const pageSize = config.taskDetailsPageSize ?? N11.taskDetailsPageSize;
  const statuses = config.orderStatuses ?? N11.orderStatuses;
  const maxOrderWindowMs = config.maxOrderWindowMs ?? N11.maxOrderWindowMs;
  const orderPageSize = config.orderPageSize ?? N11.orderPageSize;
  const validate = (items: readonly StockPriceItem[]) => validateN11Items(items, profile.maxQuantity);

  async function submit(batch: StockPriceItem[]): Promise<SubmissionReceipt> {
    const { body } = await n11Request(transport, {
      method: "POST",
      path: n11Paths.priceStockUpdate,
      body: priceStockBody(batch, integrator),
      callType: writeCallType(batch),
      itemCount: batch.length,
      batchIdFrom: taskIdOf,
      refusalIn: rejectionIn,
    });
    const taskId = taskIdOf(body);
    // Queued but no task id: the write may happen and cannot be followed.
    if (taskId === undefined) throw new MarketplaceOutcomeUnknown("N11", "UNREADABLE_ANSWER", 200, "no task id in the answer");
    return receiptFor("N11", taskId, batch, stockCodeKey);
  }

  async function detailsPage(receipt: SubmissionReceipt, page: number): Promise<TaskDetailsPage> {
    // N11's examples send the task id as a number; keep a non-numeric one as it came.
    const taskId = /^\d{1,15}$/.test(receipt.batchId) ? Number(receipt.batchId) : receipt.batchId;
    const { status, body } = await n11Request(transport, {
      method: "POST",
      path: n11Paths.taskDetails,
      body: JSON.stringify({ taskId, pageable: { page, size: pageSize } }),
      callType: "BATCH_STATUS",
      itemCount: receipt.itemCount,
      batchId: receipt.batchId,
    });
    const parsed = taskDetailsPage(body, page);
    if (!parsed) throw new MarketplaceOutcomeUnknown("N11", "UNREADABLE_ANSWER", status, "the task details have no readable status");
    return parsed;
  }

  return {
    marketplace: "N11",
    profile,
    validate,
    requestsFor: (items) => Math.ceil(validate(items).valid.length / profile.batchSize),
    orderCommands: n11OrderCommands(transport, orderPageSize, { denyReasonId: config.returnDenyReasonId ?? N11.returnDenyReasonId, ...(config.shipmentCompanyId === undefined ? {} : { shipmentCompanyId: config.shipmentCompanyId }) }),

    async pushStockAndPrice(items) {
      const batches = batchesOf(validate(items).valid, profile.batchSize);
      return sendInTurn(batches, (batch) => submit(batch.items));
    },

    async batchStatus(receipt) {
      requireOwnReceipt("N11", receipt);
      // Task details are paged: read every page, each one call.
      const pages: TaskDetailsPage[] = [];
      for (let page = 0; page < N11.taskDetailsMaxPages; page += 1) {
        const read = await detailsPage(receipt, page);
        pages.push(read);
        if (read.last) break;
      }
      return taskStatusFrom(pages, receipt.barcodes, receiptKeys(receipt));
    },

    readListings: (request) => readN11Listings(transport, request),

    async pullOrders({ since, until, page }): Promise<OrderPage> {
      requirePullWindow(since, until);
      const end = until.getTime();
      const cursor = page === undefined ? { from: since.getTime(), status: 0, page: 0 } : decodeN11Cursor(page, statuses.length);
      if (cursor.from >= end) return { orders: [], next: null };
      // N11 serves windows of at most 15 days and one status per request: walk windows x statuses x pages.
      const subEnd = Math.min(cursor.from + maxOrderWindowMs, end);
      const { body } = await n11Request(transport, {
        method: "GET",
        path: n11Paths.shipmentPackages,
        query: {
          status: statuses[cursor.status] ?? "",
          // N11's endDate is inclusive; ours is not.
          startDate: String(cursor.from),
          endDate: String(subEnd - 1),
          page: String(cursor.page),
          size: String(orderPageSize),
        },
        callType: "GET_ORDERS",
        itemCount: 0,
      });
      const { orders, more, total } = packagePageFrom(body, cursor.page, orderPageSize, new Date(cursor.from));
      return { orders, next: nextN11Cursor(cursor, statuses.length, subEnd, end, { orders: orders.length, total, more }) };
    },
  };
}

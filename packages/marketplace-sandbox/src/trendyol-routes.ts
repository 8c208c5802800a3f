import { createHash } from "node:crypto";
import { TRENDYOL } from "@pazarsync/backend/src/domains/marketplace/trendyol/facts";
import { acceptBatch, batchView, settle } from "./processing";
import type { RecordedRequest, RequestItem, SandboxState } from "./state";

import type { Incoming, Reply } from "./module";
import { handleWebhookApi, WEBHOOKS } from "./trendyol-webhook-api";

export type { Incoming, Reply } from "./module";

export interface TrendyolHandled {
  reply: Reply;
  sellerId: string | null;
  endpoint: RecordedRequest["endpoint"];
  itemCount: number;
  batchRequestId?: string;
  bodyHash?: string;
}

const PRICE_AND_INVENTORY = /^\/integration\/inventory\/sellers\/([^/]+)\/products\/price-and-inventory$/;
const BATCH_REQUEST = /^\/integration\/product\/sellers\/([^/]+)\/products\/batch-requests\/([^/]+)$/;
const ORDERS_STREAM = /^\/integration\/order\/sellers\/([^/]+)\/orders\/stream$/;

const failure = (status: number, key: string, message = key, exception?: string): Reply => ({
  status,
  body: { ...(exception ? { exception } : {}), errors: [{ key, message }] },
});

function authorised(state: SandboxState, sellerId: string, header: string | undefined): boolean {
  const seller = state.sellers.get(sellerId);
  if (!seller || !header?.startsWith("Basic ")) return false;
  const decoded = Buffer.from(header.slice("Basic ".length), "base64").toString("utf8");
  return decoded === `${seller.apiKey}:${seller.apiSecret}`;
}

/** `"{sellerId} - {IntegratorName}"`: the seller of the path, a name of 1..30 letters or digits. */
function userAgentValid(sellerId: string, header: string | undefined): boolean {
  const prefix = `${sellerId} - `;
  return header !== undefined && header.startsWith(prefix) && TRENDYOL.integratorNamePattern.test(header.slice(prefix.length));
}

function decoded(part: string | undefined): string {
  try {
    return decodeURIComponent(part ?? "");
  } catch {
    return "";
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function parseItems(text: string): RequestItem[] | string {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return "the body is not JSON";
  }
  if (!isRecord(body) || !Array.isArray(body.items) || body.items.length === 0) return "items must be a non-empty array";
  const items: RequestItem[] = [];
  for (const raw of body.items) {
    if (!isRecord(raw) || typeof raw.barcode !== "string" || raw.barcode.length === 0) return "every item needs a barcode";
    const item: RequestItem = { barcode: raw.barcode };
    if (raw.quantity !== undefined) {
      if (!Number.isInteger(raw.quantity)) return `quantity of ${raw.barcode} must be an integer`;
      item.quantity = Number(raw.quantity);
    }
    for (const field of ["salePrice", "listPrice"] as const) {
      const price = raw[field];
      if (price === undefined) continue;
      if (typeof price !== "number" || !Number.isFinite(price) || price < 0) return `${field} of ${raw.barcode} must be a number`;
      item[field] = price;
    }
    items.push(item);
  }
  return items;
}

function priceAndInventory(state: SandboxState, sellerId: string, body: string, now: number): Omit<TrendyolHandled, "sellerId" | "endpoint"> {
  const bodyHash = createHash("sha256").update(body).digest("hex");
  return { ...checkedWrite(state, sellerId, body, bodyHash, now), bodyHash };
}

function checkedWrite(state: SandboxState, sellerId: string, body: string, bodyHash: string, now: number): Omit<TrendyolHandled, "sellerId" | "endpoint"> {
  const items = parseItems(body);
  if (typeof items === "string") return { reply: failure(400, "invalid.request", items), itemCount: 0 };
  if (items.length > TRENDYOL.batchSize) {
    return { reply: failure(400, "items.size.exceeded", `En fazla ${TRENDYOL.batchSize} ürün gönderilebilir`), itemCount: items.length };
  }
  const bodyKey = `${sellerId}:${bodyHash}`;
  if (state.isRecentDuplicate(bodyKey, now)) {
    return { reply: failure(400, "duplicate.request", TRENDYOL.duplicateMessage), itemCount: items.length };
  }
  state.rememberBody(bodyKey, now);
  const batch = acceptBatch(state, sellerId, items, now);
  return { reply: { status: 200, body: { batchRequestId: batch.id } }, itemCount: items.length, batchRequestId: batch.id };
}

function batchRequest(state: SandboxState, sellerId: string, batchId: string, now: number): Omit<TrendyolHandled, "sellerId" | "endpoint"> {
  settle(state, now);
  const batch = state.batches.get(batchId);
  if (!batch || batch.sellerId !== sellerId) return { reply: failure(404, "batch.request.not.found", "Batch request bulunamadı"), itemCount: 0 };
  return { reply: { status: 200, body: batchView(batch) }, itemCount: batch.requestItems.length, batchRequestId: batchId };
}

/** Which Trendyol endpoint a path names, and for which seller (also used to record injected faults). */
export function routeOf(path: string) {
  const write = PRICE_AND_INVENTORY.exec(path);
  const read = BATCH_REQUEST.exec(path);
  const orders = ORDERS_STREAM.exec(path);
  const webhooks = WEBHOOKS.exec(path);
  const endpoint: RecordedRequest["endpoint"] = write ? "price-and-inventory" : read ? "batch-requests" : orders ? "orders-stream" : webhooks ? "webhooks" : "other";
  return { write, read, orders, webhooks, endpoint, sellerId: decoded((write ?? read ?? orders ?? webhooks)?.[1]) || null };
}

/** The Trendyol endpoints with their rules, checked in the order the gateway does: auth, User-Agent, quota, body. */
export function handleTrendyol(state: SandboxState, incoming: Incoming, now: number): TrendyolHandled {
  const { write, read, orders, webhooks, endpoint, sellerId } = routeOf(incoming.path);
  const done = (rest: Omit<TrendyolHandled, "sellerId" | "endpoint">): TrendyolHandled => ({ ...rest, sellerId, endpoint });

  if (!sellerId) return done({ reply: failure(404, "not.found", "No such endpoint"), itemCount: 0 });
  if ((write && incoming.method !== "POST") || ((read || orders) && incoming.method !== "GET")) {
    return done({ reply: failure(405, "method.not.allowed"), itemCount: 0 });
  }
  if (!authorised(state, sellerId, incoming.headers.authorization)) {
    return done({ reply: failure(401, "ClientApiAuthenticationException", "Unauthorized", "ClientApiAuthenticationException"), itemCount: 0 });
  }
  if (!userAgentValid(sellerId, incoming.headers["user-agent"])) {
    return done({ reply: failure(403, "user.agent.invalid", 'User-Agent must be "{sellerId} - {IntegratorName}"'), itemCount: 0 });
  }
  if (!state.takeRateSlot(`${sellerId}:${endpoint}`, now)) return done({ reply: failure(429, "too.many.requests"), itemCount: 0 });
  if (webhooks) return done({ reply: handleWebhookApi(state, sellerId, incoming.method, webhooks, incoming.body, now), itemCount: 0 });
  if (write) return done(priceAndInventory(state, sellerId, incoming.body, now));
  if (orders) return done(state.trendyolOrders.stream(sellerId, incoming.query, now));
  return done(batchRequest(state, sellerId, decoded(read?.[2]), now));
}

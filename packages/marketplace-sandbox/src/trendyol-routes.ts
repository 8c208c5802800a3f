import { createHash } from "node:crypto";
import { TRENDYOL, TRENDYOL_LISTINGS } from "@pazarsync/backend/src/domains/marketplace/trendyol/facts";
import { acceptBatch, batchView, settle } from "./processing";
import { approvedProducts } from "./trendyol-catalog";
import type { RecordedRequest, RequestItem, SandboxState } from "./state";

import type { Incoming, Reply } from "./module";
import { handleWebhookApi, WEBHOOKS } from "./trendyol-webhook-api";
import { commonLabel, invoiceLink, packagesOf, unsupplied, updatePackageStatus, withinQuota } from "./trendyol-commands-api";

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
/** The way back (trendyol-commands-api.ts, trendyol-claims.ts). */
const SHIPMENT_PACKAGE = /^\/integration\/order\/sellers\/([^/]+)\/shipment-packages\/(\d+)(\/items\/unsupplied)?$/;
const ORDERS = /^\/integration\/order\/sellers\/([^/]+)\/orders$/;
const INVOICE_LINKS = /^\/integration\/sellers\/([^/]+)\/seller-invoice-links$/;
const CLAIMS = /^\/integration\/order\/sellers\/([^/]+)\/claims(?:\/([^/]+)\/(items\/approve|issue))?$/;
const COMMON_LABEL = /^\/integration\/sellers\/([^/]+)\/common-label\/([^/]+)$/;
/** The catalog read (trendyol-catalog.ts). */
const APPROVED_PRODUCTS = /^\/integration\/product\/sellers\/([^/]+)\/products\/approved$/;

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
  const way = wayBackRoute(path);
  const endpoint: RecordedRequest["endpoint"] = write
    ? "price-and-inventory"
    : read
      ? "batch-requests"
      : orders
        ? "orders-stream"
        : webhooks
          ? "webhooks"
          : (way?.endpoint ?? "other");
  return { write, read, orders, webhooks, way, endpoint, sellerId: decoded((write ?? read ?? orders ?? webhooks)?.[1] ?? way?.sellerId) || null };
}

/** The way-back endpoints: which one, and the path's ids. */
function wayBackRoute(path: string) {
  const pkg = SHIPMENT_PACKAGE.exec(path);
  if (pkg) return { endpoint: pkg[3] ? "unsupplied" : "package-status", sellerId: pkg[1], id: pkg[2] ?? "" };
  const list = ORDERS.exec(path);
  if (list) return { endpoint: "orders", sellerId: list[1], id: "" };
  const links = INVOICE_LINKS.exec(path);
  if (links) return { endpoint: "invoice-links", sellerId: links[1], id: "" };
  const claims = CLAIMS.exec(path);
  if (claims) return { endpoint: claims[3] === "issue" ? "claim-issue" : claims[3] ? "claim-approve" : "claims", sellerId: claims[1], id: decoded(claims[2]) };
  const label = COMMON_LABEL.exec(path);
  if (label) return { endpoint: "common-label", sellerId: label[1], id: decoded(label[2]) };
  const approved = APPROVED_PRODUCTS.exec(path);
  if (approved) return { endpoint: "products-approved", sellerId: approved[1], id: "" };
  return undefined;
}

const METHODS: Record<string, string[]> = {
  "package-status": ["PUT"],
  unsupplied: ["PUT"],
  orders: ["GET"],
  "invoice-links": ["POST"],
  claims: ["GET"],
  "claim-approve": ["PUT"],
  "claim-issue": ["POST"],
  "common-label": ["POST", "GET"],
  "products-approved": ["GET"],
};

function wayBack(state: SandboxState, sellerId: string, way: NonNullable<ReturnType<typeof wayBackRoute>>, incoming: Incoming, now: number): Reply {
  const tooMany: Reply = { status: 429, body: { errors: [{ key: "too.many.requests", message: "too.many.requests" }] } };
  switch (way.endpoint) {
    case "package-status":
      return updatePackageStatus(state, sellerId, Number(way.id), incoming.body, now);
    case "unsupplied":
      return unsupplied(state, sellerId, Number(way.id), incoming.body, now);
    case "orders":
      return packagesOf(state, sellerId, incoming.query);
    case "invoice-links":
      return invoiceLink(state, sellerId, incoming.body);
    case "common-label":
      return commonLabel(state, sellerId, incoming.method, way.id, now);
    case "claims":
      return withinQuota(state, sellerId, "claimsRead", now) ? state.trendyolClaims.list(sellerId, incoming.query) : tooMany;
    case "products-approved":
      // "Product Integration Read" per minute at the lowest tier, beside the 50 per 10 s.
      return state.takeRateSlot(`${sellerId}:product-read:minute`, now, TRENDYOL_LISTINGS.readsPerMinute, 60_000) ? approvedProducts(state, sellerId, incoming.query, now) : tooMany;
  }
  const approving = way.endpoint === "claim-approve";
  if (!withinQuota(state, sellerId, approving ? "claimApprove" : "claimIssue", now)) return tooMany;
  const claim = state.trendyolClaims.find(sellerId, way.id);
  if (!claim) return { status: 400, body: { errors: [{ key: "claim.not.found", message: `No claim ${way.id}` }] } };
  state.trendyolCommandCalls.count(sellerId, claim.orderNumber, approving ? "CLAIM_APPROVE" : "CLAIM_ISSUE");
  if (approving) return state.trendyolClaims.approve(claim, incoming.body, now);
  const files = (incoming.headers["content-type"] ?? "").startsWith("multipart/form-data") && incoming.body.length > 0;
  return state.trendyolClaims.issue(claim, incoming.query, files, now);
}

/** The Trendyol endpoints with their rules, checked in the order the gateway does: auth, User-Agent, quota, body. */
export function handleTrendyol(state: SandboxState, incoming: Incoming, now: number): TrendyolHandled {
  const { write, read, orders, webhooks, way, endpoint, sellerId } = routeOf(incoming.path);
  const done = (rest: Omit<TrendyolHandled, "sellerId" | "endpoint">): TrendyolHandled => ({ ...rest, sellerId, endpoint });

  if (!sellerId) return done({ reply: failure(404, "not.found", "No such endpoint"), itemCount: 0 });
  if ((write && incoming.method !== "POST") || ((read || orders) && incoming.method !== "GET") || (way && !METHODS[way.endpoint]?.includes(incoming.method))) {
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
  if (way) return done({ reply: wayBack(state, sellerId, way, incoming, now), itemCount: 0 });
  if (write) return done(priceAndInventory(state, sellerId, incoming.body, now));
  if (orders) return done(state.trendyolOrders.stream(sellerId, incoming.query, now));
  return done(batchRequest(state, sellerId, decoded(read?.[2]), now));
}

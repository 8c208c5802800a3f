import { createHash } from "node:crypto";
import { PAZARAMA, pazaramaPaths } from "@pazarsync/backend/src/domains/marketplace/pazarama/facts";
import type { Incoming, ModuleHandled, Reply } from "../module";
import { defaultVariants, type SandboxVariants } from "../options";
import { listPzRefunds, updatePzItemStatus, updatePzRefund } from "./fulfilment";
import { searchPzOrdersPaged, searchPzOrdersV2 } from "./orders";
import { isPzProductList, listPzProducts } from "./listings";
import { PAZARAMA_LISTINGS } from "@pazarsync/backend/src/domains/marketplace/pazarama/listings-read";
import { listingStateView, settlePazarama } from "./processing";
import { type PazaramaSandboxState, type PzAccount, type PzItem, type PzKind, PZ_REASONS } from "./state";

const LISTING_STATE = /^\/listing-state\/batch-id\/([^/]+)\/lake-projections$/;

type Outcome = Omit<ModuleHandled, "account" | "endpoint" | "write">;

const envelope = (success: boolean, message: string, data: unknown = null) => ({ data, success, messageCode: success ? "MSS0" : "ERR", message, userMessage: message });
const fail = (status: number, message: string, headers?: Record<string, string>): Reply => ({ status, body: envelope(false, message), ...(headers ? { headers } : {}) });

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** At most two decimals: decimal(18,2). */
const isPrice = (value: unknown): value is number => typeof value === "number" && Number.isFinite(value) && value > 0 && Math.abs(value * 100 - Math.round(value * 100)) < 1e-6;

function parseItem(kind: PzKind, raw: unknown): PzItem | string {
  if (!isRecord(raw) || typeof raw.code !== "string" || raw.code.length === 0 || raw.code.length > PAZARAMA.maxCodeLength) return "Her üründe code zorunludur (en fazla 100 karakter)";
  if (kind === "STOCK") {
    if (!Number.isSafeInteger(raw.stockCount) || Number(raw.stockCount) < 0) return `${raw.code}: stockCount sıfır veya pozitif tam sayı olmalı`;
    return { code: raw.code, stockCount: Number(raw.stockCount) };
  }
  if (!isPrice(raw.listPrice) || !isPrice(raw.salePrice)) return `${raw.code}: listPrice ve salePrice zorunlu, en fazla iki ondalık`;
  return { code: raw.code, listPrice: raw.listPrice, salePrice: raw.salePrice };
}

/** Items as received, or why Pazarama would not take the body (answered HTTP 200 success:false). */
function parseItems(kind: PzKind, value: unknown): PzItem[] | string {
  if (!isRecord(value) || !Array.isArray(value.items) || value.items.length === 0) return "items boş olamaz";
  if (value.items.length > PAZARAMA.maxBatchSize) return `Bir istekte en fazla ${PAZARAMA.maxBatchSize} ürün gönderilebilir`;
  const items: PzItem[] = [];
  for (const raw of value.items) {
    const item = parseItem(kind, raw);
    if (typeof item === "string") return item;
    items.push(item);
  }
  return items;
}

/**
 * updateStock-v2 / updatePrice-v2. The spacing rule comes first (a write within 10 s of the last
 * is refused as a whole; we answer 429 with Retry-After, as no answer is documented and a 429 is
 * unmistakably "refused, send later"); a malformed body is a 400; a body Pazarama reads but will
 * not take is HTTP 200 success:false.
 */
function acceptWrite(state: PazaramaSandboxState, account: PzAccount, kind: PzKind, body: string, now: number): Outcome {
  const bodyHash = createHash("sha256").update(body).digest("hex");
  const slot = state.takeWriteSlot(account, now);
  if (!slot.allowed) return { reply: fail(429, PZ_REASONS.spacing, { "retry-after": String(Math.max(1, Math.ceil(slot.retryAfterMs / 1000))) }), itemCount: 0, bodyHash };
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return { reply: fail(400, "İstek gövdesi JSON değil"), itemCount: 0, bodyHash };
  }
  const items = parseItems(kind, value);
  const count = isRecord(value) && Array.isArray(value.items) ? value.items.length : 0;
  if (typeof items === "string") return { reply: { status: 200, body: envelope(false, items) }, itemCount: count, bodyHash };
  const batch = state.accept(account.account, kind, items, now);
  return { reply: { status: 200, body: { ...envelope(true, "Fiyat/Stok güncelleme işleminiz sıraya alındı.", batch.id), fromCache: false } }, itemCount: items.length, batchId: batch.id, bodyHash };
}

function listingState(state: PazaramaSandboxState, account: PzAccount, incoming: Incoming, batchId: string, now: number): Outcome {
  settlePazarama(state, now);
  const batch = state.batches.get(batchId);
  if (!batch || batch.account !== account.account) return { reply: fail(404, "Batch bulunamadı"), itemCount: 0 };
  const page = Number(incoming.query.page ?? "1");
  const pageSize = Number(incoming.query.pageSize ?? "100");
  if (!Number.isSafeInteger(page) || page < 1 || !Number.isSafeInteger(pageSize) || pageSize < 1 || pageSize > PAZARAMA.batchResultPageSize) {
    return { reply: fail(400, `page >= 1 ve 1 <= pageSize <= ${PAZARAMA.batchResultPageSize} olmalı`), itemCount: 0 };
  }
  return { reply: { status: 200, body: listingStateView(batch, page, pageSize) }, itemCount: batch.items.length, batchId };
}

/**
 * POST /connect/token: form grant_type=client_credentials&scope=..., Basic clientId:secret. The
 * answer as the chosen variant's clients read it (fixtures pazarama/token.*.json): wrapped in data,
 * or plain OAuth.
 */
function token(state: PazaramaSandboxState, incoming: Incoming, now: number, variant: SandboxVariants["pazaramaToken"]): ModuleHandled {
  const done = (account: string | null, reply: Reply): ModuleHandled => ({ reply, account, endpoint: "token", write: false, itemCount: 0 });
  if (incoming.method !== "POST") return done(null, fail(405, "Method not allowed"));
  const basic = /^Basic (\S+)$/i.exec(incoming.headers.authorization ?? "");
  const [clientId = "", ...rest] = basic ? Buffer.from(basic[1] ?? "", "base64").toString("utf8").split(":") : [];
  const account = state.byClient(clientId, rest.join(":"));
  if (!account) return done(null, { status: 401, body: { ...envelope(false, "invalid_client"), error: "invalid_client" } });
  const form = new URLSearchParams(incoming.body);
  if (!(incoming.headers["content-type"] ?? "").includes("application/x-www-form-urlencoded")) return done(account.account, fail(400, "unsupported content type"));
  if (form.get("grant_type") !== "client_credentials") return done(account.account, { status: 400, body: { ...envelope(false, "unsupported_grant_type"), error: "unsupported_grant_type" } });
  if (form.get("scope") !== PAZARAMA.scope) return done(account.account, { status: 400, body: { ...envelope(false, "invalid_scope"), error: "invalid_scope" } });
  const issued = state.issueToken(account, now);
  if (variant === "OAUTH") return done(account.account, { status: 200, body: { access_token: issued.token, expires_in: issued.expiresIn, token_type: "Bearer", scope: PAZARAMA.scope } });
  return done(account.account, { status: 200, body: envelope(true, "", { accessToken: issued.token, expiresIn: issued.expiresIn, tokenType: "Bearer", scope: PAZARAMA.scope }) });
}

/** Only the chosen order call exists here: the other path is unknown, as on a service that has one. */
function endpointOf(path: string, orders: SandboxVariants["pazaramaOrders"] = defaultVariants.pazaramaOrders): { endpoint: string; method: string; kind?: PzKind; batchId?: string } {
  if (path === pazaramaPaths.updateStock) return { endpoint: "updateStock-v2", method: "POST", kind: "STOCK" };
  if (path === pazaramaPaths.updatePrice) return { endpoint: "updatePrice-v2", method: "POST", kind: "PRICE" };
  const listing = LISTING_STATE.exec(path);
  if (listing) return { endpoint: "listing-state", method: "GET", batchId: decodeURIComponent(listing[1] ?? "") };
  if (path === (orders === "V2" ? PAZARAMA.ordersV2Path : PAZARAMA.ordersPagedPath)) return { endpoint: "orders", method: "POST" };
  if (path === pazaramaPaths.itemStatus) return { endpoint: "order-status", method: "PUT" };
  if (path === pazaramaPaths.refunds) return { endpoint: "refunds", method: "POST" };
  if (path === pazaramaPaths.refundUpdate) return { endpoint: "refund-update", method: "POST" };
  if (isPzProductList(path)) return { endpoint: "products", method: "GET" };
  return { endpoint: "other", method: "" };
}

/** Both order paths belong to this module, so the one not played answers Pazarama's 404. */
export const PAZARAMA_OWNED = (path: string) =>
  path === pazaramaPaths.token || path === PAZARAMA.ordersV2Path || path === PAZARAMA.ordersPagedPath || endpointOf(path).endpoint !== "other";

/** Checked in the gateway's order: route, method, Bearer token, spacing or quota, body. */
export function handlePazarama(state: PazaramaSandboxState, incoming: Incoming, now: number, variants: Partial<SandboxVariants> = {}): ModuleHandled {
  const { pazaramaToken, pazaramaOrders } = { ...defaultVariants, ...variants };
  if (incoming.path === pazaramaPaths.token) return token(state, incoming, now, pazaramaToken);
  const { endpoint, method, kind, batchId } = endpointOf(incoming.path, pazaramaOrders);
  const write = kind !== undefined && incoming.method === "POST";
  const done = (account: string | null, outcome: Outcome): ModuleHandled => ({ ...outcome, account, endpoint, write });
  if (endpoint === "other") return done(null, { reply: fail(404, "Kaynak bulunamadı"), itemCount: 0 });
  if (incoming.method !== method) return done(null, { reply: fail(405, "Method not allowed"), itemCount: 0 });
  const account = state.authenticate(incoming.headers.authorization, now);
  if (!account) return done(null, { reply: fail(401, "Yetkisiz erişim: token geçersiz veya süresi dolmuş"), itemCount: 0 });
  if (kind) return done(account.account, acceptWrite(state, account, kind, incoming.body, now));
  const commands = endpoint === "order-status" || endpoint === "refunds" || endpoint === "refund-update";
  const perMinute = commands ? PAZARAMA.commandRequestsPerMinute : endpoint === "orders" ? PAZARAMA.orderRequestsPerMinute : endpoint === "products" ? PAZARAMA_LISTINGS.requestsPerMinute : PAZARAMA.statusRequestsPerMinute;
  const slot = state.takeReadSlot(`${account.account}:${endpoint}`, perMinute, now);
  if (!slot.allowed) return done(account.account, { reply: fail(429, "Too many requests", { "retry-after": String(Math.max(1, Math.ceil(slot.retryAfterMs / 1000))) }), itemCount: 0 });
  if (batchId !== undefined) return done(account.account, listingState(state, account, incoming, batchId, now));
  if (endpoint === "order-status") return done(account.account, { reply: updatePzItemStatus(account, incoming.body, pazaramaOrders === "V2"), itemCount: 1 });
  if (endpoint === "refunds") return done(account.account, { reply: listPzRefunds(account, incoming.body), itemCount: 0 });
  if (endpoint === "refund-update") return done(account.account, { reply: updatePzRefund(account, incoming.body), itemCount: 1 });
  if (endpoint === "products") return done(account.account, listPzProducts(state, account, incoming.query, now));
  const search = pazaramaOrders === "V2" ? searchPzOrdersV2 : searchPzOrdersPaged;
  return done(account.account, { reply: search(account, incoming.body), itemCount: 0 });
}

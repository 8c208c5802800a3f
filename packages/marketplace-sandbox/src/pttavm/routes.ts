import { createHash } from "node:crypto";
import { PTTAVM, PTTAVM_SHIPMENT } from "@pazarsync/backend/src/domains/marketplace/pttavm/facts";
import type { Incoming, ModuleHandled, Reply } from "../module";
import { pttCreateBarcode, pttInvoice, pttOrderDetail, pttWarehouses } from "./fulfilment";
import { searchPttOrders } from "./orders";
import { PTT_PRODUCT_SEARCH, searchPttProducts } from "./listings";
import { settlePttavm, trackingView } from "./processing";
import type { PttAccount, PttavmSandboxState, PttItem } from "./state";

const PREFIX = PTTAVM.apiPrefix;
const STOCK_PRICES = `${PREFIX}/products/stock-prices`;
const TRACKING = new RegExp(`^${PREFIX}/products/tracking-result/([^/]+)$`);
const ORDERS = `${PREFIX}${PTTAVM.ordersPath}`;
const INVOICE = new RegExp(`^${PREFIX}/orders/([^/]+)/invoice$`);
const ORDER = new RegExp(`^${PREFIX}/orders/([^/]+)$`);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Outcome = Omit<ModuleHandled, "account" | "endpoint" | "write">;

const fail = (status: number, message: string, extra: Record<string, unknown> = {}): Reply => ({ status, body: { success: false, message, ...extra } });

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const PRICE_KEYS = ["priceWithVAT", "priceWithoutVAT", "vatRate", "discount"] as const;
const ITEM_KEYS = new Set<string>(["barcode", "quantity", "active", ...PRICE_KEYS]);

/** Items as received (fixture stock-price-write), or why the body was refused; a key no source shows is refused too. */
function parseItems(value: unknown): PttItem[] | string {
  if (!isRecord(value) || !Array.isArray(value.items) || value.items.length === 0) return "items boş olamaz";
  if (value.items.length > PTTAVM.batchSize) return `Tek istekte en fazla ${PTTAVM.batchSize} ürün gönderilebilir`;
  const items: PttItem[] = [];
  const seen = new Set<string>();
  for (const raw of value.items) {
    if (!isRecord(raw) || typeof raw.barcode !== "string" || raw.barcode.length === 0) return "Her üründe barcode zorunludur";
    if (seen.has(raw.barcode)) return `${raw.barcode}: aynı barkod iki kez gönderilemez`;
    seen.add(raw.barcode);
    const unknown = Object.keys(raw).find((key) => !ITEM_KEYS.has(key));
    if (unknown !== undefined) return `${raw.barcode}: bilinmeyen alan ${unknown}`;
    const item: PttItem = { barcode: raw.barcode };
    if (raw.quantity !== undefined) {
      if (!Number.isInteger(raw.quantity)) return `${raw.barcode}: quantity tam sayı olmalı`;
      item.quantity = Number(raw.quantity);
    }
    for (const key of PRICE_KEYS) {
      const number = raw[key];
      if (number === undefined) continue;
      if (typeof number !== "number" || !Number.isFinite(number) || number < 0) return `${raw.barcode}: ${key} sayı olmalı`;
      item[key] = number;
    }
    if (item.quantity === undefined && item.priceWithVAT === undefined && item.vatRate === undefined && raw.active === undefined) {
      return `${raw.barcode}: en az bir alan (stok, fiyat, KDV, aktiflik) gerekli`;
    }
    items.push(item);
  }
  return items;
}

/**
 * A malformed body is a 400; a body PttAVM reads but will not take (empty, over 1000 items, a bad
 * item) is refused with HTTP 200 and success:false, as client code shows PttAVM doing; an
 * identical body within 5 minutes is a 400 with errorCode DUPLICATE_REQUEST (our choice of shape).
 */
function stockPrices(state: PttavmSandboxState, account: PttAccount, body: string, now: number): Outcome {
  const bodyHash = createHash("sha256").update(body).digest("hex");
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return { reply: fail(400, "İstek gövdesi JSON değil"), itemCount: 0, bodyHash };
  }
  const items = parseItems(value);
  const count = isRecord(value) && Array.isArray(value.items) ? value.items.length : 0;
  if (typeof items === "string") {
    return { reply: { status: 200, body: { success: false, trackingId: null, countOfProductsToBeProcessed: 0, message: items, errors: [items] } }, itemCount: count, bodyHash };
  }
  const key = `${account.account}:${bodyHash}`;
  if (state.isRecentDuplicate(key, now)) {
    return { reply: fail(400, PTTAVM.duplicateMessage, { errorCode: PTTAVM.duplicateCode }), itemCount: items.length, bodyHash };
  }
  state.rememberBody(key, now);
  const tracking = state.accept(account.account, items, now);
  return {
    reply: { status: 200, body: { success: true, trackingId: tracking.id, countOfProductsToBeProcessed: items.length, message: null } },
    itemCount: items.length,
    batchId: tracking.id,
    bodyHash,
  };
}

function trackingResult(state: PttavmSandboxState, account: PttAccount, trackingId: string, now: number): Outcome {
  settlePttavm(state, now);
  const tracking = state.trackings.get(trackingId);
  if (!tracking || tracking.account !== account.account) return { reply: fail(404, "Takip numarası bulunamadı"), itemCount: 0 };
  return { reply: { status: 200, body: trackingView(tracking) }, itemCount: tracking.items.length, batchId: tracking.id };
}

function endpointOf(path: string): { endpoint: string; methods: string[]; trackingId?: string; orderId?: string } {
  if (path === STOCK_PRICES) return { endpoint: "stock-prices", methods: ["POST"] };
  const tracking = TRACKING.exec(path);
  // Clients disagree on the method (fixtures result-poll.post / .get): the sandbox takes both.
  if (tracking) return { endpoint: "tracking-result", methods: ["GET", "POST"], trackingId: decodeURIComponent(tracking[1] ?? "") };
  if (path === ORDERS) return { endpoint: "orders", methods: ["GET"] };
  if (path === PTT_PRODUCT_SEARCH) return { endpoint: "products-search", methods: ["GET"] };
  const invoice = INVOICE.exec(path);
  if (invoice) return { endpoint: "order-invoice", methods: ["POST"], orderId: decodeURIComponent(invoice[1] ?? "") };
  const order = ORDER.exec(path);
  if (order) return { endpoint: "order-detail", methods: ["GET"], orderId: decodeURIComponent(order[1] ?? "") };
  // The shipment host's paths (shipment.pttavm.com/api/v1), served beside the REST ones.
  if (path === `${PREFIX}${PTTAVM_SHIPMENT.warehouses}`) return { endpoint: "get-warehouse", methods: ["POST"] };
  if (path === `${PREFIX}${PTTAVM_SHIPMENT.createBarcode}`) return { endpoint: "create-barcode", methods: ["POST"] };
  return { endpoint: "other", methods: [] };
}

/** Checked in the gateway's order: route, method, Api-Key + access-token, X-Correlation-Id, quota, body. */
export function handlePttavm(state: PttavmSandboxState, incoming: Incoming, now: number): ModuleHandled {
  const { endpoint, methods, trackingId, orderId } = endpointOf(incoming.path);
  const write = endpoint === "stock-prices" && incoming.method === "POST";
  const done = (account: string | null, outcome: Outcome): ModuleHandled => ({ ...outcome, account, endpoint, write });
  if (methods.length === 0) return done(null, { reply: fail(404, "Kaynak bulunamadı"), itemCount: 0 });
  if (!methods.includes(incoming.method)) return done(null, { reply: fail(405, "Method not allowed"), itemCount: 0 });
  const account = state.authenticate(incoming.headers["api-key"], incoming.headers["access-token"]);
  if (!account) return done(null, { reply: fail(401, "Yetkisiz erişim: Api-Key veya access-token geçersiz"), itemCount: 0 });
  if (!UUID.test(incoming.headers["x-correlation-id"] ?? "")) {
    return done(account.account, { reply: fail(400, "X-Correlation-Id başlığı UUID olmalı"), itemCount: 0 });
  }
  const slot = state.takeRateSlot(`${account.account}:${endpoint}`, now);
  if (!slot.allowed) {
    const seconds = String(Math.max(1, Math.ceil(slot.retryAfterMs / 1000)));
    return done(account.account, { reply: { ...fail(429, "Too many requests"), headers: { "retry-after": seconds } }, itemCount: 0 });
  }
  if (endpoint === "stock-prices") return done(account.account, stockPrices(state, account, incoming.body, now));
  if (endpoint === "tracking-result") return done(account.account, trackingResult(state, account, trackingId ?? "", now));
  if (endpoint === "order-invoice") return done(account.account, { reply: pttInvoice(account, orderId ?? "", incoming.body, now), itemCount: 1 });
  if (endpoint === "order-detail") return done(account.account, { reply: pttOrderDetail(account, orderId ?? ""), itemCount: 0 });
  if (endpoint === "get-warehouse") return done(account.account, { reply: pttWarehouses(account), itemCount: 0 });
  if (endpoint === "create-barcode") return done(account.account, { reply: pttCreateBarcode(state, account, incoming.body), itemCount: 1 });
  if (endpoint === "products-search") return done(account.account, searchPttProducts(state, account, incoming.query, now));
  return done(account.account, { reply: searchPttOrders(account, incoming), itemCount: 0 });
}

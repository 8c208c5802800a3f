import { createHash } from "node:crypto";
import { N11, N11_PRICE_PATTERN, N11_TASK, n11Paths } from "@pazarsync/backend/src/domains/marketplace/n11/facts";
import type { Incoming, ModuleHandled, Reply } from "../module";
import { handleN11ReturnService } from "./claims";
import { handleN11OrderService } from "./shipments";
import { splitN11ByQuantity, updateN11Lines } from "./fulfilment";
import { listN11Packages } from "./orders";
import { N11_PRODUCT_QUERY, queryN11Products } from "./listings";
import { settleN11, taskDetailsView } from "./processing";
import type { N11Account, N11SandboxState, N11Sku } from "./state";

type Outcome = Omit<ModuleHandled, "account" | "endpoint" | "write">;

/** Spring-style error body, as N11's REST gateway answers HTTP errors. */
const httpError = (status: number, error: string, message: string): Reply => ({ status, body: { status, error, message } });
/** N11 refuses a write it can read but will not take with HTTP 200 and status REJECT (fixture n11/price-stock-reject.json). */
const reject = (id: number, reasons: string[]): Reply => ({ status: 200, body: { id, type: N11_TASK.type, status: N11_TASK.rejected, reasons } });

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A sku as received, or why N11 REJECTs the whole request for it. */
function parseSku(raw: unknown): N11Sku | string {
  if (!isRecord(raw) || typeof raw.stockCode !== "string" || raw.stockCode.length === 0) return "Her sku için stockCode zorunludur";
  const code = raw.stockCode;
  const sku: N11Sku = { stockCode: code, raw };
  if (raw.quantity !== undefined) {
    if (!Number.isSafeInteger(raw.quantity) || Number(raw.quantity) < 0) return `${code}: quantity 0 veya daha büyük bir tam sayı olmalı`;
    sku.quantity = Number(raw.quantity);
  }
  if ((raw.listPrice === undefined) !== (raw.salePrice === undefined)) return `${code}: listPrice ve salePrice birlikte gönderilmelidir`;
  if (raw.currencyType !== undefined && raw.currencyType !== N11.currencyType) return `${code}: currencyType geçersiz (TL olmalı)`;
  if (raw.listPrice !== undefined) {
    for (const field of ["listPrice", "salePrice"] as const) {
      const price = raw[field];
      if (typeof price !== "string" || !N11_PRICE_PATTERN.test(price)) return `${code}: ${field} nokta ile ve iki ondalık basamakla gönderilmelidir`;
      sku[field] = Number(price);
    }
    if (raw.currencyType === undefined) return `${code}: fiyat ile birlikte currencyType zorunludur`;
  }
  if (sku.quantity === undefined && sku.listPrice === undefined) return `${code}: güncellenecek alan yok`;
  return sku;
}

function parseSkus(value: unknown): N11Sku[] | string {
  if (!isRecord(value) || !isRecord(value.payload)) return "payload zorunludur";
  const { integrator, skus } = value.payload;
  if (typeof integrator !== "string" || integrator.trim() === "") return "payload.integrator zorunludur";
  if (!Array.isArray(skus) || skus.length === 0) return "payload.skus boş olamaz";
  if (skus.length > N11.batchSize) return `Tek istekte en fazla ${N11.batchSize} sku gönderilebilir`;
  const parsed: N11Sku[] = [];
  for (const raw of skus) {
    const sku = parseSku(raw);
    if (typeof sku === "string") return sku;
    parsed.push(sku);
  }
  return parsed;
}

function priceStockUpdate(state: N11SandboxState, account: N11Account, body: string, now: number): Outcome {
  const bodyHash = createHash("sha256").update(body).digest("hex");
  const value = parseJson(body);
  if (value === undefined) return { reply: httpError(400, "Bad Request", "İstek gövdesi JSON değil"), itemCount: 0, bodyHash };
  const count = isRecord(value) && isRecord(value.payload) && Array.isArray(value.payload.skus) ? value.payload.skus.length : 0;
  const skus = parseSkus(value);
  if (typeof skus === "string") return { reply: reject(state.rejectedTaskId(), [skus]), itemCount: count, bodyHash };
  const task = state.accept(account.account, skus, now);
  return {
    reply: { status: 200, body: { id: task.id, type: N11_TASK.type, status: N11_TASK.queued, reasons: [] } },
    itemCount: skus.length,
    batchId: String(task.id),
    bodyHash,
  };
}

function taskDetails(state: N11SandboxState, account: N11Account, body: string, now: number): Outcome {
  const value = parseJson(body);
  const taskId = isRecord(value) ? Number(value.taskId) : Number.NaN;
  const pageable = isRecord(value) && isRecord(value.pageable) ? value.pageable : {};
  const page = pageable.page ?? 0;
  const size = pageable.size ?? 20;
  if (!Number.isSafeInteger(taskId)) return { reply: httpError(400, "Bad Request", "taskId zorunludur"), itemCount: 0 };
  if (!Number.isSafeInteger(page) || Number(page) < 0 || !Number.isSafeInteger(size) || Number(size) < 1) {
    return { reply: httpError(400, "Bad Request", "pageable.page >= 0 ve pageable.size >= 1 olmalı"), itemCount: 0 };
  }
  settleN11(state, now);
  const task = state.tasks.get(taskId);
  if (!task || task.account !== account.account) return { reply: httpError(404, "Not Found", `Task bulunamadı: ${taskId}`), itemCount: 0 };
  // N11 may not honour a large size: the sandbox caps it at the write cap, so clients must follow the paging.
  const view = taskDetailsView(task, Number(page), Math.min(Number(size), N11.batchSize));
  return { reply: { status: 200, body: view }, itemCount: task.skus.length, batchId: String(task.id) };
}

function endpointOf(path: string): { endpoint: string; method?: string } {
  if (path === n11Paths.priceStockUpdate) return { endpoint: "price-stock-update", method: "POST" };
  if (path === n11Paths.taskDetails) return { endpoint: "task-details", method: "POST" };
  if (path === n11Paths.shipmentPackages) return { endpoint: "shipment-packages", method: "GET" };
  if (path === n11Paths.orderUpdate) return { endpoint: "order-update", method: "PUT" };
  if (path === n11Paths.splitByQuantity) return { endpoint: "split-by-quantity", method: "POST" };
  if (path === n11Paths.returnService) return { endpoint: "return-service", method: "POST" };
  if (path === n11Paths.orderService) return { endpoint: "order-service", method: "POST" };
  if (path === N11_PRODUCT_QUERY) return { endpoint: "product-query", method: "GET" };
  return { endpoint: "other" };
}

/** Checked in the gateway's order: route, method, appkey + appsecret, quota, body. */
export function handleN11(state: N11SandboxState, incoming: Incoming, now: number): ModuleHandled {
  const { endpoint, method } = endpointOf(incoming.path);
  const write = endpoint === "price-stock-update" && incoming.method === "POST";
  const done = (account: string | null, outcome: Outcome): ModuleHandled => ({ ...outcome, account, endpoint, write });
  if (!method) return done(null, { reply: httpError(404, "Not Found", "Kaynak bulunamadı"), itemCount: 0 });
  if (incoming.method !== method) return done(null, { reply: httpError(405, "Method Not Allowed", "Method not allowed"), itemCount: 0 });
  // SOAP: the key pair is in the body (auth), the answer is XML; no quota is documented for it.
  if (endpoint === "return-service") {
    const soap = handleN11ReturnService(state, incoming.body, now);
    return done(soap.account, { reply: soap.reply, itemCount: 0 });
  }
  if (endpoint === "order-service") {
    const soap = handleN11OrderService(state, incoming.body, now);
    return done(soap.account, { reply: soap.reply, itemCount: 0 });
  }
  const account = state.authenticate(incoming.headers.appkey, incoming.headers.appsecret);
  if (!account) return done(null, { reply: httpError(401, "Unauthorized", "appkey veya appsecret geçersiz"), itemCount: 0 });
  if (!state.takeRateSlot(account.account, endpoint, now)) {
    return done(account.account, { reply: httpError(429, "Too Many Requests", "İstek limiti aşıldı"), itemCount: 0 });
  }
  if (endpoint === "price-stock-update") return done(account.account, priceStockUpdate(state, account, incoming.body, now));
  if (endpoint === "task-details") return done(account.account, taskDetails(state, account, incoming.body, now));
  if (endpoint === "order-update") return done(account.account, { reply: updateN11Lines(account, incoming.body, now), itemCount: 1 });
  if (endpoint === "split-by-quantity") return done(account.account, { reply: splitN11ByQuantity(state, account, incoming.body, now), itemCount: 1 });
  if (endpoint === "product-query") return done(account.account, queryN11Products(state, account, incoming.query, now));
  return done(account.account, { reply: listN11Packages(account, incoming, now), itemCount: 0 });
}

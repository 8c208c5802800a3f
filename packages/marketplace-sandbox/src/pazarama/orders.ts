import { randomUUID } from "node:crypto";
import { PAZARAMA } from "@pazarsync/backend/src/domains/marketplace/pazarama/facts";
import type { Reply, SandboxOrderInput } from "../module";
import type { PazaramaSandboxState, PzAccount, PzOrder, PzOrderItem } from "./state";

const refused = (message: string): Reply => ({ status: 200, body: { data: null, success: false, messageCode: "ORD400", message, userMessage: message } });

/** Order and item statuses (a client's enum: 3 Siparişiniz Alındı, 6 Siparişiniz İptal Edildi). */
export const ORDER_STATUS = { created: 3, cancelled: 6 } as const;

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * A marketplace order as the order calls answer it. It does not change the quantities the account
 * shows: the seller's system reserves the stock and pushes the new truth.
 */
export function createPzOrder(state: PazaramaSandboxState, account: PzAccount, input: SandboxOrderInput, now: number): PzOrder {
  const order: PzOrder = {
    orderId: randomUUID(),
    orderNumber: state.nextOrderNumber(),
    placedAt: now,
    orderStatus: ORDER_STATUS.created,
    items: input.lines.map((line) => ({
      orderItemId: randomUUID(),
      orderItemStatus: ORDER_STATUS.created,
      quantity: line.quantity,
      salePrice: { value: line.unitPrice / 100 },
      product: { code: line.code },
    })),
  };
  account.orders.set(order.orderId, order);
  return order;
}

/** Cancelled whole. Pazarama has no last-update date: the order keeps its order date, so only a window over that date sees it. */
export function cancelPzOrder(account: PzAccount, orderId: string, _now: number): boolean {
  const order = account.orders.get(orderId);
  if (!order) return false;
  order.orderStatus = ORDER_STATUS.cancelled;
  for (const item of order.items) item.orderItemStatus = ORDER_STATUS.cancelled;
  return true;
}

/** The named items cancelled (the order too once every item is); false when the order or an item is unknown. The order date stays. */
export function cancelPzItems(account: PzAccount, orderId: string, itemIds: readonly string[]): boolean {
  const order = account.orders.get(orderId);
  if (!order || !itemIds.every((id) => order.items.some((item) => item.orderItemId === id))) return false;
  for (const item of order.items) if (itemIds.includes(item.orderItemId)) item.orderItemStatus = ORDER_STATUS.cancelled;
  if (order.items.every((item) => item.orderItemStatus === ORDER_STATUS.cancelled)) order.orderStatus = ORDER_STATUS.cancelled;
  return true;
}

/** Turkish wall-clock time (UTC+3), `yyyy-MM-dd HH:mm` as Pazarama's example shows dates. */
function turkishDateTime(at: number): string {
  return new Date(at + PAZARAMA.turkeyOffsetMs).toISOString().slice(0, 16).replace("T", " ");
}

/** V2 lists each unit as its own item of quantity 1. */
function splitUnits(items: readonly PzOrderItem[]): PzOrderItem[] {
  return items.flatMap((item) => Array.from({ length: item.quantity }, (_, unit) => ({ ...item, orderItemId: unit === 0 ? item.orderItemId : `${item.orderItemId}-${unit}`, quantity: 1 })));
}

/** The seller's promised time to ship ("termin süresi"): two days after the order, in the sandbox. */
const SHIPPING_TERM_MS = 2 * DAY_MS;

/** An order as the order calls list it: each listed item with the status and tracking the way back gave it (fulfilment.ts). */
export function view(account: PzAccount, order: PzOrder, split: boolean) {
  const items = (split ? splitUnits(order.items) : order.items.map((item) => ({ ...item }))).map((item) => ({
    ...item,
    orderItemStatus: account.fulfilment.statuses.get(item.orderItemId) ?? item.orderItemStatus,
    salePrice: { currency: "TL", ...item.salePrice },
    product: { name: `Product ${item.product.code}`, ...item.product },
    cargo: { companyName: "", trackingNumber: account.fulfilment.tracking.get(item.orderItemId)?.trackingNumber ?? null, trackingUrl: "" },
  }));
  return {
    orderId: order.orderId,
    orderNumber: order.orderNumber,
    orderDate: turkishDateTime(order.placedAt),
    orderStatus: order.orderStatus,
    estimatedShippingDate: turkishDateTime(order.placedAt + SHIPPING_TERM_MS),
    items,
  };
}

/** "Sipariş numarası ile sipariş sorgularken 6 aya kadar olan siparişler gelmekte": the number alone picks the order. */
function byOrderNumber(account: PzAccount, query: Record<string, unknown>, split: boolean): Reply | undefined {
  if (query.orderNumber === undefined || query.orderNumber === null) return undefined;
  const orders = [...account.orders.values()].filter((order) => order.orderNumber === Number(query.orderNumber));
  return { status: 200, body: { data: orders.map((order) => view(account, order, split)), success: true, messageCode: "ORD0", message: null, userMessage: null } };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function parseBody(body: string): { query: Record<string, unknown> } | { reply: Reply } {
  try {
    const value: unknown = JSON.parse(body);
    return isRecord(value) ? { query: value } : { reply: refused("Geçersiz istek") };
  } catch {
    return { reply: { status: 400, body: { success: false, message: "İstek gövdesi JSON değil" } } };
  }
}

/** Midnight in Turkey that starts a yyyy-MM-dd day, as epoch ms; NaN when it is not one. */
function turkishDayStart(value: unknown): number {
  if (typeof value !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return Number.NaN;
  return Date.parse(`${value}T00:00:00Z`) - PAZARAMA.turkeyOffsetMs;
}

/** "Başlangıç ile bitiş tarihi arası 1 ayı geçemez": the end at most one calendar month after the start. */
function withinAMonth(start: number, end: number): boolean {
  const limit = new Date(start + PAZARAMA.turkeyOffsetMs);
  limit.setUTCMonth(limit.getUTCMonth() + 1);
  return end <= limit.getTime() - PAZARAMA.turkeyOffsetMs;
}

function pageOf(page: unknown, size: unknown): { from: number; size: number } | undefined {
  if (!Number.isSafeInteger(page) || Number(page) < 1 || !Number.isSafeInteger(size) || Number(size) < 1 || Number(size) > PAZARAMA.orderPageSize) return undefined;
  return { from: (Number(page) - 1) * Number(size), size: Number(size) };
}

function placedIn(account: PzAccount, start: number, end: number): PzOrder[] {
  return [...account.orders.values()].filter((order) => order.placedAt >= start && order.placedAt < end).sort((a, b) => a.placedAt - b.placedAt || a.orderNumber - b.orderNumber);
}

/**
 * POST /order/getOrdersForApiV2 `{pageSize, pageNumber, startDate, endDate}` (fixture
 * pazarama/order-pull.v2.json): orders placed from the start day up to, not including, the end
 * day (Turkish days, yyyy-MM-dd), at most a month apart, pages from 1, each unit its own item. No
 * count in the answer: a short page is the last. Refusals come as HTTP 200 success:false.
 */
export function searchPzOrdersV2(account: PzAccount, body: string): Reply {
  const parsed = parseBody(body);
  if ("reply" in parsed) return parsed.reply;
  const { query } = parsed;
  const numbered = byOrderNumber(account, query, true);
  if (numbered) return numbered;
  const start = turkishDayStart(query.startDate);
  const end = turkishDayStart(query.endDate);
  if (Number.isNaN(start) || Number.isNaN(end) || end <= start) return refused("startDate ve endDate yyyy-MM-dd olmalı (startDate < endDate)");
  if (!withinAMonth(start, end)) return refused("Başlangıç ile bitiş tarihi arası 1 ayı geçemez");
  const page = pageOf(query.pageNumber, query.pageSize);
  if (!page) return refused(`pageNumber >= 1 ve 1 <= pageSize <= ${PAZARAMA.orderPageSize} olmalı`);
  const orders = placedIn(account, start, end).slice(page.from, page.from + page.size);
  return { status: 200, body: { data: orders.map((order) => view(account, order, true)), success: true, messageCode: "ORD0", message: null, userMessage: null } };
}

/** yyyy-MM-ddTHH:mm:ss read as UTC, as the paged call's client sends it. */
function utcDateTime(value: unknown): number {
  return typeof value === "string" && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/.test(value) ? Date.parse(`${value}Z`) : Number.NaN;
}

/**
 * POST /order/getOrdersForApi `{StartDate, EndDate, Page, Size}` (fixture
 * pazarama/order-pull.paged.json): orders placed in [StartDate, EndDate), at most a month apart,
 * pages from 1, paged by `totalCount`.
 */
export function searchPzOrdersPaged(account: PzAccount, body: string): Reply {
  const parsed = parseBody(body);
  if ("reply" in parsed) return parsed.reply;
  const { query } = parsed;
  const numbered = byOrderNumber(account, query, false);
  if (numbered) return numbered;
  const start = utcDateTime(query.StartDate);
  const end = utcDateTime(query.EndDate);
  if (Number.isNaN(start) || Number.isNaN(end) || end <= start) return refused("StartDate ve EndDate yyyy-MM-ddTHH:mm:ss olmalı (StartDate < EndDate)");
  if (end - start > 31 * DAY_MS) return refused("Başlangıç ile bitiş tarihi arası 1 ayı geçemez");
  const page = pageOf(query.Page, query.Size);
  if (!page) return refused(`Page >= 1 ve 1 <= Size <= ${PAZARAMA.orderPageSize} olmalı`);
  const matching = placedIn(account, start, end);
  return { status: 200, body: { data: matching.slice(page.from, page.from + page.size).map((order) => view(account, order, false)), totalCount: matching.length, success: true, messageCode: "ORD0", message: null, userMessage: null } };
}

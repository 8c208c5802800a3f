import { randomUUID } from "node:crypto";
import { PAZARAMA } from "../../pazarama/facts";
import type { Reply, SandboxOrderInput } from "../module";
import type { PazaramaSandboxState, PzAccount, PzOrder } from "./state";

const refused = (message: string): Reply => ({ status: 200, body: { data: null, success: false, messageCode: "ORD400", message, userMessage: message } });

export const ORDER_STATUS = { created: "Siparişiniz Alındı", cancelled: "İptal Edildi" };

/**
 * A marketplace order as the assumed order search answers it. It does not change the quantities
 * the account shows: the seller's system reserves the stock and pushes the new truth.
 */
export function createPzOrder(state: PazaramaSandboxState, account: PzAccount, input: SandboxOrderInput, now: number): PzOrder {
  const at = new Date(now).toISOString();
  const order: PzOrder = {
    orderId: randomUUID(),
    orderNumber: state.nextOrderNumber(),
    orderDate: at,
    updatedDate: at,
    orderStatusName: ORDER_STATUS.created,
    currency: "TRY",
    items: input.lines.map((line) => ({ orderItemId: randomUUID(), quantity: line.quantity, salePrice: line.unitPrice / 100, product: { code: line.code, stockCode: line.code } })),
  };
  account.orders.set(order.orderId, order);
  return order;
}

export function cancelPzOrder(account: PzAccount, orderId: string, now: number): boolean {
  const order = account.orders.get(orderId);
  if (!order) return false;
  order.orderStatusName = ORDER_STATUS.cancelled;
  order.updatedDate = new Date(now).toISOString();
  return true;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * POST /order/getOrdersForApi `{startDate, endDate, pageNumber, pageSize}`: orders updated in
 * [startDate, endDate), windows of at most 7 days, pages from 1, pageSize <= 100. Refusals come as
 * HTTP 200 success:false like the write endpoints; the envelope has no paging fields, so a short
 * page is the last one.
 */
export function searchPzOrders(account: PzAccount, body: string): Reply {
  let query: unknown;
  try {
    query = JSON.parse(body);
  } catch {
    return { status: 400, body: { success: false, message: "İstek gövdesi JSON değil" } };
  }
  if (!isRecord(query)) return refused("Geçersiz istek");
  const start = typeof query.startDate === "string" ? Date.parse(query.startDate) : Number.NaN;
  const end = typeof query.endDate === "string" ? Date.parse(query.endDate) : Number.NaN;
  const page = query.pageNumber;
  const size = query.pageSize;
  if (Number.isNaN(start) || Number.isNaN(end) || end <= start) return refused("startDate ve endDate geçerli tarihler olmalı (startDate < endDate)");
  // A data range, not a wait: not time-scaled.
  if (end - start > PAZARAMA.maxOrderWindowMs) return refused("Tarih aralığı en fazla 7 gün olabilir");
  if (!Number.isSafeInteger(page) || Number(page) < 1 || !Number.isSafeInteger(size) || Number(size) < 1 || Number(size) > PAZARAMA.orderPageSize) {
    return refused(`pageNumber >= 1 ve 1 <= pageSize <= ${PAZARAMA.orderPageSize} olmalı`);
  }
  const matching = [...account.orders.values()]
    .filter((order) => {
      const at = Date.parse(order.updatedDate);
      return at >= start && at < end;
    })
    .sort((a, b) => a.updatedDate.localeCompare(b.updatedDate) || a.orderNumber - b.orderNumber);
  const from = (Number(page) - 1) * Number(size);
  return { status: 200, body: { data: matching.slice(from, from + Number(size)), success: true, messageCode: "MSS0", message: null, userMessage: null } };
}

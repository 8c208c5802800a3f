import { PTTAVM } from "../../pttavm/facts";
import type { Incoming, Reply, SandboxOrderInput } from "../module";
import type { PttAccount, PttavmSandboxState, PttOrder } from "./state";

const refused = (message: string): Reply => ({ status: 400, body: { success: false, message } });

/**
 * A marketplace order as the assumed order search answers it. It does not change the quantities
 * the account shows: the seller's system reserves the stock and pushes the new truth.
 */
export function createPttOrder(state: PttavmSandboxState, account: PttAccount, input: SandboxOrderInput, now: number): PttOrder {
  const orderId = state.nextOrderId();
  const at = new Date(now).toISOString();
  const order: PttOrder = {
    orderId,
    orderNumber: orderId,
    status: "NEW",
    orderDate: at,
    lastModifiedDate: at,
    currency: "TRY",
    items: input.lines.map((line, i) => ({ lineId: `${orderId}-${i + 1}`, barcode: line.code, quantity: line.quantity, unitPrice: line.unitPrice / 100 })),
  };
  account.orders.set(orderId, order);
  return order;
}

export function cancelPttOrder(account: PttAccount, orderId: string, now: number): boolean {
  const order = account.orders.get(orderId);
  if (!order) return false;
  order.status = "CANCELLED";
  order.lastModifiedDate = new Date(now).toISOString();
  return true;
}

function integerParam(value: string | undefined): number | undefined {
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
}

/** GET /orders/search?startDate&endDate&page&size: orders modified in [startDate, endDate), windows of at most 7 days, size <= 100. */
export function searchPttOrders(account: PttAccount, incoming: Incoming): Reply {
  const start = Date.parse(incoming.query.startDate ?? "");
  const end = Date.parse(incoming.query.endDate ?? "");
  const page = integerParam(incoming.query.page);
  const size = integerParam(incoming.query.size);
  if (Number.isNaN(start) || Number.isNaN(end) || end <= start) return refused("startDate ve endDate geçerli tarihler olmalı (startDate < endDate)");
  // A data range, not a wait: not time-scaled.
  if (end - start > PTTAVM.maxOrderWindowMs) return refused("Tarih aralığı en fazla 7 gün olabilir");
  if (page === undefined || size === undefined || size < 1 || size > PTTAVM.orderPageSize) return refused(`page >= 0 ve 1 <= size <= ${PTTAVM.orderPageSize} olmalı`);
  const matching = [...account.orders.values()]
    .filter((order) => {
      const at = Date.parse(order.lastModifiedDate);
      return at >= start && at < end;
    })
    .sort((a, b) => a.lastModifiedDate.localeCompare(b.lastModifiedDate) || a.orderId.localeCompare(b.orderId));
  return {
    status: 200,
    body: {
      success: true,
      orders: matching.slice(page * size, (page + 1) * size),
      page,
      size,
      totalPages: Math.ceil(matching.length / size),
      totalCount: matching.length,
    },
  };
}

import { MarketplaceOutcomeUnknown } from "../errors";
import { minorUnitsOf } from "../money";
import { isoOf } from "../order-pages";
import type { NormalisedOrder } from "../types";
import { isRecord } from "../json";
import { orderLine } from "../order-lines";

/**
 * PttAVM's order search, as we assume it (MARKETPLACES.md names no endpoint: unverified, the path
 * is a setting): `GET {ordersPath}?startDate&endDate&page&size`, dates ISO-8601 UTC on the
 * order's last modification, page from 0, size <= 100, windows of at most 7 days. Answer
 * `{ success, orders: [...], page, size, totalPages, totalCount }`; an order is
 * `{ orderId, orderNumber, status, orderDate, lastModifiedDate, currency, items: [{ lineId,
 * barcode, quantity, unitPrice (TRY decimal) }] }`.
 */

/** Our statuses, by PttAVM's (assumed) ones: new and in-preparation orders still need stock. */
const CREATED = new Set(["NEW", "CREATED", "APPROVED", "PREPARING", "YENI", "ONAYLANDI", "HAZIRLANIYOR"]);
const CANCELLED = new Set(["CANCELLED", "CANCELED", "IPTAL", "İPTAL"]);

function unreadable(detail: string): MarketplaceOutcomeUnknown {
  return new MarketplaceOutcomeUnknown("PTTAVM", "UNREADABLE_ANSWER", 200, detail);
}

/** The one mapper from a PttAVM order to ours; the raw payload is kept as it came. */
export function normalisePttavmOrder(raw: unknown): NormalisedOrder {
  if (!isRecord(raw)) throw unreadable("an order is not an object");
  const id = raw.orderId ?? raw.id ?? raw.orderNumber;
  if (typeof id !== "string" && typeof id !== "number") throw unreadable("an order has no orderId");
  const marketplaceStatus = typeof raw.status === "string" ? raw.status : "";
  const key = marketplaceStatus.toUpperCase();
  const lastModifiedAt = isoOf(raw.lastModifiedDate) ?? isoOf(raw.orderDate);
  if (!lastModifiedAt) throw unreadable(`order ${String(id)} has no readable lastModifiedDate`);
  const rawLines = Array.isArray(raw.items) ? raw.items : [];
  // A line it cannot read goes on for intake to flag (order-lines.ts), not refused with the whole page.
  const lines = rawLines.map((line) =>
    isRecord(line) ? orderLine(line.barcode ?? line.stockCode, line.quantity, minorUnitsOf(line.unitPrice ?? line.price)) : orderLine(undefined, undefined, undefined),
  );
  return {
    externalId: String(id),
    status: CREATED.has(key) ? "CREATED" : CANCELLED.has(key) ? "CANCELLED" : "OTHER",
    marketplaceStatus,
    lines,
    currency: "TRY",
    lastModifiedAt,
    raw,
  };
}

/** The orders of one answer and whether another page of the same sub-window follows. */
export function orderListFrom(body: unknown, page: number, size: number): { orders: NormalisedOrder[]; more: boolean } {
  const data = isRecord(body) && isRecord(body.data) ? body.data : body;
  if (!isRecord(data)) throw unreadable("the order list is not an object");
  const list = data.orders ?? data.content ?? [];
  if (!Array.isArray(list)) throw unreadable("orders is not an array");
  const orders = list.map(normalisePttavmOrder);
  const totalPages = data.totalPages;
  const more = typeof totalPages === "number" ? page + 1 < totalPages : orders.length >= size;
  return { orders, more };
}

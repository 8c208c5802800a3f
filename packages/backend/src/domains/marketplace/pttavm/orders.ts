import { MarketplaceOutcomeUnknown } from "../errors";
import { minorUnitsOf } from "../money";
import { isoOf } from "../order-pages";
import type { NormalisedOrder } from "../types";
import { idText, isRecord } from "../json";
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

/**
 * The one mapper from a PttAVM order to ours; the raw payload is kept as it came. An order it
 * cannot read whole still goes on, so it neither stops the pull nor vanishes: without an id (or
 * not even an object) with no id, for intake to record NEEDS_ATTENTION; without a readable time
 * at `listedFrom`, the start of the window it was listed in.
 */
export function normalisePttavmOrder(raw: unknown, listedFrom: Date): NormalisedOrder {
  const record = isRecord(raw) ? raw : {};
  const externalId = idText(record.orderId ?? record.id ?? record.orderNumber);
  const marketplaceStatus = typeof record.status === "string" ? record.status : "";
  const key = marketplaceStatus.toUpperCase();
  const lastModifiedAt = isoOf(record.lastModifiedDate) ?? isoOf(record.orderDate) ?? listedFrom.toISOString();
  const rawLines = Array.isArray(record.items) ? record.items : [];
  // A line it cannot read goes on for intake to flag (order-lines.ts), not refused with the whole page.
  const lines = rawLines.map((line) =>
    isRecord(line) ? orderLine(line.barcode ?? line.stockCode, line.quantity, minorUnitsOf(line.unitPrice ?? line.price)) : orderLine(undefined, undefined, undefined),
  );
  return {
    externalId,
    status: CREATED.has(key) ? "CREATED" : CANCELLED.has(key) ? "CANCELLED" : "OTHER",
    marketplaceStatus,
    lines,
    currency: "TRY",
    lastModifiedAt,
    raw,
  };
}

/** The orders of one answer and whether another page of the same sub-window follows. */
export function orderListFrom(body: unknown, page: number, size: number, listedFrom: Date): { orders: NormalisedOrder[]; more: boolean } {
  const data = isRecord(body) && isRecord(body.data) ? body.data : body;
  if (!isRecord(data)) throw unreadable("the order list is not an object");
  const list = data.orders ?? data.content ?? [];
  if (!Array.isArray(list)) throw unreadable("orders is not an array");
  const orders = list.map((raw) => normalisePttavmOrder(raw, listedFrom));
  const totalPages = data.totalPages;
  const more = typeof totalPages === "number" ? page + 1 < totalPages : orders.length >= size;
  return { orders, more };
}

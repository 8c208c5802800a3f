import { MarketplaceOutcomeUnknown } from "../errors";
import { idText, isRecord } from "../json";
import { type OrderLine, orderLine } from "../order-lines";
import { isoOf } from "../order-pages";
import type { NormalisedOrder } from "../types";
import { minorUnits } from "./wire";

/**
 * Pazarama's order search as we assume it (MARKETPLACES.md names no endpoint: unverified, the
 * path is a setting): `POST {ordersPath}` with JSON `{ startDate, endDate, pageNumber, pageSize }`
 * (ISO-8601 UTC on the order's last update, pages from 1, pageSize <= 100, windows of at most 7
 * days), answered in the usual envelope `{ data: [order...], success }`. An order is
 * `{ orderId, orderNumber, orderDate, updatedDate, orderStatusName, items: [{ orderItemId,
 * quantity, salePrice (TRY decimal or { value }), product: { code, stockCode } }] }`.
 * If the real search filters on the order date instead, cancellations of older orders only show
 * up through a wider window: the caller's overlap window is the place to widen it.
 */

/** Our statuses, by the status names clients show (new / preparing still need stock). */
const CREATED = /alındı|yeni|new|created|hazırlan|onaylandı|approved/i;
// "İ" does not fold to "i" under /i: both spellings are listed.
const CANCELLED = /iptal|İptal|cancel/i;

function unreadable(detail: string): MarketplaceOutcomeUnknown {
  return new MarketplaceOutcomeUnknown("PAZARAMA", "UNREADABLE_ANSWER", 200, detail);
}

function statusText(raw: Record<string, unknown>): string {
  const value = raw.orderStatusName ?? raw.orderStatusText ?? raw.status ?? raw.orderStatus;
  return typeof value === "string" || typeof value === "number" ? String(value) : "";
}

/** A line it cannot read goes on for intake to flag (order-lines.ts), not refused with the whole page. */
function lineOf(line: unknown): OrderLine {
  if (!isRecord(line)) return orderLine(undefined, undefined, undefined);
  const product = isRecord(line.product) ? line.product : {};
  // `code` is the barcode our writes send; stockCode / barcode are fallbacks seen in clients.
  const barcode = product.code ?? line.code ?? line.barcode ?? product.stockCode;
  const quantity = typeof line.quantity === "string" && line.quantity.trim() !== "" ? Number(line.quantity) : line.quantity;
  return orderLine(barcode, quantity, minorUnits(line.salePrice ?? line.unitPrice ?? line.price));
}

/**
 * The one mapper from a Pazarama order to ours; the raw payload is kept as it came. An order it
 * cannot read whole still goes on, so it neither stops the pull nor vanishes: without an id (or
 * not even an object) with no id, and without an item list with no lines, for intake to record
 * NEEDS_ATTENTION; without a readable time at `listedFrom`, the start of the window it was listed in.
 */
export function normalisePazaramaOrder(raw: unknown, listedFrom: Date): NormalisedOrder {
  const record = isRecord(raw) ? raw : {};
  const marketplaceStatus = statusText(record);
  const lastModifiedAt = isoOf(record.updatedDate ?? record.lastModifiedDate) ?? isoOf(record.orderDate) ?? listedFrom.toISOString();
  const rawLines = record.items ?? record.orderItems;
  return {
    externalId: idText(record.orderId ?? record.orderNumber ?? record.id),
    status: CANCELLED.test(marketplaceStatus) ? "CANCELLED" : CREATED.test(marketplaceStatus) ? "CREATED" : "OTHER",
    marketplaceStatus,
    lines: Array.isArray(rawLines) ? rawLines.map(lineOf) : [],
    currency: "TRY",
    lastModifiedAt,
    raw,
  };
}

/** The orders of one answer and whether another page of the same sub-window follows. */
export function orderListFrom(body: unknown, page: number, size: number, listedFrom: Date): { orders: NormalisedOrder[]; more: boolean } {
  if (!isRecord(body)) throw unreadable("the order list is not an object");
  const inner = isRecord(body.data) ? body.data : body;
  const list = Array.isArray(body.data) ? body.data : (inner.data ?? inner.items ?? inner.orders ?? []);
  if (!Array.isArray(list)) throw unreadable("the order list is not an array");
  const orders = list.map((raw) => normalisePazaramaOrder(raw, listedFrom));
  const totalPages = inner.totalPages ?? body.totalPages;
  // No paging fields in the envelope: a full page means there may be more.
  const more = typeof totalPages === "number" ? page < totalPages : orders.length >= size;
  return { orders, more };
}

import { ValidationFailed } from "../../../infra/errors";
import { MarketplaceOutcomeUnknown } from "../errors";
import type { NormalisedOrder } from "../types";
import { isRecord } from "./http";

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

/** TRY decimal (number or "112.85") -> kuruş. */
function minorUnits(value: unknown): number | undefined {
  const n = typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value.replace(",", ".")) : Number.NaN;
  return Number.isFinite(n) && n >= 0 ? Math.round(n * 100) : undefined;
}

function isoOf(value: unknown): string | undefined {
  if (typeof value !== "string" && typeof value !== "number") return undefined;
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? undefined : at.toISOString();
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
  const lines = rawLines.map((line) => {
    if (!isRecord(line)) throw unreadable(`order ${String(id)} has an unreadable line`);
    const barcode = line.barcode ?? line.stockCode;
    const unitPrice = minorUnits(line.unitPrice ?? line.price);
    if (typeof barcode !== "string" || !Number.isInteger(line.quantity) || unitPrice === undefined) {
      throw unreadable(`order ${String(id)} has a line without barcode, quantity or price`);
    }
    return { barcode, quantity: Number(line.quantity), unitPrice };
  });
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

/** Where a pull stands: the start of the current sub-window (a long window is split) and its page. */
export interface OrderCursor {
  from: number;
  page: number;
}

export function encodeCursor(cursor: OrderCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString("base64url");
}

export function decodeCursor(token: string): OrderCursor {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
  } catch {
    value = undefined;
  }
  if (!isRecord(value) || !Number.isSafeInteger(value.from) || !Number.isSafeInteger(value.page) || Number(value.page) < 0) {
    throw new ValidationFailed("This PttAVM order page token is not one we issued", { page: token }, "MARKETPLACE_PAGE_INVALID");
  }
  return { from: Number(value.from), page: Number(value.page) };
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

/** The next page token: the next page of this sub-window, else the next sub-window, else null. */
export function nextCursor(cursor: OrderCursor, subWindowEnd: number, until: number, more: boolean): string | null {
  if (more) return encodeCursor({ from: cursor.from, page: cursor.page + 1 });
  return subWindowEnd < until ? encodeCursor({ from: subWindowEnd, page: 0 }) : null;
}

export function pullWindowProblem(since: Date, until: Date): string | undefined {
  if (Number.isNaN(since.getTime()) || Number.isNaN(until.getTime())) return "since and until must be dates";
  return undefined;
}

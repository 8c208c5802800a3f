import { MarketplaceOutcomeUnknown } from "../errors";
import { isRecord } from "../json";
import { isoOf } from "../order-pages";
import type { NormalisedOrder } from "../types";
import { PAZARAMA } from "./facts";
import { minorUnits } from "./wire";

/**
 * Pazarama's order list (fixtures pazarama/order-pull.v2.json and order-pull.paged.json):
 * `{ data: [order...], success, totalCount? }`. An order is `{ orderId, orderNumber, orderDate,
 * orderStatus, items: [{ orderItemId, orderItemStatus, quantity, salePrice: { value }, product:
 * { code } }] }`; statuses are numbers (3 Siparişiniz Alındı, 12 Hazırlanıyor, 6 İptal Edildi,
 * 13 Tedarik Edilemedi, ...). There is no last-update date: orderDate is the only one, so a
 * cancellation of an older order only shows up through a window that re-reads its order date.
 */

/** Received and being prepared still hold stock; cancelled and not supplied release it. */
const CREATED_CODES = new Set([3, 12]);
const CANCELLED_CODES = new Set([6, 13]);
/** Older clients answer status names; kept for them. "İ" does not fold to "i" under /i. */
const CREATED = /alındı|yeni|new|created|hazırlan|onaylandı|approved/i;
const CANCELLED = /iptal edildi|İptal Edildi|cancelled|canceled|tedarik edilemedi/i;

function unreadable(detail: string): MarketplaceOutcomeUnknown {
  return new MarketplaceOutcomeUnknown("PAZARAMA", "UNREADABLE_ANSWER", 200, detail);
}

function statusCode(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isSafeInteger(value)) return value;
  return typeof value === "string" && /^\d+$/.test(value) ? Number(value) : undefined;
}

/** The order's own status, else what its items say (all cancelled: cancelled; any live: created). */
function ourStatus(raw: Record<string, unknown>, items: readonly Record<string, unknown>[]): { status: NormalisedOrder["status"]; text: string } {
  const named = raw.orderStatus ?? raw.orderStatusName ?? raw.orderStatusText ?? raw.status;
  const code = statusCode(named);
  if (code !== undefined) return { status: CANCELLED_CODES.has(code) ? "CANCELLED" : CREATED_CODES.has(code) ? "CREATED" : "OTHER", text: String(code) };
  if (typeof named === "string" && named !== "") return { status: CANCELLED.test(named) ? "CANCELLED" : CREATED.test(named) ? "CREATED" : "OTHER", text: named };
  const itemCodes = items.map((item) => statusCode(item.orderItemStatus));
  if (itemCodes.length > 0 && itemCodes.every((c) => c !== undefined && CANCELLED_CODES.has(c))) return { status: "CANCELLED", text: "" };
  return { status: itemCodes.some((c) => c !== undefined && CREATED_CODES.has(c)) ? "CREATED" : "OTHER", text: "" };
}

/** `yyyy-MM-dd HH:mm[:ss]` without a zone is Turkish time; anything with a zone (or epoch) as it says. */
export function pazaramaInstant(value: unknown): string | undefined {
  const local = typeof value === "string" ? /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2})(:\d{2}(\.\d+)?)?$/.exec(value.trim()) : null;
  if (local) {
    const at = Date.parse(`${local[1]}T${local[2]}${local[3] ?? ":00"}Z`);
    return Number.isNaN(at) ? undefined : new Date(at - PAZARAMA.turkeyOffsetMs).toISOString();
  }
  return isoOf(value);
}

function lineOf(id: string, line: unknown): NormalisedOrder["lines"][number] {
  if (!isRecord(line)) throw unreadable(`order ${id} has an unreadable line`);
  const product = isRecord(line.product) ? line.product : {};
  // `product.code` is the barcode our writes send; stockCode / barcode are fallbacks seen in clients.
  const barcode = product.code ?? line.code ?? line.barcode ?? product.stockCode;
  const unitPrice = minorUnits(line.salePrice ?? line.unitPrice ?? line.price);
  const quantity = typeof line.quantity === "string" ? Number(line.quantity) : line.quantity;
  if (typeof barcode !== "string" || !Number.isSafeInteger(quantity) || Number(quantity) <= 0 || unitPrice === undefined) {
    throw unreadable(`order ${id} has a line without code, quantity or price`);
  }
  return { barcode, quantity: Number(quantity), unitPrice };
}

/** V2 lists each unit as its own item of quantity 1: one line per code and price again. */
function merged(lines: readonly NormalisedOrder["lines"][number][]): NormalisedOrder["lines"] {
  const byKey = new Map<string, NormalisedOrder["lines"][number]>();
  for (const line of lines) {
    const key = `${line.barcode}\u0000${line.unitPrice}`;
    const seen = byKey.get(key);
    byKey.set(key, seen ? { ...seen, quantity: seen.quantity + line.quantity } : { ...line });
  }
  return [...byKey.values()];
}

/** The one mapper from a Pazarama order to ours; the raw payload is kept as it came. */
export function normalisePazaramaOrder(raw: unknown): NormalisedOrder {
  if (!isRecord(raw)) throw unreadable("an order is not an object");
  const rawId = raw.orderId ?? raw.orderNumber ?? raw.id;
  if (typeof rawId !== "string" && typeof rawId !== "number") throw unreadable("an order has no orderId");
  const id = String(rawId);
  const lastModifiedAt = pazaramaInstant(raw.updatedDate ?? raw.lastModifiedDate) ?? pazaramaInstant(raw.orderDate);
  if (!lastModifiedAt) throw unreadable(`order ${id} has no readable orderDate`);
  const rawLines = raw.items ?? raw.orderItems ?? [];
  if (!Array.isArray(rawLines)) throw unreadable(`order ${id} has no item list`);
  const { status, text } = ourStatus(raw, rawLines.filter(isRecord));
  return {
    externalId: id,
    status,
    marketplaceStatus: text,
    lines: merged(rawLines.map((line) => lineOf(id, line))),
    currency: "TRY",
    lastModifiedAt,
    raw,
  };
}

/**
 * The orders of one answer and whether another page of the same slice follows: by totalCount
 * (the paged call), else totalPages, else a full page means there may be more (V2 shows no count).
 */
export function orderListFrom(body: unknown, page: number, size: number): { orders: NormalisedOrder[]; more: boolean } {
  if (!isRecord(body)) throw unreadable("the order list is not an object");
  const inner = isRecord(body.data) ? body.data : body;
  const list = Array.isArray(body.data) ? body.data : (inner.data ?? inner.items ?? inner.orders ?? []);
  if (!Array.isArray(list)) throw unreadable("the order list is not an array");
  const orders = list.map(normalisePazaramaOrder);
  const totalCount = body.totalCount ?? inner.totalCount;
  const totalPages = inner.totalPages ?? body.totalPages;
  if (typeof totalCount === "number") return { orders, more: page * size < totalCount && orders.length > 0 };
  if (typeof totalPages === "number") return { orders, more: page < totalPages };
  return { orders, more: orders.length >= size };
}

import { MarketplaceOutcomeUnknown } from "../errors";
import { idText, isRecord } from "../json";
import { ordersByLine, type StatusedLine } from "../line-cancellations";
import { isReadableLine, type OrderLine, orderLine } from "../order-lines";
import { isoOf } from "../order-pages";
import { totalCountOf } from "../page-walk";
import type { MarketplaceProgress, NormalisedOrder } from "../types";
import { PAZARAMA } from "./facts";
import { minorUnits } from "./wire";

/**
 * Pazarama's order list (fixtures pazarama/order-pull.v2.json and order-pull.paged.json):
 * `{ data: [order...], success, totalCount? }`. An order is `{ orderId, orderNumber, orderDate,
 * orderStatus, items: [{ orderItemId, orderItemStatus, quantity, salePrice: { value }, product:
 * { code } }] }`; statuses are numbers (3 Siparişiniz Alındı, 12 Hazırlanıyor, 6 İptal Edildi,
 * 13 Tedarik Edilemedi, ...), per order and per item. There is no last-update date: orderDate is
 * the only one, so a cancellation of an older order only shows up through a window that re-reads
 * its order date. Items carry their own orderItemId (V2 gives each unit its own), so an item
 * cancelled while others go on is released on its own (line-cancellations.ts).
 */

/** Received and being prepared still hold stock; cancelled and not supplied release it. */
const CREATED_CODES = new Set([3, 12]);
const CANCELLED_CODES = new Set([6, 13]);
/**
 * Item statuses past received (Sipariş Durum Akışı, fixture pazarama/order-item-status): 12 being
 * prepared, 5 handed to the carrier, 11 delivered; the others past shipment (at a store or pick-up
 * point, not delivered, in return: order-commands.ts SHIPPED_OR_LATER) have left the warehouse.
 */
const PROGRESS_CODES: ReadonlyMap<number, MarketplaceProgress> = new Map([[12, "PICKING"], [5, "SHIPPED"], [11, "DELIVERED"], ...[14, 16, 19, 7, 8, 9, 10].map((code): [number, MarketplaceProgress] => [code, "SHIPPED"])]);
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

/** A line it cannot read goes on for intake to flag (order-lines.ts), not refused with the whole page. */
function lineOf(line: unknown): OrderLine & { lineId?: string } {
  if (!isRecord(line)) return orderLine(undefined, undefined, undefined);
  const product = isRecord(line.product) ? line.product : {};
  // `product.code` is the barcode our writes send; stockCode / barcode are fallbacks seen in clients.
  const barcode = product.code ?? line.code ?? line.barcode ?? product.stockCode;
  const quantity = typeof line.quantity === "string" && line.quantity.trim() !== "" ? Number(line.quantity) : line.quantity;
  const read = orderLine(barcode, quantity, minorUnits(line.salePrice ?? line.unitPrice ?? line.price));
  const lineId = idText(line.orderItemId);
  return lineId === undefined ? read : { ...read, lineId };
}

/** Every item with an id of its own: each is a line with its own status (else the order goes whole). */
function statusedItems(items: readonly unknown[], order: NormalisedOrder["status"]): StatusedLine[] | undefined {
  const lines = items.map((item): StatusedLine => {
    const code = isRecord(item) ? statusCode(item.orderItemStatus) : undefined;
    // An item without a status of its own shares the order's.
    const cancelled = code !== undefined ? CANCELLED_CODES.has(code) : order === "CANCELLED";
    const progress = code === undefined ? undefined : PROGRESS_CODES.get(code);
    return { ...lineOf(item), marketplaceStatus: code !== undefined ? String(code) : "", cancelled, ...(progress !== undefined && { progress }) };
  });
  const ids = lines.map((line) => line.lineId);
  return ids.length > 0 && ids.every((id) => id !== undefined) && new Set(ids).size === ids.length ? lines : undefined;
}

/** V2 lists each unit as its own item of quantity 1: one line per code and price again. Unreadable lines stay apart, each flagged on its own. */
function merged(lines: readonly OrderLine[]): OrderLine[] {
  const byKey = new Map<string, OrderLine>();
  const out: OrderLine[] = [];
  for (const line of lines) {
    if (!isReadableLine(line) || !Number.isFinite(line.unitPrice)) {
      out.push(line);
      continue;
    }
    const key = `${line.barcode}\u0000${line.unitPrice}`;
    const seen = byKey.get(key);
    if (seen) seen.quantity += line.quantity;
    else {
      const copy = { ...line };
      byKey.set(key, copy);
      out.push(copy);
    }
  }
  return out;
}

/**
 * The one mapper from a Pazarama order to ours; the raw payload is kept as it came: one or more
 * packages of the order when its items have ids (line-cancellations.ts), else the whole order with
 * lines of one code and price added up, as before. An order it
 * cannot read whole still goes on, so it neither stops the pull nor vanishes: without an id (or
 * not even an object) with no id, and without an item list with no lines, for intake to record
 * NEEDS_ATTENTION; without a readable time at `listedFrom`, the start of the window it was listed in.
 */
export function normalisePazaramaOrder(raw: unknown, listedFrom: Date): NormalisedOrder[] {
  const record = isRecord(raw) ? raw : {};
  const lastModifiedAt = pazaramaInstant(record.updatedDate ?? record.lastModifiedDate) ?? pazaramaInstant(record.orderDate) ?? listedFrom.toISOString();
  const rawLines = record.items ?? record.orderItems;
  const items = Array.isArray(rawLines) ? rawLines : [];
  const { status, text } = ourStatus(record, items.filter(isRecord));
  const externalId = idText(record.orderId ?? record.orderNumber ?? record.id);
  const byItem = statusedItems(items, status);
  const extra = orderExtras(record, items);
  if (externalId !== undefined && byItem) {
    const live = byItem.some((item) => !item.cancelled && CREATED_CODES.has(Number(item.marketplaceStatus)));
    return ordersByLine({ externalId, lines: byItem, liveStatus: live || status === "CREATED" ? "CREATED" : "OTHER", currency: "TRY", lastModifiedAt, raw }).map((order) => ({ ...order, ...extra }));
  }
  return [{
    externalId,
    status,
    marketplaceStatus: text,
    lines: merged(items.map(lineOf).map(({ barcode, quantity, unitPrice }) => ({ barcode, quantity, unitPrice }))),
    currency: "TRY",
    lastModifiedAt,
    ...extra,
    raw,
  }];
}

/**
 * What the way back needs beside the order: its orderNumber (the order is keyed by orderId) and
 * the dispatch deadline, `estimatedShippingDate` ("termin süresi", Siparişler page; named there
 * with no example, so read on the order or, earliest, on its items).
 */
function orderExtras(record: Record<string, unknown>, items: readonly unknown[]): { marketplaceOrderNumber?: string; dispatchBy?: string } {
  const orderNumber = idText(record.orderNumber);
  const deadlines = [record.estimatedShippingDate, ...items.map((item) => (isRecord(item) ? item.estimatedShippingDate : undefined))]
    .map(pazaramaInstant)
    .filter((at): at is string => at !== undefined)
    .sort();
  return { ...(orderNumber === undefined ? {} : { marketplaceOrderNumber: orderNumber }), ...(deadlines[0] === undefined ? {} : { dispatchBy: deadlines[0] }) };
}

/**
 * The orders of one answer and whether another page of the same slice follows: by totalCount
 * (the paged call), else totalPages, else a full page means there may be more (V2 shows no count).
 * `listed` counts Pazarama's orders (one may come as several of ours), `total` is totalCount.
 */
export function orderListFrom(body: unknown, page: number, size: number, listedFrom: Date): { orders: NormalisedOrder[]; more: boolean; listed: number; total: number | undefined } {
  if (!isRecord(body)) throw unreadable("the order list is not an object");
  const inner = isRecord(body.data) ? body.data : body;
  const list = Array.isArray(body.data) ? body.data : (inner.data ?? inner.items ?? inner.orders ?? []);
  if (!Array.isArray(list)) throw unreadable("the order list is not an array");
  const orders = list.flatMap((raw) => normalisePazaramaOrder(raw, listedFrom));
  const totalCount = body.totalCount ?? inner.totalCount;
  const totalPages = inner.totalPages ?? body.totalPages;
  const read = { orders, listed: list.length, total: totalCountOf(body) };
  if (typeof totalCount === "number") return { ...read, more: page * size < totalCount && list.length > 0 };
  if (typeof totalPages === "number") return { ...read, more: page < totalPages };
  return { ...read, more: list.length >= size };
}

/**
 * The one place that reads Hepsiburada's order lines (fixtures hepsiburada/order-pull,
 * cancelled-list and packages-list). The lists answer ORDER LINES, not orders:
 * - the open list (`GET /orders/merchantid/{id}`): lines in "order received" status (paid, not
 *   packed) with `id`, `orderNumber`, `orderDate`, `merchantSKU`, `quantity`,
 *   `unitPrice {amount, currency}`, `lastStatusUpdateDate`, `status`;
 * - the cancelled list (`.../cancelled`): one record per cancellation of a line: `lineItemId`,
 *   `orderNumber`, `merchantSku`, `quantity` (the cancelled count), `cancelDate`, ...;
 * - the packages list (package-normaliser.ts): packed lines with `lineItemId`.
 * `id` and `lineItemId` are the same line id ("Kalemin unique Id değeri" in all three models of the
 * published client; packing takes the open line's `id` and the package lists it as `lineItemId`),
 * so every delivery names its lines by it and is a package of its order (NormalisedOrder.packageId):
 * a line the order holds already reserves nothing again, a cancelled record releases its units once.
 * Nothing listed is left out: a line naming no order cannot be grouped, so it is an order of its
 * own without an id (intake records it MISSING_ORDER_ID), and what a line lacks goes on as
 * order-lines.ts says, for intake to flag.
 */
import type { NormalisedOrder } from "../types";
import { isRecord } from "../json";
import { addedUpByBarcode, type OrderLine, orderLine } from "../order-lines";

/** A line of one list, read as far as it can be. */
export interface ReadLine {
  /** Undefined when the line names no order. */
  orderNumber?: string;
  /** The line id (`id` in the open list, `lineItemId` in the others), when it names one. */
  lineId?: string;
  line: OrderLine;
  /** ISO, when the line carries a readable time. */
  at?: string;
  status?: string;
  /** ISO: the line's dueDate, the latest it is to be handed to the carrier, when readable. */
  dueBy?: string;
  raw: unknown;
}

export function idOf(value: unknown): string | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  if (typeof value === "string" && value.trim().length > 0) return value.trim();
  return undefined;
}

export function text(value: unknown): string | undefined {
  return typeof value === "string" && value.length > 0 ? value : undefined;
}

/** TL decimals (a number, a string, or `{ amount }`) to kuruş. */
export function minorUnits(value: unknown): number | undefined {
  const raw = isRecord(value) ? value.amount : value;
  const amount = typeof raw === "string" ? Number(raw) : raw;
  if (typeof amount !== "number" || !Number.isFinite(amount) || amount < 0) return undefined;
  return Math.round(amount * 100);
}

/**
 * ISO with a zone as it is; a zoneless `yyyy-MM-ddTHH:mm[:ss[.fraction]]` (or with a space) is
 * Turkey time. .NET writes up to seven fractional digits: milliseconds are kept, the rest dropped.
 */
export function hepsiburadaTime(value: unknown, offsetMinutes: number): string | undefined {
  if (typeof value === "number") return Number.isFinite(value) && value > 0 ? new Date(value).toISOString() : undefined;
  if (typeof value !== "string" || value.length === 0) return undefined;
  const trimmed = value.trim().replace(/(\.\d{3})\d+/, "$1");
  const zoneless = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?)$/.exec(trimmed);
  const ms = zoneless ? Date.parse(`${zoneless[1]}T${zoneless[2]}Z`) - offsetMinutes * 60_000 : Date.parse(trimmed);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}

/**
 * `due`: ISO of the line's dueDate (published client: "Tahmini kargoya veriliş tarihi"; official
 * webhook table: "Siparişin kargoya verilmesi gereken son teslim tarihi"), or of its package's.
 */
export function readLine(raw: unknown, sku: unknown, price: number | undefined, at: string | undefined, lineId: unknown, due?: string): ReadLine {
  const record = isRecord(raw) ? raw : {};
  const orderNumber = idOf(record.orderNumber);
  const status = text(record.status);
  const id = idOf(lineId);
  return {
    ...(due ? { dueBy: due } : {}),
    ...(orderNumber ? { orderNumber } : {}),
    ...(id ? { lineId: id } : {}),
    // The merchant SKU names the line: as its barcode (what Hepsiburada was sent when stock codes
    // were barcodes) and as its stock code, which intake matches where the barcode names no product.
    line: orderLine(text(sku), record.quantity, price, text(sku)),
    ...(at ? { at } : {}),
    ...(status ? { status } : {}),
    raw,
  };
}

/** An open-list line; its merchant SKU is spelled `merchantSKU` there (`merchantSku` read too). A price it cannot read is NaN. */
export function readOpenLine(raw: unknown, offsetMinutes: number): ReadLine {
  const record = isRecord(raw) ? raw : {};
  // The list filters on when a line was added, so the order date is the time the window vouches for.
  const at = hepsiburadaTime(record.orderDate, offsetMinutes) ?? hepsiburadaTime(record.lastStatusUpdateDate, offsetMinutes);
  return readLine(raw, record.merchantSKU ?? record.merchantSku, minorUnits(record.unitPrice), at, record.id, hepsiburadaTime(record.dueDate, offsetMinutes));
}

/**
 * A cancelled-list line: the cancelled quantity of one SKU. The list carries no price, so 0 stands
 * in: a cancellation of an order we never saw is recorded and then cancelled, and a price of 0
 * keeps that record from being flagged for a price nobody sent.
 */
export function readCancelledLine(raw: unknown, offsetMinutes: number): ReadLine {
  const record = isRecord(raw) ? raw : {};
  return readLine(raw, record.merchantSku ?? record.merchantSKU, 0, hepsiburadaTime(record.cancelDate, offsetMinutes), record.lineItemId);
}

/** Lines of one order number, gathered across pages; without an order number, one line alone. */
export interface LineGroup {
  orderNumber: string | undefined;
  lines: ReadLine[];
}

/** Groups keyed by order number, or by the line itself when it names none; first-seen order is kept. */
export type LineGroups = Map<string | ReadLine, LineGroup>;

/** Adds lines to their order's group; a line naming no order makes a group of its own. */
export function groupLines(groups: LineGroups, lines: readonly ReadLine[]): void {
  for (const read of lines) {
    const key = read.orderNumber ?? read;
    const group = groups.get(key) ?? { orderNumber: read.orderNumber, lines: [] };
    group.lines.push(read);
    groups.set(key, group);
  }
}

/** The earliest dueDate of the group's lines: the order is late as soon as one line is. */
function earliestDue(group: LineGroup): string | undefined {
  return group.lines.reduce<string | undefined>((min, { dueBy }) => (dueBy && (!min || dueBy < min) ? dueBy : min), undefined);
}

function latest(group: LineGroup): string | undefined {
  return group.lines.reduce<string | undefined>((max, { at }) => (at && (!max || at > max) ? at : max), undefined);
}

/**
 * Lines keep their line ids when every line names its own; otherwise (a line without an id, one
 * listed twice) lines of one SKU are added up without ids, as intake took them before line ids.
 */
function linesOf(group: LineGroup): OrderLine[] {
  const ids = group.lines.map((read) => read.lineId);
  const identified = ids.every((id) => id !== undefined) && new Set(ids).size === ids.length;
  if (identified) return group.lines.map((read) => ({ ...read.line, ...(read.lineId !== undefined && { lineId: read.lineId }) }));
  return addedUpByBarcode(group.lines.map((read) => read.line));
}

/** What one delivery is: its status and the package of its order it stands for. */
export interface DeliveryKind {
  status: NormalisedOrder["status"];
  packageId: string;
  marketplaceStatus?: string;
  /** How far the package has gone (package-normaliser.ts). */
  progress?: NormalisedOrder["progress"];
}

/**
 * One delivery from lines of one order. `window.to` caps the time the pull's watermark moves on (a
 * line's own time may lie past the part of the pull read so far); `window.from` stands in when no
 * line carries a time (no later than the order's real time, so the watermark never passes it).
 */
export function orderOf(group: LineGroup, kind: DeliveryKind, window: { from: Date; to: Date }): NormalisedOrder {
  const cap = window.to.toISOString();
  const at = latest(group);
  const marketplaceStatus = kind.marketplaceStatus ?? (kind.status === "CANCELLED" ? "Cancelled" : (group.lines.find((line) => line.status)?.status ?? "Open"));
  const dispatchBy = earliestDue(group);
  // Hepsiburada sells in TL only; "TL" on the wire is our "TRY".
  return {
    ...(dispatchBy ? { dispatchBy } : {}),
    externalId: group.orderNumber,
    packageId: kind.packageId,
    status: kind.status,
    ...(kind.progress !== undefined && { progress: kind.progress }),
    marketplaceStatus,
    lines: linesOf(group),
    currency: "TRY",
    lastModifiedAt: at ? (at < cap ? at : cap) : window.from.toISOString(),
    raw: { ...(group.orderNumber ? { orderNumber: group.orderNumber } : {}), lines: group.lines.map((line) => line.raw) },
  };
}

/**
 * The package every open-list delivery of an order stands for: the lines the open list showed. One
 * name for all of them, so reading the list again records nothing new.
 */
export const OPEN_LIST_PACKAGE = "open-list";

/** The open list's lines of one window as deliveries, one per order number. */
export function openOrdersOf(lines: readonly unknown[], offsetMinutes: number, window: { from: Date; to: Date }): NormalisedOrder[] {
  const groups: LineGroups = new Map();
  groupLines(
    groups,
    lines.map((raw) => readOpenLine(raw, offsetMinutes)),
  );
  return [...groups.values()].map((group) => orderOf(group, { status: "CREATED", packageId: OPEN_LIST_PACKAGE }, window));
}

/**
 * The package a cancelled record stands for: its line and the instant of its cancel date (the date
 * as sent when unreadable, the quantity when it has none). The list is read again on every pull,
 * and the same record names the same package, so it releases once; two cancellations of one line
 * are two records with their own dates, so each releases its units. The instant, not the text:
 * the push and the list may write one date with other fractional digits or a space for the T.
 */
export function cancelledPackageOf(raw: unknown, lineId: string, offsetMinutes: number): string {
  const record = isRecord(raw) ? raw : {};
  const sent = text(record.cancelDate)?.trim();
  const when = sent === undefined ? (typeof record.quantity === "number" ? `q${record.quantity}` : "") : (hepsiburadaTime(sent, offsetMinutes) ?? sent);
  return `cancelled:${lineId}:${when}`;
}

/**
 * One CANCELLED delivery per cancelled record, naming its line and the units cancelled. A record
 * without a line id cannot say which units it releases (a whole-order release would free stock
 * the order's open lines still hold), so it goes on without an order id: intake records it for an
 * operator (MISSING_ORDER_ID) and releases nothing.
 */
export function cancelledOrdersOf(records: readonly unknown[], offsetMinutes: number, window: { from: Date; to: Date }): NormalisedOrder[] {
  return records.map((raw) => {
    const read = readCancelledLine(raw, offsetMinutes);
    if (read.lineId === undefined) {
      const alone: ReadLine = { line: read.line, raw: read.raw, ...(read.at ? { at: read.at } : {}) };
      return orderOf({ orderNumber: undefined, lines: [alone] }, { status: "CANCELLED", packageId: "cancelled:unnamed" }, window);
    }
    return orderOf({ orderNumber: read.orderNumber, lines: [read] }, { status: "CANCELLED", packageId: cancelledPackageOf(raw, read.lineId, offsetMinutes) }, window);
  });
}

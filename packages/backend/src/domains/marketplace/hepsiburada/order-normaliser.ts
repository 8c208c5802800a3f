/**
 * The one place that reads Hepsiburada's order model (fixtures hepsiburada/order-pull and
 * cancelled-list). Both lists answer ORDER LINES, not orders:
 * - the open list (`GET /orders/merchantid/{id}`): lines in "order received" status (paid, not
 *   packed) with `id`, `orderNumber`, `orderDate`, `merchantSKU`, `quantity`,
 *   `unitPrice {amount, currency}`, `lastStatusUpdateDate`, `status`;
 * - the cancelled list (`.../cancelled`): `lineItemId`, `orderNumber`, `merchantSku`, `quantity`
 *   (the cancelled count), `cancelDate`, `cancelReasonCode`, `cancelledBy`.
 * Lines are grouped into one NormalisedOrder per orderNumber; the raw lines are kept as the payload.
 * Nothing listed is left out: a line naming no order cannot be grouped, so it is an order of its
 * own without an id (intake records it MISSING_ORDER_ID), and what a line lacks goes on as
 * order-lines.ts says, for intake to flag.
 */
import type { NormalisedOrder } from "../types";
import { isRecord } from "../json";
import { addedUpByBarcode, type OrderLine, orderLine } from "../order-lines";

/** A line of one list, read as far as it can be. */
interface ReadLine {
  /** Undefined when the line names no order. */
  orderNumber?: string;
  line: OrderLine;
  /** ISO, when the line carries a readable time. */
  at?: string;
  status?: string;
  raw: unknown;
}

function idOf(value: unknown): string | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  if (typeof value === "string" && value.trim().length > 0) return value.trim();
  return undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value.length > 0 ? value : undefined;
}

/** TL decimals (a number, a string, or `{ amount }`) to kuruş. */
function minorUnits(value: unknown): number | undefined {
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

function readLine(raw: unknown, sku: unknown, price: number | undefined, at: string | undefined): ReadLine {
  const record = isRecord(raw) ? raw : {};
  const orderNumber = idOf(record.orderNumber);
  const status = text(record.status);
  return {
    ...(orderNumber ? { orderNumber } : {}),
    line: orderLine(text(sku), record.quantity, price),
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
  return readLine(raw, record.merchantSKU ?? record.merchantSku, minorUnits(record.unitPrice), at);
}

/**
 * A cancelled-list line: the cancelled quantity of one SKU. The list carries no price, so 0 stands
 * in: a cancellation of an order we never saw is recorded and then cancelled, and a price of 0
 * keeps that record from being flagged for a price nobody sent.
 */
export function readCancelledLine(raw: unknown, offsetMinutes: number): ReadLine {
  const record = isRecord(raw) ? raw : {};
  return readLine(raw, record.merchantSku ?? record.merchantSKU, 0, hepsiburadaTime(record.cancelDate, offsetMinutes));
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

function latest(group: LineGroup): string | undefined {
  return group.lines.reduce<string | undefined>((max, { at }) => (at && (!max || at > max) ? at : max), undefined);
}

/**
 * One order from its lines. `window.to` caps the time the pull's watermark moves on (a line's own
 * time may lie past the part of the pull read so far); `window.from` stands in when no line
 * carries a time (no later than the order's real time, so the watermark never passes it).
 */
export function orderOf(group: LineGroup, status: NormalisedOrder["status"], window: { from: Date; to: Date }): NormalisedOrder {
  const cap = window.to.toISOString();
  const at = latest(group);
  const marketplaceStatus = status === "CANCELLED" ? "Cancelled" : (group.lines.find((line) => line.status)?.status ?? "Open");
  // Hepsiburada sells in TL only; "TL" on the wire is our "TRY".
  return {
    externalId: group.orderNumber,
    status,
    marketplaceStatus,
    // Intake takes one line per barcode: lines of one SKU are added up (the first price is kept).
    lines: addedUpByBarcode(group.lines.map((read) => read.line)),
    currency: "TRY",
    lastModifiedAt: at ? (at < cap ? at : cap) : window.from.toISOString(),
    raw: { ...(group.orderNumber ? { orderNumber: group.orderNumber } : {}), lines: group.lines.map((line) => line.raw) },
  };
}

/** The open list's lines of one window as orders, one per order number. */
export function openOrdersOf(lines: readonly unknown[], offsetMinutes: number, window: { from: Date; to: Date }): { orders: NormalisedOrder[]; groups: LineGroups } {
  const groups: LineGroups = new Map();
  groupLines(
    groups,
    lines.map((raw) => readOpenLine(raw, offsetMinutes)),
  );
  return { orders: [...groups.values()].map((group) => orderOf(group, "CREATED", window)), groups };
}

/**
 * The one place that reads Hepsiburada's order model (fixtures hepsiburada/order-pull and
 * cancelled-list). Both lists answer ORDER LINES, not orders:
 * - the open list (`GET /orders/merchantid/{id}`): lines in "order received" status (paid, not
 *   packed) with `id`, `orderNumber`, `orderDate`, `merchantSKU`, `quantity`,
 *   `unitPrice {amount, currency}`, `lastStatusUpdateDate`, `status`;
 * - the cancelled list (`.../cancelled`): `lineItemId`, `orderNumber`, `merchantSku`, `quantity`
 *   (the cancelled count), `cancelDate`, `cancelReasonCode`, `cancelledBy`.
 * Lines are grouped into one NormalisedOrder per orderNumber; the raw lines are kept as the payload.
 */
import type { NormalisedOrder } from "../types";
import { isRecord } from "../json";

type Line = NormalisedOrder["lines"][number];

/** A line of one list, read; undefined when it names no order, no SKU or no whole quantity. */
interface ReadLine {
  orderNumber: string;
  line: Line;
  /** ISO, when the line carries a readable time. */
  at?: string;
  status?: string;
  raw: Record<string, unknown>;
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

function readLine(raw: unknown, sku: unknown, price: number, at: string | undefined): ReadLine | undefined {
  if (!isRecord(raw)) return undefined;
  const orderNumber = idOf(raw.orderNumber);
  const barcode = text(sku);
  const quantity = typeof raw.quantity === "number" && Number.isInteger(raw.quantity) ? raw.quantity : 0;
  if (!orderNumber || !barcode || quantity < 1) return undefined;
  return { orderNumber, line: { barcode, quantity, unitPrice: price }, ...(at ? { at } : {}), ...(text(raw.status) ? { status: text(raw.status) } : {}), raw };
}

/** An open-list line; its merchant SKU is spelled `merchantSKU` there (`merchantSku` read too). */
export function readOpenLine(raw: unknown, offsetMinutes: number): ReadLine | undefined {
  if (!isRecord(raw)) return undefined;
  // The list filters on when a line was added, so the order date is the time the window vouches for.
  const at = hepsiburadaTime(raw.orderDate, offsetMinutes) ?? hepsiburadaTime(raw.lastStatusUpdateDate, offsetMinutes);
  return readLine(raw, raw.merchantSKU ?? raw.merchantSku, minorUnits(raw.unitPrice) ?? 0, at);
}

/** A cancelled-list line: the cancelled quantity of one SKU; the list carries no price. */
export function readCancelledLine(raw: unknown, offsetMinutes: number): ReadLine | undefined {
  if (!isRecord(raw)) return undefined;
  return readLine(raw, raw.merchantSku ?? raw.merchantSKU, 0, hepsiburadaTime(raw.cancelDate, offsetMinutes));
}

/** Lines of one order number, gathered across pages. */
export interface LineGroup {
  orderNumber: string;
  lines: ReadLine[];
}

/** Adds lines to their order's group, keeping first-seen order. */
export function groupLines(groups: Map<string, LineGroup>, lines: readonly (ReadLine | undefined)[]): void {
  for (const read of lines) {
    if (!read) continue;
    const group = groups.get(read.orderNumber) ?? { orderNumber: read.orderNumber, lines: [] };
    group.lines.push(read);
    groups.set(read.orderNumber, group);
  }
}

/** Intake takes one line per barcode: lines of one SKU are added up (the first price is kept). */
function linesOf(group: LineGroup): Line[] {
  const byBarcode = new Map<string, Line>();
  for (const { line } of group.lines) {
    const seen = byBarcode.get(line.barcode);
    if (seen) seen.quantity += line.quantity;
    else byBarcode.set(line.barcode, { ...line });
  }
  return [...byBarcode.values()];
}

function latest(group: LineGroup): string | undefined {
  return group.lines.reduce<string | undefined>((max, { at }) => (at && (!max || at > max) ? at : max), undefined);
}

/**
 * One order from its lines. `notAfter` caps the time the pull's watermark moves on (the window's
 * end: a line's own time may lie past the part of the pull read so far); it also stands in when
 * no line carries a time.
 */
export function orderOf(group: LineGroup, status: NormalisedOrder["status"], notAfter: Date): NormalisedOrder {
  const cap = notAfter.toISOString();
  const at = latest(group);
  const marketplaceStatus = status === "CANCELLED" ? "Cancelled" : (group.lines.find((line) => line.status)?.status ?? "Open");
  // Hepsiburada sells in TL only; "TL" on the wire is our "TRY".
  return {
    externalId: group.orderNumber,
    status,
    marketplaceStatus,
    lines: linesOf(group),
    currency: "TRY",
    lastModifiedAt: at && at < cap ? at : cap,
    raw: { orderNumber: group.orderNumber, lines: group.lines.map((line) => line.raw) },
  };
}

/**
 * The one place that reads Hepsiburada's order model. The list's item shape is not spelled out in
 * MARKETPLACES.md, so fields are read leniently (the sandbox plays the first spelling of each):
 * `orderNumber` (or `id` / `orderId`), `status`, `lastStatusUpdateDate` (or `lastModifiedDate`,
 * `orderDate`), lines in `lineItems` (or `items` / `lines`) with `merchantSku` (= our barcode),
 * `quantity` and `price: { amount, currency }` (or a bare number) per unit. The payload is kept whole.
 */
import type { NormalisedOrder } from "../types";
import { isRecord } from "../json";
import { addedUpByBarcode, orderLine } from "../order-lines";

/** Paid orders waiting to be packed or shipped still hold stock for the buyer. */
const RESERVING = new Set(["Open", "Unpacked", "Packed", "ReadyToShip"]);
/** Cancellations give the stock back, whoever cancelled. */
const RELEASING = /^Cancel/i;

export function hepsiburadaOrderStatus(marketplaceStatus: string): NormalisedOrder["status"] {
  if (RESERVING.has(marketplaceStatus)) return "CREATED";
  if (RELEASING.test(marketplaceStatus)) return "CANCELLED";
  return "OTHER";
}

function idOf(value: unknown): string | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  if (typeof value === "string" && value.trim().length > 0) return value.trim();
  return undefined;
}

/** TL decimals (a number, a string, or `{ amount }`) to kuruş. */
function minorUnits(value: unknown): number | undefined {
  const raw = isRecord(value) ? value.amount : value;
  const amount = typeof raw === "string" ? Number(raw) : raw;
  if (typeof amount !== "number" || !Number.isFinite(amount) || amount < 0) return undefined;
  return Math.round(amount * 100);
}

/** ISO with a zone as it is; a zoneless `yyyy-MM-ddTHH:mm[:ss]` (or with a space) is taken at the marketplace's offset. */
export function hepsiburadaTime(value: unknown, offsetMinutes: number): string | undefined {
  if (typeof value === "number") return Number.isFinite(value) && value > 0 ? new Date(value).toISOString() : undefined;
  if (typeof value !== "string" || value.length === 0) return undefined;
  const zoneless = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?)$/.exec(value.trim());
  const ms = zoneless ? Date.parse(`${zoneless[1]}T${zoneless[2]}Z`) - offsetMinutes * 60_000 : Date.parse(value);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}

/** Lines of one SKU are added up: intake takes one line per barcode. A line it cannot read goes on for intake to flag (order-lines.ts). */
function linesOf(raw: Record<string, unknown>): NormalisedOrder["lines"] {
  const lines = raw.lineItems ?? raw.items ?? raw.lines;
  if (!Array.isArray(lines)) return [];
  return addedUpByBarcode(
    lines.map((line) => {
      if (!isRecord(line)) return orderLine(undefined, undefined, undefined);
      const barcode = typeof line.merchantSku === "string" && line.merchantSku.length > 0 ? line.merchantSku : undefined;
      return orderLine(barcode, line.quantity, minorUnits(line.price ?? line.unitPrice) ?? 0);
    }),
  );
}

/**
 * One listed order as a NormalisedOrder, whatever it holds: without an id (or not even an object)
 * it goes on with no id, and without readable lines with what could be read; intake records
 * either NEEDS_ATTENTION. `listedFrom` stands in when it carries no time (the start of the window
 * it was listed in).
 */
export function normaliseHepsiburadaOrder(raw: unknown, offsetMinutes: number, listedFrom: Date): NormalisedOrder {
  const record = isRecord(raw) ? raw : {};
  const externalId = idOf(record.orderNumber) ?? idOf(record.id) ?? idOf(record.orderId);
  const lines = linesOf(record);
  const marketplaceStatus = typeof record.status === "string" || typeof record.status === "number" ? String(record.status) : "";
  const lastModifiedAt =
    hepsiburadaTime(record.lastStatusUpdateDate, offsetMinutes) ??
    hepsiburadaTime(record.lastModifiedDate, offsetMinutes) ??
    hepsiburadaTime(record.orderDate, offsetMinutes) ??
    listedFrom.toISOString();
  // Hepsiburada sells in TL only; "TL" on the wire is our "TRY".
  return { externalId, status: hepsiburadaOrderStatus(marketplaceStatus), marketplaceStatus, lines, currency: "TRY", lastModifiedAt, raw };
}

import { MarketplaceOutcomeUnknown } from "../errors";
import { idText, isRecord } from "../json";
import { minorUnitsOf } from "../money";
import { ordersByLine, type StatusedLine } from "../line-cancellations";
import { orderLine } from "../order-lines";
import type { NormalisedOrder } from "../types";
import { PTTAVM_AWAITING_SHIPMENT, PTTAVM_CANCELLED_LINE, PTTAVM_LINE_PROGRESS, PTTAVM_TIMESTAMP_OFFSET_MINUTES } from "./facts";

/**
 * PttAVM's order search (fixture order-pull): `GET /orders/search?startDate&endDate&isActiveOrders=false`,
 * at most 40 days a call, no paging, answered with a bare array of orders
 * `{ siparisNo, islemTarihi, siparisUrunler: [{ lineItemId, urunBarkod, toplamIslemAdedi,
 * kdvDahilToplamTutar, siparisDurumu }] }`. The status is per line, not per order.
 */

function unreadable(detail: string): MarketplaceOutcomeUnknown {
  return new MarketplaceOutcomeUnknown("PTTAVM", "UNREADABLE_ANSWER", 200, detail);
}

const offsetMs = PTTAVM_TIMESTAMP_OFFSET_MINUTES * 60_000;

/** An instant as the order search takes it: `YYYY-MM-DDTHH:mm:ss`, no zone (see facts.ts). */
export function pttavmTimestamp(ms: number): string {
  return new Date(ms + offsetMs).toISOString().slice(0, 19);
}

/** An answer time to ISO UTC; a time without a zone is read at the same offset the search dates are written in. */
export function instantOf(value: unknown): string | undefined {
  if (typeof value !== "string" || value.trim() === "") return undefined;
  const zoned = /(Z|[+-]\d{2}:?\d{2})$/i.test(value.trim());
  const at = Date.parse(zoned ? value : `${value.trim()}Z`);
  if (Number.isNaN(at)) return undefined;
  return new Date(zoned ? at : at - offsetMs).toISOString();
}

/** A line it cannot read goes on for intake to flag (order-lines.ts), not refused with the whole answer. */
function lineOf(raw: unknown): StatusedLine {
  if (!isRecord(raw)) return { marketplaceStatus: "", cancelled: false, ...orderLine(undefined, undefined, undefined) };
  const quantity = raw.toplamIslemAdedi;
  const total = minorUnitsOf(raw.kdvDahilToplamTutar);
  // kdvDahilToplamTutar is the line total (quantity x unit price incl. VAT); without a usable quantity there is no unit price.
  const unitPrice = total !== undefined && Number.isSafeInteger(quantity) && Number(quantity) > 0 ? Math.round(total / Number(quantity)) : undefined;
  const barcode = typeof raw.urunBarkod === "string" && raw.urunBarkod !== "" ? raw.urunBarkod : undefined;
  const status = typeof raw.siparisDurumu === "string" ? raw.siparisDurumu : "";
  const lineId = idText(raw.lineItemId);
  const progress = PTTAVM_LINE_PROGRESS[status];
  return { marketplaceStatus: status, cancelled: PTTAVM_CANCELLED_LINE.has(status), ...(progress !== undefined && { progress }), ...orderLine(barcode, quantity, unitPrice), ...(lineId !== undefined && { lineId }) };
}

/**
 * The one mapper from a PttAVM order to ours; the raw payload is kept as it came. The order is its
 * siparisNo and its lines keep their lineItemId. Status is per line, so the order is CREATED while
 * a line awaits shipment, else OTHER; a cancelled line (iptal, odeme_gecersiz) is released on its
 * own, once, while the rest stays reserved, and an order whose every line is cancelled ends
 * CANCELLED (line-cancellations.ts: the order comes as one or more packages of its own making).
 * An order it cannot read whole still goes on, so it neither stops the pull nor vanishes: without
 * siparisNo (or not even an object) with no id, without lines with none (OTHER, so it is recorded
 * for intake to flag, not cancelled away), without a readable islemTarihi at `listedFrom`, the
 * start of the window it was listed in.
 */
export function normalisePttavmOrder(raw: unknown, listedFrom: Date): NormalisedOrder[] {
  const record = isRecord(raw) ? raw : {};
  const lines = Array.isArray(record.siparisUrunler) ? record.siparisUrunler.map(lineOf) : [];
  return ordersByLine({
    externalId: idText(record.siparisNo),
    lines,
    liveStatus: lines.some((line) => line.marketplaceStatus === PTTAVM_AWAITING_SHIPMENT) ? "CREATED" : "OTHER",
    currency: "TRY",
    lastModifiedAt: instantOf(record.islemTarihi) ?? listedFrom.toISOString(),
    raw,
  });
}

/** The orders of one window's answer: a bare array, nothing to page. */
export function orderListFrom(body: unknown, listedFrom: Date): NormalisedOrder[] {
  if (!Array.isArray(body)) throw unreadable("the order search answer is not an array");
  return body.flatMap((raw) => normalisePttavmOrder(raw, listedFrom));
}

import { MarketplaceOutcomeUnknown } from "../errors";
import { idText, isRecord } from "../json";
import { minorUnitsOf } from "../money";
import type { NormalisedOrder } from "../types";
import { PTTAVM_AWAITING_SHIPMENT, PTTAVM_CANCELLED_LINE, PTTAVM_TIMESTAMP_OFFSET_MINUTES } from "./facts";

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

interface Line {
  status: string;
  barcode: string;
  quantity: number;
  unitPrice: number;
}

function lineOf(raw: unknown, order: string): Line {
  if (!isRecord(raw)) throw unreadable(`order ${order} has an unreadable line`);
  const quantity = raw.toplamIslemAdedi;
  const total = minorUnitsOf(raw.kdvDahilToplamTutar);
  if (typeof raw.urunBarkod !== "string" || raw.urunBarkod === "" || !Number.isSafeInteger(quantity) || Number(quantity) <= 0 || total === undefined) {
    throw unreadable(`order ${order} has a line without urunBarkod, toplamIslemAdedi or kdvDahilToplamTutar`);
  }
  // kdvDahilToplamTutar is the line total (quantity x unit price incl. VAT).
  const unitPrice = Math.round(total / Number(quantity));
  return { status: typeof raw.siparisDurumu === "string" ? raw.siparisDurumu : "", barcode: raw.urunBarkod, quantity: Number(quantity), unitPrice };
}

/**
 * The one mapper from a PttAVM order to ours; the raw payload is kept as it came. Status is per
 * line, so the order is CREATED while any line awaits shipment (its cancelled lines are left
 * out, they reserve nothing), CANCELLED once every line is cancelled, else OTHER. A line
 * cancelled after the order was taken in keeps its reservation until the order settles: intake
 * keys on the order, and under-selling is the safe side.
 */
export function normalisePttavmOrder(raw: unknown): NormalisedOrder {
  if (!isRecord(raw)) throw unreadable("an order is not an object");
  const id = idText(raw.siparisNo);
  if (id === undefined) throw unreadable("an order has no siparisNo");
  const lastModifiedAt = instantOf(raw.islemTarihi);
  if (!lastModifiedAt) throw unreadable(`order ${id} has no readable islemTarihi`);
  if (!Array.isArray(raw.siparisUrunler) || raw.siparisUrunler.length === 0) throw unreadable(`order ${id} has no siparisUrunler`);
  const lines = raw.siparisUrunler.map((line) => lineOf(line, id));
  const open = lines.filter((line) => !PTTAVM_CANCELLED_LINE.has(line.status));
  const status = lines.some((line) => line.status === PTTAVM_AWAITING_SHIPMENT) ? "CREATED" : open.length === 0 ? "CANCELLED" : "OTHER";
  return {
    externalId: id,
    status,
    marketplaceStatus: [...new Set(lines.map((line) => line.status))].join(","),
    lines: (status === "CREATED" ? open : lines).map(({ barcode, quantity, unitPrice }) => ({ barcode, quantity, unitPrice })),
    currency: "TRY",
    lastModifiedAt,
    raw,
  };
}

/** The orders of one window's answer: a bare array, nothing to page. */
export function orderListFrom(body: unknown): NormalisedOrder[] {
  if (!Array.isArray(body)) throw unreadable("the order search answer is not an array");
  return body.map(normalisePttavmOrder);
}

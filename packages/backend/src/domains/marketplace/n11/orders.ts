import { MarketplaceOutcomeUnknown, MarketplacePageInvalid } from "../errors";
import { minorUnitsOf } from "../money";
import type { MarketplaceProgress, NormalisedOrder } from "../types";
import { idText, isRecord } from "../json";
import { type OrderLine, orderLine } from "../order-lines";
import { totalCountOf, type WalkCount, walkCountOf, walkOn } from "../page-walk";

/**
 * N11's order list (fixture n11/order-pull.json): `GET /rest/delivery/v1/shipmentPackages?status&
 * startDate&endDate&page&size`, one status per request, page from 0, windows of at most 15 days
 * (a wider range returns the last 15), dates epoch ms documented as GMT+3. Answer `{ content:
 * [package], page, size, totalPages }`; a package is `{ id, orderNumber, shipmentPackageStatus,
 * lastModifiedDate, lines: [{ orderLineId, stockCode, quantity, price (TL decimal) }] }`. N11
 * names the line by the seller's stockCode (what price-stock-update sends): it goes on as the line's
 * stockCode, and intake finds the listing by it (its barcode is empty: N11 sends none).
 * An order is its orderNumber; a package is one part of it. N11 splits a package (Picking only)
 * into packages with the same orderNumber and new ids, the lines keeping their orderLineId
 * (magazadestek.n11.com "RestAPI Sipariş Paket Bölme"), and lists the rest of a partly cancelled
 * package under a new package id (fixture n11/order-pull.split.json).
 */

/**
 * Created and Picking (approved, being prepared) still hold stock; Cancelled and UnSupplied release
 * the lines they list. UnPacked (the package a split replaced, or by another page's wording the new
 * parts), Shipped and Delivered are neither: an unknown order in one of them is still taken in.
 * Following the split pages, an UnPacked package holds none of the units it lists (`partition`).
 */
const CREATED = new Set(["CREATED", "PICKING"]);
const CANCELLED = new Set(["CANCELLED", "CANCELED", "UNSUPPLIED"]);
/**
 * N11's package statuses past Created (fixture n11/order-pull.json notes: Created, Picking,
 * Shipped, Delivered, Cancelled, UnPacked, UnSupplied): how far the package has gone.
 */
const PROGRESS: Readonly<Record<string, MarketplaceProgress>> = { PICKING: "PICKING", SHIPPED: "SHIPPED", DELIVERED: "DELIVERED" };

function unreadable(detail: string): MarketplaceOutcomeUnknown {
  return new MarketplaceOutcomeUnknown("N11", "UNREADABLE_ANSWER", 200, detail);
}

/** Epoch ms (N11's usual), "dd-MM-yyyy HH:mm:ss" (Istanbul, UTC+3, as task dates come), or ISO. */
export function n11Instant(value: unknown): string | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return new Date(value).toISOString();
  if (typeof value !== "string" || value.trim() === "") return undefined;
  if (/^\d+$/.test(value)) return new Date(Number(value)).toISOString();
  const local = /^(\d{2})-(\d{2})-(\d{4}) (\d{2}):(\d{2}):(\d{2})$/.exec(value);
  if (local) {
    const [, d, mo, y, h, mi, s] = local;
    return new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}+03:00`).toISOString();
  }
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? undefined : at.toISOString();
}

/**
 * A line it cannot read goes on for intake to flag (order-lines.ts), not refused with the whole page.
 * `orderLineId` stays with the line across the packages of a split, so it names the line.
 */
function lineOf(line: unknown): OrderLine {
  if (!isRecord(line)) return orderLine(undefined, undefined, undefined);
  const read = orderLine(line.barcode, line.quantity, minorUnitsOf(line.price ?? line.unitPrice), line.stockCode ?? line.sellerStockCode);
  const lineId = idText(line.orderLineId);
  return lineId === undefined ? read : { ...read, lineId };
}

/** Line ids only when every line has its own: a package with a missing or repeated one is taken whole. */
function identified(lines: OrderLine[]): OrderLine[] {
  const ids = lines.map((line) => line.lineId);
  if (ids.every((id) => id !== undefined) && new Set(ids).size === ids.length) return lines;
  return lines.map(({ lineId: _id, ...line }) => line);
}

/**
 * The one mapper from an N11 shipment package to ours; the raw payload is kept as it came: the
 * order is its orderNumber (the package id when none came), the package its id. A package it
 * cannot read whole still goes on, so it neither stops the pull nor vanishes: without an id (or
 * not even an object) with no id, for intake to record NEEDS_ATTENTION; without a readable time at
 * `listedFrom`, the start of the window it was listed in.
 */
export function normaliseN11Package(raw: unknown, listedFrom: Date): NormalisedOrder {
  const record = isRecord(raw) ? raw : {};
  const packageId = idText(record.id ?? record.packageId ?? record.shipmentPackageId);
  const externalId = idText(record.orderNumber) ?? packageId;
  const status = record.shipmentPackageStatus ?? record.status;
  const marketplaceStatus = typeof status === "string" ? status : "";
  const key = marketplaceStatus.toUpperCase();
  const lastModifiedAt = n11Instant(record.lastModifiedDate) ?? n11Instant(record.createdDate) ?? listedFrom.toISOString();
  const lines = identified((Array.isArray(record.lines) ? record.lines : []).map(lineOf));
  return {
    externalId,
    ...(packageId !== undefined && { packageId }),
    status: CREATED.has(key) ? "CREATED" : CANCELLED.has(key) ? "CANCELLED" : "OTHER",
    ...(PROGRESS[key] !== undefined && { progress: PROGRESS[key] }),
    // The packages partition the order's lines: a cancelled one and the UnPacked one a split replaced hold none.
    partition: { holds: !CANCELLED.has(key) && key !== "UNPACKED" },
    marketplaceStatus,
    lines,
    currency: "TRY",
    lastModifiedAt,
    raw,
  };
}

/** Where a pull stands: the current sub-window's start, which status of the list, which page, and the walk's count (page-walk.ts). */
export interface N11OrderCursor extends WalkCount {
  from: number;
  status: number;
  page: number;
}

export function encodeN11Cursor(cursor: N11OrderCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString("base64url");
}

const natural = (value: unknown) => Number.isSafeInteger(value) && Number(value) >= 0;

export function decodeN11Cursor(token: string, statusCount: number): N11OrderCursor {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
  } catch {
    value = undefined;
  }
  if (!isRecord(value) || !Number.isSafeInteger(value.from) || !natural(value.page) || !natural(value.status) || Number(value.status) >= statusCount) {
    throw new MarketplacePageInvalid(token, "N11");
  }
  return { from: Number(value.from), status: Number(value.status), page: Number(value.page), ...walkCountOf(value) };
}

/**
 * The packages of one answer, whether another page of the same status and window follows, and the
 * list's total count where the answer carries one (no source shows totalElements: read if present).
 */
export function packagePageFrom(body: unknown, page: number, size: number, listedFrom: Date): { orders: NormalisedOrder[]; more: boolean; total: number | undefined } {
  if (!isRecord(body)) throw unreadable("the package list is not an object");
  const list = body.content ?? [];
  if (!Array.isArray(list)) throw unreadable("content is not an array");
  const orders = list.map((raw) => normaliseN11Package(raw, listedFrom));
  // An empty page is the last (official: read to the page whose content comes back empty).
  const more = orders.length === 0 ? false : typeof body.totalPages === "number" ? page + 1 < body.totalPages : orders.length >= size;
  return { orders, more, total: totalCountOf(body) };
}

/**
 * Next page of this status, else this status walked again when packages may have been skipped
 * (page-walk.ts), else the next status, else the next sub-window, else null.
 */
export function nextN11Cursor(cursor: N11OrderCursor, statusCount: number, subEnd: number, until: number, read: { orders: number; total: number | undefined; more: boolean }): string | null {
  const walk = walkOn(cursor, read, true);
  if (walk.step === "page") return encodeN11Cursor({ from: cursor.from, status: cursor.status, page: cursor.page + 1, ...walk.count });
  if (walk.step === "again") return encodeN11Cursor({ from: cursor.from, status: cursor.status, page: 0, ...walk.count });
  if (cursor.status + 1 < statusCount) return encodeN11Cursor({ from: cursor.from, status: cursor.status + 1, page: 0 });
  return subEnd < until ? encodeN11Cursor({ from: subEnd, status: 0, page: 0 }) : null;
}

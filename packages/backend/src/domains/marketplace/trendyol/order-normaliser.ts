/**
 * The one place that reads Trendyol's order model (a shipment package), for the stream pull and
 * for webhook deliveries alike. Trendyol renamed fields in Dec 2025 (`id` -> `shipmentPackageId`,
 * `line.id` -> `lineId`, `merchantSku` -> `stockCode`, `price` -> `lineUnitPrice`): both spellings
 * are read, the new one first, and the payload is kept whole as `raw`.
 */
import type { MarketplaceProgress, NormalisedOrder } from "../types";
import { isRecord } from "../json";
import { addedUpByBarcode, orderLine } from "../order-lines";

/** Statuses that still hold stock for the buyer: the order must be reserved. */
const RESERVING = new Set(["Created", "Picking", "Invoiced"]);
/**
 * Statuses that give the stock back. A package some of whose units the seller could not supply is
 * listed Cancelled (Trendyol's Cancelled covers unsupplied packages); UnSupplied is kept, being a
 * documented status value too. UnPacked (a split package) releases nothing: its lines live on in the new packages
 * (its `partition.holds` is false, so it does not count as holding them either).
 */
const RELEASING = new Set(["Cancelled", "UnSupplied"]);

function idOf(value: unknown): string | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  if (typeof value === "string" && value.trim().length > 0) return value.trim();
  return undefined;
}

/** Trendyol sends money as decimals in lira; we keep kuruş. */
function minorUnits(value: unknown): number | undefined {
  const amount = typeof value === "string" ? Number(value) : value;
  if (typeof amount !== "number" || !Number.isFinite(amount) || amount < 0) return undefined;
  return Math.round(amount * 100);
}

/** Epoch milliseconds (Trendyol's form) or an ISO string, as ISO. */
function isoTime(value: unknown): string | undefined {
  const ms = typeof value === "number" ? value : typeof value === "string" ? (/^\d+$/.test(value) ? Number(value) : Date.parse(value)) : Number.NaN;
  return Number.isFinite(ms) && ms > 0 ? new Date(ms).toISOString() : undefined;
}

/**
 * How far a package has gone, by Trendyol's package statuses (developers.trendyol.com webhook
 * model and order process flow: Created, Picking, Invoiced, Shipped, AtCollectionPoint, Delivered,
 * UnDelivered, Returned). The carrier, not the seller, moves a package to Shipped; a package at a
 * collection point or not delivered has left the warehouse all the same. Webhooks spell them in
 * capitals with underscores, the pull in PascalCase: both are read.
 */
const PROGRESS: Readonly<Record<string, MarketplaceProgress>> = {
  PICKING: "PICKING",
  INVOICED: "INVOICED",
  SHIPPED: "SHIPPED",
  ATCOLLECTIONPOINT: "SHIPPED",
  UNDELIVERED: "SHIPPED",
  DELIVERED: "DELIVERED",
  RETURNED: "RETURNED",
};

export function trendyolProgress(marketplaceStatus: string): MarketplaceProgress | undefined {
  return PROGRESS[marketplaceStatus.replaceAll("_", "").toUpperCase()];
}

export function trendyolOrderStatus(marketplaceStatus: string): NormalisedOrder["status"] {
  if (RESERVING.has(marketplaceStatus)) return "CREATED";
  if (RELEASING.has(marketplaceStatus)) return "CANCELLED";
  return "OTHER";
}

/**
 * Lines keep their line id (`lineId`, formerly `id`): it is the order line's, and stays with the line
 * when Trendyol moves it to a new package (its split and unsupplied services name lines by it:
 * developers.trendyol.com "Sipariş Paketlerini Bölme"). Only when some line has no id are lines of
 * one barcode added up, as before. A line intake cannot read goes on for it to flag (order-lines.ts).
 */
function linesOf(lines: unknown): NormalisedOrder["lines"] {
  if (!Array.isArray(lines)) return [];
  const read = lines.map((line) => {
    if (!isRecord(line)) return orderLine(undefined, undefined, undefined);
    const barcode = typeof line.barcode === "string" && line.barcode.length > 0 ? line.barcode : undefined;
    const lineId = idOf(line.lineId) ?? idOf(line.id);
    // The line's stock code (formerly merchantSku): a seller whose barcodes differ from ours is matched on it.
    const stockCode = line.stockCode ?? line.merchantSku;
    return { ...orderLine(barcode, line.quantity, minorUnits(line.lineUnitPrice ?? line.price), stockCode), ...(lineId !== undefined && { lineId }) };
  });
  const ids = read.map((line) => line.lineId);
  const identified = ids.every((id) => id !== undefined) && new Set(ids).size === ids.length;
  return identified ? read : addedUpByBarcode(read.map(({ lineId: _id, ...line }) => line));
}

/**
 * One package as a NormalisedOrder, whatever it holds: the order is its `orderNumber` (a partial
 * cancel or an unsupplied line gives the rest of a package a new package id with the same
 * orderNumber), or the package id when no orderNumber came. Without either (or not even an
 * object) it goes on with no id, and without readable lines with what could be read; intake
 * records either NEEDS_ATTENTION. `listedAt` stands in when the package carries no modification
 * time (the start of the window it was listed in, or the time of a webhook delivery).
 */
export function normaliseTrendyolPackage(raw: unknown, listedAt: Date): NormalisedOrder {
  const record = isRecord(raw) ? raw : {};
  const packageId = idOf(record.shipmentPackageId) ?? idOf(record.id);
  const externalId = idOf(record.orderNumber) ?? packageId;
  const lines = linesOf(record.lines);
  const given = record.shipmentPackageStatus ?? record.status;
  const marketplaceStatus = typeof given === "string" || typeof given === "number" ? String(given) : "";
  const lastModifiedAt = isoTime(record.lastModifiedDate) ?? isoTime(record.packageLastModifiedDate) ?? isoTime(record.orderDate) ?? listedAt.toISOString();
  const currency = typeof record.currencyCode === "string" && /^[A-Z]{3}$/.test(record.currencyCode) ? record.currencyCode : "TRY";
  const status = trendyolOrderStatus(marketplaceStatus);
  // A package's lines partition the order: a cancelled one and a split's UnPacked one hold none of them.
  const partition = { holds: status !== "CANCELLED" && marketplaceStatus.toUpperCase() !== "UNPACKED" };
  // agreedDeliveryDate: the seller's deadline to hand the package to the carrier (fixture trendyol/package-read.json notes).
  const dispatchBy = isoTime(record.agreedDeliveryDate);
  const progress = status === "CANCELLED" ? undefined : trendyolProgress(marketplaceStatus);
  return {
    externalId,
    ...(packageId !== undefined && { packageId }),
    status,
    ...(progress !== undefined && { progress }),
    partition,
    marketplaceStatus,
    lines,
    currency,
    lastModifiedAt,
    ...(dispatchBy !== undefined && { dispatchBy }),
    raw,
  };
}

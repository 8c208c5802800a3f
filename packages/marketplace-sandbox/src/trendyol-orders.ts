/**
 * Trendyol orders as the sandbox plays them: shipment packages per seller, listed by
 * getShipmentPackagesStream (`GET .../orders/stream`) as packages/marketplace-fixtures/trendyol/
 * order-pull.json shows it: `lastModifiedStartDate` / `lastModifiedEndDate` (epoch ms, at most 14
 * days; the last 14 days without them), `size` (default 50, at most 200), `packageItemStatuses`,
 * and `nextCursor` (refused when the other filters changed); newest modification first; names it
 * does not know are ignored, like the real service. Packages are written in the Dec 2025 field
 * names unless a test asks for the legacy ones, so the adapter's normaliser meets both.
 */
import { TRENDYOL } from "@pazarsync/backend/src/domains/marketplace/trendyol/facts";
import type { Reply } from "./module";

export type PackageStatus = (typeof TRENDYOL.packageStatuses)[number];
export type FieldNames = "current" | "legacy";

export interface SandboxPackageLine {
  barcode: string;
  /** The seller's stock code on the line; the barcode when the test gives none (a seller whose stock codes are its barcodes). */
  stockCode?: string;
  quantity: number;
  /** Minor units, as tests give it; the payload carries lira decimals like Trendyol. */
  unitPrice: number;
  /**
   * The order line's id (Trendyol's orderLineId): given once when the order is created and kept
   * when the line moves to another package (Trendyol's split and unsupplied services name lines
   * by it across packages: developers.trendyol.com "Sipariş Paketlerini Bölme").
   */
  lineId?: number;
}

/** What Trendyol's unsupplied service names: so many units of an order line the seller cannot supply. */
export interface UnsuppliedLine {
  lineId: number;
  quantity: number;
}

export interface SandboxPackage {
  packageId: number;
  orderNumber: string;
  sellerId: string;
  status: PackageStatus;
  orderDate: number;
  lastModifiedDate: number;
  lines: SandboxPackageLine[];
  fieldNames: FieldNames;
  /** How the package came to be (getShipmentPackages `createdBy`): "cancel" for the rest of a package some of whose units were cancelled. */
  createdBy: "order-creation" | "cancel";
  /** The package this one was made from after a cancellation (`originPackageIds`), null for an order's first package. */
  originPackageIds: number[] | null;
  /** The carrier's number for the package (Trendyol-paid cargo gives every package one; a new package, a new number). */
  cargoTrackingNumber: number;
  /** From an Invoiced status update's params (the payload does not show it; the control state does). */
  invoiceNumber?: string;
  /** From sendInvoiceLink; the payload's `invoiceLink`. */
  invoiceLink?: string;
  /** The unsupplied call's reasonId, on the package it cancelled. */
  unsuppliedReasonId?: number;
}

const DAY_MS = 24 * 3600_000;

const lira = (minor: number) => Math.round(minor) / 100;

/**
 * The package as Trendyol's order model shows it (stream content and webhook body). The sandbox
 * gives no discounts, so a line's gross amount (the unit price before discount) is its unit price.
 */
export function packagePayload(p: SandboxPackage): Record<string, unknown> {
  const legacy = p.fieldNames === "legacy";
  const lines = p.lines.map((line, index) => {
    const lineId = line.lineId ?? p.packageId * 100 + index + 1;
    const unit = lira(line.unitPrice);
    return {
      ...(legacy
        ? { id: lineId, merchantSku: line.stockCode ?? line.barcode, price: unit, amount: unit }
        : // The current model still carries the older `id` beside `lineId`, the same value (getShipmentPackages example).
          { id: lineId, lineId, stockCode: line.stockCode ?? line.barcode, lineUnitPrice: unit, lineGrossAmount: unit }),
      barcode: line.barcode,
      quantity: line.quantity,
      currencyCode: "TRY",
      orderLineItemStatusName: p.status,
    };
  });
  const total = lira(p.lines.reduce((sum, line) => sum + line.unitPrice * line.quantity, 0));
  return {
    ...(legacy ? { id: p.packageId, totalPrice: total, grossAmount: total } : { shipmentPackageId: p.packageId, packageTotalPrice: total, packageGrossAmount: total }),
    orderNumber: p.orderNumber,
    orderDate: p.orderDate,
    status: p.status,
    shipmentPackageStatus: p.status,
    currencyCode: "TRY",
    lastModifiedDate: p.lastModifiedDate,
    cargoTrackingNumber: p.cargoTrackingNumber,
    cargoProviderName: "Trendyol Express",
    // The sandbox's own choice of deadlines: hand over within 2 days, delivered in 5 to 7.
    agreedDeliveryDate: p.orderDate + 2 * DAY_MS,
    estimatedDeliveryStartDate: p.orderDate + 5 * DAY_MS,
    estimatedDeliveryEndDate: p.orderDate + 7 * DAY_MS,
    invoiceLink: p.invoiceLink ?? "",
    createdBy: p.createdBy,
    originPackageIds: p.originPackageIds,
    lines,
  };
}

const failure = (key: string, message: string): Reply => ({ status: 400, body: { errors: [{ key, message }] } });

/** The stream's documented order is newest first; `oldest-first` is for tests written against the older assumption. */
export type StreamOrder = "newest-first" | "oldest-first";

const DEFAULT_PAGE_SIZE = 50;

/** What a stream request asks for; a cursor is only valid with the same filters. */
interface StreamFilters {
  start: number;
  end: number;
  size: number;
  statuses: string;
}

interface StreamCursor {
  filters: StreamFilters;
  /** The (last modification, package id) of the last package handed out. */
  after: [number, number];
}

function encodeCursor(cursor: StreamCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString("base64url");
}

function decodeCursor(text: string): StreamCursor | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
    if (typeof value !== "object" || value === null || !("filters" in value) || !("after" in value)) return undefined;
    const { filters, after } = value as StreamCursor;
    const numbers = [filters?.start, filters?.end, filters?.size, ...(Array.isArray(after) ? after : [Number.NaN])];
    return numbers.length === 5 && numbers.every((n) => Number.isInteger(n)) && typeof filters.statuses === "string" ? { filters, after } : undefined;
  } catch {
    return undefined;
  }
}

const epochMs = (text: string | undefined) => (text !== undefined && /^\d{1,15}$/.test(text) ? Number(text) : undefined);

/** The request's filters, or the refusal the service gives. A cursor's own window stands in for dates left out. */
function filtersOf(query: Record<string, string>, cursor: StreamCursor | undefined, now: number): StreamFilters | Reply {
  for (const name of ["lastModifiedStartDate", "lastModifiedEndDate"] as const) {
    if (query[name] !== undefined && epochMs(query[name]) === undefined) return failure("invalid.date", `${name} must be epoch milliseconds`);
  }
  let start = epochMs(query.lastModifiedStartDate);
  let end = epochMs(query.lastModifiedEndDate);
  if (start === undefined && end === undefined && cursor) ({ start, end } = cursor.filters);
  end ??= start === undefined ? now : start + TRENDYOL.orderWindowMs;
  start ??= end - TRENDYOL.orderWindowMs;
  if (!(end > start)) return failure("invalid.date.range", "lastModifiedEndDate must be after lastModifiedStartDate");
  if (end - start > TRENDYOL.orderWindowMs) return failure("date.range.exceeded", "En fazla 14 günlük aralık sorgulanabilir");
  const size = query.size === undefined ? (cursor?.filters.size ?? DEFAULT_PAGE_SIZE) : Number(query.size);
  if (!Number.isInteger(size) || size < 1 || size > TRENDYOL.orderPageSize) return failure("invalid.size", `size must be 1..${TRENDYOL.orderPageSize}`);
  const statuses = query.packageItemStatuses ?? cursor?.filters.statuses ?? "";
  return { start, end, size, statuses };
}

const sameFilters = (a: StreamFilters, b: StreamFilters) => a.start === b.start && a.end === b.end && a.size === b.size && a.statuses === b.statuses;

const byModification = (a: SandboxPackage, b: SandboxPackage) => a.lastModifiedDate - b.lastModifiedDate || a.packageId - b.packageId;

export class TrendyolOrderBook {
  private readonly packages = new Map<number, SandboxPackage>();
  private nextId = 3_000_000_001;

  constructor(private readonly order: StreamOrder = "newest-first") {}

  create(sellerId: string, lines: SandboxPackageLine[], now: number, options: { orderNumber?: string; fieldNames?: FieldNames } = {}): SandboxPackage {
    const packageId = this.nextId++;
    const created: SandboxPackage = {
      packageId,
      orderNumber: options.orderNumber ?? String(packageId - 1_000_000_000),
      sellerId,
      status: "Created",
      orderDate: now,
      lastModifiedDate: now,
      lines: lines.map((line, index) => ({ ...line, lineId: line.lineId ?? packageId * 100 + index + 1 })),
      fieldNames: options.fieldNames ?? "current",
      createdBy: "order-creation",
      originPackageIds: null,
      cargoTrackingNumber: 7_280_000_000_000 + packageId,
    };
    this.packages.set(packageId, created);
    return created;
  }

  /**
   * The seller cannot supply these units (`PUT .../shipment-packages/{id}/items/unsupplied`), as
   * packages/marketplace-fixtures/trendyol/order-pull.unsupplied.json shows it: the package becomes
   * Cancelled (Trendyol's Cancelled covers unsupplied packages) holding the named units, and the
   * rest of it gets a NEW package id with the same orderNumber, createdBy "cancel" and
   * originPackageIds naming the old one. That the cancelled package names only the units given up
   * and that the rest keeps the line ids is what intake assumes; no source confirms either. Answers
   * a refusal text when the package or a line does not allow it.
   */
  unsupply(sellerId: string, packageId: number, named: readonly UnsuppliedLine[], now: number): { unsupplied: SandboxPackage; rest?: SandboxPackage } | string {
    const found = this.find(sellerId, packageId);
    if (!found) return `No package ${packageId}`;
    if (!["Created", "Picking", "Invoiced"].includes(found.status)) return `A ${found.status} package cannot be unsupplied`;
    const asked = new Map<number, number>();
    for (const line of named) asked.set(line.lineId, (asked.get(line.lineId) ?? 0) + line.quantity);
    for (const [lineId, quantity] of asked) {
      const line = found.lines.find((l) => l.lineId === lineId);
      if (!line || quantity > line.quantity) return `Line ${lineId} does not hold ${quantity} units`;
    }
    const rest = found.lines.flatMap((line) => {
      const left = line.quantity - (asked.get(line.lineId ?? -1) ?? 0);
      return left > 0 ? [{ ...line, quantity: left }] : [];
    });
    found.lines = found.lines.flatMap((line) => {
      const quantity = asked.get(line.lineId ?? -1);
      return quantity ? [{ ...line, quantity }] : [];
    });
    found.status = "Cancelled";
    found.lastModifiedDate = Math.max(now, found.lastModifiedDate + 1);
    if (rest.length === 0) return { unsupplied: found };
    // Made after the old package is cancelled: the newer of the two in the stream.
    const next = this.create(sellerId, rest, found.lastModifiedDate + 1, { orderNumber: found.orderNumber, fieldNames: found.fieldNames });
    next.orderDate = found.orderDate;
    next.createdBy = "cancel";
    next.originPackageIds = [found.packageId];
    return { unsupplied: found, rest: next };
  }

  find(sellerId: string, packageId: number): SandboxPackage | undefined {
    const found = this.packages.get(packageId);
    return found?.sellerId === sellerId ? found : undefined;
  }

  /** A status change is a modification: the package moves to the newest end of the stream. */
  setStatus(sellerId: string, packageId: number, status: PackageStatus, now: number): SandboxPackage | undefined {
    const found = this.find(sellerId, packageId);
    if (!found) return undefined;
    found.status = status;
    found.lastModifiedDate = Math.max(now, found.lastModifiedDate + 1);
    return found;
  }

  /** Every package of one order, newest modification first (getShipmentPackages by orderNumber). */
  ofOrder(sellerId: string, orderNumber: string): SandboxPackage[] {
    return this.of(sellerId)
      .filter((p) => p.orderNumber === orderNumber)
      .reverse();
  }

  /** The seller's packages, oldest modification first. */
  of(sellerId: string): SandboxPackage[] {
    return [...this.packages.values()].filter((p) => p.sellerId === sellerId).sort(byModification);
  }

  /** GET .../orders/stream, as the fixture shows it (see the file's comment). */
  stream(sellerId: string, query: Record<string, string>, now: number): { reply: Reply; itemCount: number } {
    const cursor = query.nextCursor === undefined ? undefined : decodeCursor(query.nextCursor);
    if (query.nextCursor !== undefined && !cursor) return { reply: failure("invalid.next.cursor", "Invalid nextCursor value"), itemCount: 0 };
    const filters = filtersOf(query, cursor, now);
    if ("status" in filters) return { reply: filters, itemCount: 0 };
    if (cursor && !sameFilters(cursor.filters, filters)) return { reply: failure("cursor.filter.mismatch", "The filters differ from the ones the cursor was issued for"), itemCount: 0 };
    const statuses = new Set(filters.statuses.split(",").filter((s) => s.length > 0));
    const newestFirst = this.order === "newest-first";
    const sorted = this.of(sellerId);
    if (newestFirst) sorted.reverse();
    const beyond = (p: SandboxPackage) => {
      if (!cursor) return true;
      const [modified, id] = cursor.after;
      const compared = p.lastModifiedDate - modified || p.packageId - id;
      return newestFirst ? compared < 0 : compared > 0;
    };
    const listed = sorted.filter(
      (p) => p.lastModifiedDate >= filters.start && p.lastModifiedDate <= filters.end && (statuses.size === 0 || statuses.has(p.status)) && beyond(p),
    );
    const content = listed.slice(0, filters.size);
    const hasMore = listed.length > filters.size;
    const last = content.at(-1);
    const nextCursor = hasMore && last ? encodeCursor({ filters, after: [last.lastModifiedDate, last.packageId] }) : null;
    return { reply: { status: 200, body: { content: content.map(packagePayload), hasMore, nextCursor, size: filters.size } }, itemCount: content.length };
  }
}

/**
 * Trendyol orders as the sandbox plays them: shipment packages per seller, listed by the cursor
 * stream (`GET .../orders/stream`, windows of at most 14 days on the last modification, oldest
 * first, `nextCursor` / `hasMore`). Packages are written in the Dec 2025 field names unless a
 * test asks for the legacy ones, so the adapter's normaliser meets both.
 */
import { TRENDYOL } from "../trendyol/facts";
import type { Reply } from "./module";

export type PackageStatus = (typeof TRENDYOL.packageStatuses)[number];
export type FieldNames = "current" | "legacy";

export interface SandboxPackageLine {
  barcode: string;
  quantity: number;
  /** Minor units, as tests give it; the payload carries lira decimals like Trendyol. */
  unitPrice: number;
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
}

const lira = (minor: number) => Math.round(minor) / 100;

/** The package as Trendyol's order model shows it (stream content and webhook body). */
export function packagePayload(p: SandboxPackage): Record<string, unknown> {
  const legacy = p.fieldNames === "legacy";
  const lines = p.lines.map((line, index) => {
    const lineId = p.packageId * 100 + index + 1;
    return {
      ...(legacy ? { id: lineId, merchantSku: line.barcode, price: lira(line.unitPrice) } : { lineId, stockCode: line.barcode, lineUnitPrice: lira(line.unitPrice) }),
      barcode: line.barcode,
      quantity: line.quantity,
      currencyCode: "TRY",
      orderLineItemStatusName: p.status,
    };
  });
  return {
    ...(legacy ? { id: p.packageId } : { shipmentPackageId: p.packageId }),
    orderNumber: p.orderNumber,
    orderDate: p.orderDate,
    status: p.status,
    shipmentPackageStatus: p.status,
    currencyCode: "TRY",
    totalPrice: lira(p.lines.reduce((sum, line) => sum + line.unitPrice * line.quantity, 0)),
    lastModifiedDate: p.lastModifiedDate,
    lines,
  };
}

const failure = (key: string, message: string): Reply => ({ status: 400, body: { errors: [{ key, message }] } });

/** The stream's cursor: the (last modification, package id) of the last package handed out. */
function encodeCursor(p: SandboxPackage): string {
  return Buffer.from(`${p.lastModifiedDate}:${p.packageId}`).toString("base64url");
}

function decodeCursor(cursor: string): [number, number] | undefined {
  const match = /^(\d+):(\d+)$/.exec(Buffer.from(cursor, "base64url").toString("utf8"));
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

const byModification = (a: SandboxPackage, b: SandboxPackage) => a.lastModifiedDate - b.lastModifiedDate || a.packageId - b.packageId;

export class TrendyolOrderBook {
  private readonly packages = new Map<number, SandboxPackage>();
  private nextId = 3_000_000_001;

  create(sellerId: string, lines: SandboxPackageLine[], now: number, options: { orderNumber?: string; fieldNames?: FieldNames } = {}): SandboxPackage {
    const packageId = this.nextId++;
    const created: SandboxPackage = {
      packageId,
      orderNumber: options.orderNumber ?? String(packageId - 1_000_000_000),
      sellerId,
      status: "Created",
      orderDate: now,
      lastModifiedDate: now,
      lines,
      fieldNames: options.fieldNames ?? "current",
    };
    this.packages.set(packageId, created);
    return created;
  }

  find(sellerId: string, packageId: number): SandboxPackage | undefined {
    const found = this.packages.get(packageId);
    return found?.sellerId === sellerId ? found : undefined;
  }

  /** A status change is a modification: the package moves to the end of the stream. */
  setStatus(sellerId: string, packageId: number, status: PackageStatus, now: number): SandboxPackage | undefined {
    const found = this.find(sellerId, packageId);
    if (!found) return undefined;
    found.status = status;
    found.lastModifiedDate = Math.max(now, found.lastModifiedDate + 1);
    return found;
  }

  of(sellerId: string): SandboxPackage[] {
    return [...this.packages.values()].filter((p) => p.sellerId === sellerId).sort(byModification);
  }

  /** GET .../orders/stream: startDate and endDate (epoch ms) are required and at most 14 days apart. */
  stream(sellerId: string, query: Record<string, string>): { reply: Reply; itemCount: number } {
    const start = Number(query.startDate);
    const end = Number(query.endDate);
    if (!/^\d+$/.test(query.startDate ?? "") || !/^\d+$/.test(query.endDate ?? "") || !(end > start)) {
      return { reply: failure("invalid.date.range", "startDate and endDate are required epoch milliseconds, endDate after startDate"), itemCount: 0 };
    }
    if (end - start > TRENDYOL.orderWindowMs) return { reply: failure("date.range.exceeded", "En fazla 14 günlük aralık sorgulanabilir"), itemCount: 0 };
    const size = query.size === undefined ? 50 : Number(query.size);
    if (!Number.isInteger(size) || size < 1 || size > TRENDYOL.orderPageSize) return { reply: failure("invalid.size", `size must be 1..${TRENDYOL.orderPageSize}`), itemCount: 0 };
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    if (query.cursor !== undefined && !after) return { reply: failure("invalid.cursor", "The cursor is not valid"), itemCount: 0 };
    const listed = this.of(sellerId).filter(
      (p) =>
        p.lastModifiedDate >= start &&
        p.lastModifiedDate < end &&
        (!after || p.lastModifiedDate > after[0] || (p.lastModifiedDate === after[0] && p.packageId > after[1])),
    );
    const content = listed.slice(0, size);
    const hasMore = listed.length > size;
    const last = content.at(-1);
    return {
      reply: { status: 200, body: { content: content.map(packagePayload), size, hasMore, nextCursor: hasMore && last ? encodeCursor(last) : null } },
      itemCount: content.length,
    };
  }
}

/**
 * Trendyol's way-back endpoints as the sandbox plays them, after the gateway's auth, User-Agent
 * and 50-per-10-s checks (trendyol-routes.ts), each as its fixture in
 * packages/marketplace-fixtures/trendyol shows it:
 *   PUT  .../shipment-packages/{id}                 {lines, params, status}: Created -> Picking -> Invoiced only,
 *                                                   anything else 400 (package-status-*.json); the invoice number is kept
 *   PUT  .../shipment-packages/{id}/items/unsupplied {lines, reasonId 500-506}: the split of the control route `unsupplied`
 *   POST /integration/sellers/{id}/seller-invoice-links {invoiceLink, shipmentPackageId}: 201; 409 when the package has a
 *                                                   link or the link belongs to another package
 *   GET  .../orders?orderNumber=                    the order's packages, paged like getShipmentPackages (package-read.json)
 *   GET  .../claims, PUT .../claims/{id}/items/approve, POST .../claims/{id}/issue  (trendyol-claims.ts)
 *   POST|GET /integration/sellers/{id}/common-label/{cargoTrackingNumber}  a ZPL label for a package
 * Each endpoint also keeps its per-minute quota (Servis Limitleri, lowest tier), scaled like the
 * other windows, and every call naming an order is counted per kind for the control state.
 */
import { TRENDYOL_COMMANDS } from "@pazarsync/backend/src/domains/marketplace/trendyol/facts";
import type { Reply } from "./module";
import type { SandboxState } from "./state";
import { packagePayload, type SandboxPackage } from "./trendyol-orders";

export type CommandCallKind = "PICKING" | "INVOICED" | "STATUS_OTHER" | "UNSUPPLIED" | "INVOICE_LINK" | "CLAIM_APPROVE" | "CLAIM_ISSUE" | "COMMON_LABEL";

const refused = (key: string, message: string): Reply => ({ status: 400, body: { errors: [{ key, message }] } });
const tooMany = (): Reply => ({ status: 429, body: { errors: [{ key: "too.many.requests", message: "too.many.requests" }] } });
const PAGE_SIZE = 50;
const NEXT: Record<string, string> = { Created: "Picking", Picking: "Invoiced" };
const REASON_IDS = [500, 501, 502, 504, 505, 506];

function json(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** `lines: [{lineId, quantity}]` naming units the package holds; a string is the refusal. */
function namedLines(pkg: SandboxPackage, lines: unknown): { lineId: number; quantity: number }[] | string {
  if (!Array.isArray(lines) || lines.length === 0) return "lines must name the package's lines";
  const named: { lineId: number; quantity: number }[] = [];
  for (const line of lines) {
    const { lineId, quantity } = (line ?? {}) as { lineId?: unknown; quantity?: unknown };
    if (!Number.isInteger(lineId) || !Number.isInteger(quantity) || (quantity as number) < 1) return "every line needs a lineId (long) and a quantity (int)";
    const held = pkg.lines.find((l) => l.lineId === lineId);
    if (!held || (quantity as number) > held.quantity) return `Line ${String(lineId)} does not hold ${String(quantity)} units`;
    named.push({ lineId: lineId as number, quantity: quantity as number });
  }
  return named;
}

export class TrendyolCommandCalls {
  private readonly counts = new Map<string, Partial<Record<CommandCallKind, number>>>();

  count(sellerId: string, orderNumber: string, kind: CommandCallKind): void {
    const key = `${sellerId}:${orderNumber}`;
    const counts = this.counts.get(key) ?? {};
    counts[kind] = (counts[kind] ?? 0) + 1;
    this.counts.set(key, counts);
  }

  of(sellerId: string, orderNumber: string): Partial<Record<CommandCallKind, number>> {
    return { ...this.counts.get(`${sellerId}:${orderNumber}`) };
  }
}

/** The per-minute quota of one way-back endpoint (false: 429). */
export function withinQuota(state: SandboxState, sellerId: string, endpoint: keyof typeof TRENDYOL_COMMANDS.perMinute, now: number): boolean {
  return state.takeRateSlot(`${sellerId}:${endpoint}:minute`, now, TRENDYOL_COMMANDS.perMinute[endpoint], 60_000);
}

function told(state: SandboxState, changed: SandboxPackage): void {
  state.trendyolWebhooks.notify(changed.sellerId, changed.packageId, changed.status, packagePayload(changed));
}

/** PUT .../shipment-packages/{id}: Picking then Invoiced, nothing else, never twice. */
export function updatePackageStatus(state: SandboxState, sellerId: string, packageId: number, text: string, now: number): Reply {
  if (!withinQuota(state, sellerId, "packageStatus", now)) return tooMany();
  const pkg = state.trendyolOrders.find(sellerId, packageId);
  if (!pkg) return refused("shipment.package.not.found", `No package ${packageId}`);
  const body = json(text);
  const status = body?.status;
  state.trendyolCommandCalls.count(sellerId, pkg.orderNumber, status === "Invoiced" ? "INVOICED" : status === "Picking" ? "PICKING" : "STATUS_OTHER");
  if (status !== "Picking" && status !== "Invoiced") return refused("invalid.status", "status must be Picking or Invoiced");
  if (NEXT[pkg.status] !== status) return refused("invalid.status.transition", `A ${pkg.status} package cannot become ${status} (first Picking, then Invoiced)`);
  const lines = namedLines(pkg, body?.lines);
  if (typeof lines === "string") return refused("invalid.lines", lines);
  const params = (body?.params ?? {}) as Record<string, unknown>;
  const changed = state.trendyolOrders.setStatus(sellerId, packageId, status, now);
  if (changed && status === "Invoiced" && typeof params.invoiceNumber === "string") changed.invoiceNumber = params.invoiceNumber;
  if (changed) told(state, changed);
  return { status: 200 };
}

/** PUT .../shipment-packages/{id}/items/unsupplied: the package is cancelled with these units, the rest gets a new package. */
export function unsupplied(state: SandboxState, sellerId: string, packageId: number, text: string, now: number): Reply {
  if (!withinQuota(state, sellerId, "unsupplied", now)) return tooMany();
  const pkg = state.trendyolOrders.find(sellerId, packageId);
  if (!pkg) return refused("shipment.package.not.found", `No package ${packageId}`);
  state.trendyolCommandCalls.count(sellerId, pkg.orderNumber, "UNSUPPLIED");
  const body = json(text);
  if (!REASON_IDS.includes(Number(body?.reasonId))) return refused("invalid.reason", `reasonId must be one of ${REASON_IDS.join(", ")}`);
  const lines = namedLines(pkg, body?.lines);
  if (typeof lines === "string") return refused("invalid.lines", lines);
  const split = state.trendyolOrders.unsupply(sellerId, packageId, lines, now);
  if (typeof split === "string") return refused("package.not.unsuppliable", split);
  split.unsupplied.unsuppliedReasonId = Number(body?.reasonId);
  told(state, split.unsupplied);
  if (split.rest) told(state, split.rest);
  return { status: 200 };
}

/** POST /integration/sellers/{id}/seller-invoice-links. */
export function invoiceLink(state: SandboxState, sellerId: string, text: string): Reply {
  const body = json(text);
  const link = body?.invoiceLink;
  const pkg = Number.isInteger(body?.shipmentPackageId) ? state.trendyolOrders.find(sellerId, body?.shipmentPackageId as number) : undefined;
  if (typeof link !== "string" || !/^https?:\/\//.test(link) || !pkg) return refused("invalid.request", "invoiceLink and a shipmentPackageId of yours are required");
  state.trendyolCommandCalls.count(sellerId, pkg.orderNumber, "INVOICE_LINK");
  const usedElsewhere = state.trendyolOrders.of(sellerId).some((p) => p.packageId !== pkg.packageId && p.invoiceLink === link);
  if (pkg.invoiceLink !== undefined || usedElsewhere) return { status: 409 };
  pkg.invoiceLink = link;
  return { status: 201 };
}

/** GET .../orders (getShipmentPackages): `orderNumber` narrows to one order; paged from 0. */
export function packagesOf(state: SandboxState, sellerId: string, query: Record<string, string>): Reply {
  const page = query.page === undefined ? 0 : Number(query.page);
  const size = query.size === undefined ? PAGE_SIZE : Number(query.size);
  if (!Number.isInteger(page) || page < 0 || !Number.isInteger(size) || size < 1 || size > 200) return refused("invalid.paging", "page from 0, size 1..200");
  const all = query.orderNumber === undefined ? state.trendyolOrders.of(sellerId).reverse() : state.trendyolOrders.ofOrder(sellerId, query.orderNumber);
  const content = all.slice(page * size, page * size + size).map(packagePayload);
  return { status: 200, body: { totalElements: all.length, totalPages: Math.ceil(all.length / size), page, size, content } };
}

/** POST (request) and GET (fetch) of a package's common label, keyed by its cargo tracking number. */
export function commonLabel(state: SandboxState, sellerId: string, method: string, tracking: string, now: number): Reply {
  if (!withinQuota(state, sellerId, "commonLabel", now)) return tooMany();
  const pkg = state.trendyolOrders.of(sellerId).find((p) => String(p.cargoTrackingNumber) === tracking);
  if (!pkg) return refused("invalid.cargo.tracking.number", "İletmiş olduğunuz cargoTrackingNumber değerini kontrol ediniz");
  if (method === "POST") {
    state.trendyolCommandCalls.count(sellerId, pkg.orderNumber, "COMMON_LABEL");
    return { status: 200 };
  }
  return { status: 200, body: { data: [{ label: `^XA^FO50,50^FD${tracking}^FS^XZ`, format: "ZPL" }] } };
}

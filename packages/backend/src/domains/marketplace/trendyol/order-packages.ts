/**
 * One order's shipment packages as Trendyol shows them now: getShipmentPackages filtered by
 * `orderNumber` (fixture trendyol/package-read.json). Observe and the common label read it; the
 * order pull keeps using the stream. An unsupplied call or a split leaves the old package
 * Cancelled / UnPacked and gives the rest a new package id under the same order number, so every
 * package of the order is read and the live one is picked by the lines it holds.
 */
import { MarketplaceOutcomeUnknown } from "../errors";
import { isRecord } from "../json";
import { trendyolPaths } from "./facts";
import { trendyolRequest, type TrendyolTransport } from "./http";

export interface ShownPackage {
  packageId: string;
  status: string;
  lines: { lineId: string; quantity: number }[];
  /** The seller invoice link Trendyol holds for the package (sendInvoiceLink), empty when none. */
  invoiceLink: string;
  cargoTrackingNumber?: string;
}

/** Statuses in which a package still holds its lines for the seller to work on. */
export const LIVE_STATUSES = new Set(["Created", "Picking", "Invoiced"]);
/** Statuses a package leaves for good when it is cancelled, unsupplied or split into new packages. */
export const REPLACED_STATUSES = new Set(["Cancelled", "UnSupplied", "UnPacked"]);

/** Ids come as JSON numbers (long) or strings; kept as text. */
export function idText(value: unknown): string | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  if (typeof value === "string" && value.trim().length > 0) return value.trim();
  return undefined;
}

function shownPackage(raw: unknown): ShownPackage | undefined {
  if (!isRecord(raw)) return undefined;
  const packageId = idText(raw.shipmentPackageId) ?? idText(raw.id);
  const status = raw.shipmentPackageStatus ?? raw.status;
  if (packageId === undefined || typeof status !== "string") return undefined;
  const lines = (Array.isArray(raw.lines) ? raw.lines : []).flatMap((line) => {
    if (!isRecord(line)) return [];
    const lineId = idText(line.lineId) ?? idText(line.id);
    return lineId !== undefined && typeof line.quantity === "number" ? [{ lineId, quantity: line.quantity }] : [];
  });
  const tracking = idText(raw.cargoTrackingNumber);
  return {
    packageId,
    status,
    lines,
    invoiceLink: typeof raw.invoiceLink === "string" ? raw.invoiceLink : "",
    ...(tracking !== undefined && { cargoTrackingNumber: tracking }),
  };
}

/** Every package Trendyol lists for the order number (empty when it lists none: not proof of anything). */
export async function readOrderPackages(transport: TrendyolTransport, sellerId: string, orderNumber: string): Promise<ShownPackage[]> {
  const { status, body } = await trendyolRequest(transport, {
    method: "GET",
    path: `${trendyolPaths.orders(sellerId)}?${new URLSearchParams({ orderNumber }).toString()}`,
    callType: "GET_ORDERS",
    itemCount: 0,
  });
  if (!isRecord(body) || !Array.isArray(body.content)) {
    throw new MarketplaceOutcomeUnknown("TRENDYOL", "UNREADABLE_ANSWER", status, "the package list has no content");
  }
  return body.content.flatMap((raw) => shownPackage(raw) ?? []);
}

/**
 * The package a command is about: the one it names when listed, else the live package holding
 * one of its lines (the rest of a package after an unsupplied call), else undefined.
 */
export function packageFor(packages: readonly ShownPackage[], packageId: string | undefined, lineIds: readonly string[]): ShownPackage | undefined {
  const named = packageId === undefined ? undefined : packages.find((p) => p.packageId === packageId);
  if (named) return named;
  return packages.find((p) => LIVE_STATUSES.has(p.status) && p.lines.some((line) => lineIds.includes(line.lineId)));
}

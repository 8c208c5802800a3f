/**
 * Hepsiburada's packages list (`GET /packages/merchantid/{id}`, fixture hepsiburada/packages-list):
 * a bare array of packages packed and not yet shipped, each `{ id, packageNumber, status,
 * orderDate, items: [{ lineItemId, orderNumber, merchantSku, hbSku, quantity, price {amount,
 * currency}, orderDate, ... }] }`. A packed line has left the open list but is not shipped: it still
 * holds stock. So each package is a CREATED delivery per order number it holds, named
 * `package:{packageNumber}`, its lines by line id: a line the order holds already (read from the
 * open list first) reserves nothing again, a line first seen here is taken in and reserved once.
 */
import { isRecord } from "../json";
import type { MarketplaceProgress, NormalisedOrder } from "../types";
import { groupLines, hepsiburadaTime, idOf, type LineGroups, minorUnits, orderOf, type ReadLine, readLine, text } from "./order-normaliser";

/** A package line; its unit price is `price` (the total is `totalPrice`). */
function readPackageLine(raw: unknown, offsetMinutes: number, packageDate: unknown, packageDue: unknown): ReadLine {
  const record = isRecord(raw) ? raw : {};
  const at = hepsiburadaTime(record.orderDate, offsetMinutes) ?? hepsiburadaTime(packageDate, offsetMinutes);
  // The package carries the dueDate ("Paketin tahmini kargoya veriliş tarihi"), its lines do not.
  return readLine(raw, record.merchantSku ?? record.merchantSKU, minorUnits(record.price), at, record.lineItemId, hepsiburadaTime(packageDue, offsetMinutes));
}

/**
 * A package's status as progress: packing is our PICK (the packing call makes the package), in
 * transit and not delivered have left the warehouse (fixture hepsiburada/package-detail: Packaged,
 * InTransit, Delivered, Undelivered). The packages list shows Packaged packages only.
 */
const HEPSIBURADA_PACKAGE_PROGRESS: Readonly<Record<string, MarketplaceProgress>> = { PACKAGED: "PICKING", INTRANSIT: "SHIPPED", UNDELIVERED: "SHIPPED", DELIVERED: "DELIVERED" };

/** The package's name as a package of its orders. */
export function packagePackageOf(raw: unknown): string {
  const record = isRecord(raw) ? raw : {};
  return `package:${idOf(record.packageNumber) ?? idOf(record.id) ?? "unnumbered"}`;
}

/** Every listed package as deliveries, one per order number its lines name (a line naming none goes on alone). */
export function packageOrdersOf(packages: readonly unknown[], offsetMinutes: number, window: { from: Date; to: Date }): NormalisedOrder[] {
  return packages.flatMap((raw) => {
    const record = isRecord(raw) ? raw : {};
    const items = Array.isArray(record.items) ? record.items : [];
    const groups: LineGroups = new Map();
    groupLines(
      groups,
      items.map((item) => readPackageLine(item, offsetMinutes, record.orderDate, record.dueDate)),
    );
    const marketplaceStatus = text(record.status) ?? "Packaged";
    const progress = HEPSIBURADA_PACKAGE_PROGRESS[marketplaceStatus.toUpperCase()];
    const kind = { status: "CREATED" as const, packageId: packagePackageOf(raw), marketplaceStatus, ...(progress !== undefined && { progress }) };
    return [...groups.values()].map((group) => orderOf(group, kind, window));
  });
}

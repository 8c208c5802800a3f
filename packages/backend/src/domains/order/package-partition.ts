/**
 * Trendyol's and N11's packages partition an order's lines: units given up (unsupplied, cancelled
 * in part, a split) leave the old package Cancelled (or UnPacked) and the rest comes back in new
 * packages of the same order number, listing the same line ids with what remains. No source says
 * whether the cancelled package lists only the units given up or every unit it held, nor which of
 * the packages is read first. So the order follows what its live packages list, either way:
 * - a cancelled package releases of each line it names no more than the order holds beyond what
 *   its other live packages list (never below zero): units still in a new package stay held;
 * - a live package listing units the order released has them back: a line holds
 *   min(its quantity, its units over the live packages), reserved again where the order holds
 *   stock (OVERSOLD when short, as at intake). A package listing a line's units twice (the old one
 *   not yet read as cancelled) never makes the line hold more than it was ordered.
 * Units staff gave up (unsupply.ts, noted on the package that held them as `givenUp`) were
 * released then: a package listing them, live or cancelled, neither holds nor releases them again.
 * A package is live when it is not cancelled and the marketplace says it holds its units (an
 * UnPacked package a split replaced does not). A package recorded before its lines were kept, or
 * from another marketplace, lists nothing.
 * An order every unit of which was cancelled by its packages is CANCELLED; a live package listing
 * its units afterwards (the cancelled package read first, listing every unit it held) takes it in
 * again, the one way out of CANCELLED.
 */
import type { Orders } from "@pazarsync/shared";
import type { Transaction } from "../inventory/service";
import { type MarketplaceReservation, type ReservingStore, reserveMarketplaceLines, stillOpen, takeInWhenClear } from "./marketplace-reservation";
import type { MarketplaceLine } from "./order-examination";
import * as repo from "./repository";
import type { MarketplacePackage, PackageLine } from "./schema";
import type { OrderContext } from "./service";
import { attentionLineFields } from "./views";

/** What a partition delivery records on its package: its lines (only when every one has an id) and whether it holds them. */
export function partitionOf(lines: readonly MarketplaceLine[], partition: { holds: boolean } | undefined): { lines?: PackageLine[]; holds?: boolean } {
  if (!partition) return {};
  const listed = lines.flatMap((line) => (line.lineId !== undefined && Number.isSafeInteger(line.quantity) && line.quantity > 0 ? [{ lineId: line.lineId, quantity: line.quantity }] : []));
  return listed.length === lines.length ? { lines: listed, holds: partition.holds } : { holds: partition.holds };
}

const isLive = (p: MarketplacePackage) => !p.cancelled && p.holds === true;

/** Units per line id staff gave up (unsupply.ts), over every package: released then, never held again. */
export function givenUpUnits(packages: readonly MarketplacePackage[] | null): Map<string, number> {
  const units = new Map<string, number>();
  for (const p of packages ?? []) for (const line of p.givenUp ?? []) units.set(line.lineId, (units.get(line.lineId) ?? 0) + line.quantity);
  return units;
}

/** Units per line id over the live packages (less what staff gave up of each), leaving out one package (the one being cancelled). */
export function liveUnits(packages: readonly MarketplacePackage[] | null, except?: string): Map<string, number> {
  const units = new Map<string, number>();
  for (const p of packages ?? []) {
    if (p.packageId === except || !isLive(p)) continue;
    const gone = new Map((p.givenUp ?? []).map((line) => [line.lineId, line.quantity]));
    for (const line of p.lines ?? []) units.set(line.lineId, (units.get(line.lineId) ?? 0) + Math.max(0, line.quantity - (gone.get(line.lineId) ?? 0)));
  }
  return units;
}

/** Statuses in which a line's units listed again are taken back on the order (reserved only where it holds stock). */
const REOPENING: ReadonlySet<Orders.OrderStatus> = new Set(["CREATED", "CONFIRMED", "PICKING", "INVOICED", "OVERSOLD", "NEEDS_ATTENTION"]);

interface Restorable {
  items: { lineNo: number; productId: string; units: number }[];
  attention: { lineNo: number; units: number }[];
  /** A CANCELLED order (every unit cancelled by its packages) a live package lists units of. */
  revive: boolean;
}

/** Cancelled units the order's live packages list again; undefined when there are none it may take back. */
export function restorable(status: Orders.OrderStatus, packages: readonly MarketplacePackage[] | null, items: readonly repo.ItemRow[], attention: readonly repo.AttentionLineRow[]): Restorable | undefined {
  const everyUnitCancelled = !items.some(stillOpen) && !attention.some((line) => stillOpen({ quantity: attentionLineFields(line).quantity, cancelledQuantity: line.cancelledQuantity }));
  // Cancelled by its packages, not by staff or as a whole (which cancel no unit line by line).
  const revive = status === "CANCELLED" && items.length + attention.length > 0 && everyUnitCancelled;
  if (!REOPENING.has(status) && !revive) return undefined;
  const live = liveUnits(packages);
  const gone = givenUpUnits(packages);
  const back = (lineId: string | undefined, quantity: number, cancelled: number) => {
    const listed = lineId === undefined ? undefined : live.get(lineId);
    // Units staff gave up stay given up, even while the old package still lists them beside the new one.
    const most = quantity - (lineId === undefined ? 0 : (gone.get(lineId) ?? 0));
    return listed === undefined ? 0 : Math.max(0, Math.min(most, listed) - (quantity - cancelled));
  };
  const found: Restorable = {
    items: items.flatMap((item) => {
      const units = back(item.externalLineId ?? undefined, item.quantity, item.cancelledQuantity);
      return units > 0 ? [{ lineNo: item.lineNo, productId: item.productId, units }] : [];
    }),
    // A line waiting for an operator waits again only where the order holds no stock.
    attention: status === "NEEDS_ATTENTION" || revive
      ? attention.flatMap((line) => {
          const fields = attentionLineFields(line);
          const units = Number.isFinite(fields.quantity) ? back(fields.lineId, fields.quantity, line.cancelledQuantity) : 0;
          return units > 0 ? [{ lineNo: line.lineNo, units }] : [];
        })
      : [],
    revive,
  };
  return found.items.length + found.attention.length > 0 ? found : undefined;
}

/**
 * Takes back on the order the cancelled units its live packages list, under its row lock and the
 * stock locks of its items' products: reserved in CREATED and CONFIRMED (OVERSOLD when short),
 * recorded only in OVERSOLD, and a NEEDS_ATTENTION or revived order is taken in when nothing waits.
 */
export async function restoreListedUnits(ctx: OrderContext, tx: Transaction, locked: repo.OrderRow, store: ReservingStore): Promise<{ row: repo.OrderRow; reservation: MarketplaceReservation | undefined } | undefined> {
  const [items, attention] = await Promise.all([repo.itemsOf(tx, [locked.id]), repo.attentionLinesOf(tx, [locked.id])]);
  const found = restorable(locked.status, locked.packages, items, attention);
  if (!found) return undefined;
  for (const item of found.items) await repo.restoreItemUnits(tx, locked.id, item.lineNo, item.units);
  for (const line of found.attention) await repo.restoreAttentionLineUnits(tx, locked.id, line.lineNo, line.units);
  ctx.log.info({ orderId: locked.id, status: locked.status, lines: found.items.length + found.attention.length }, "a live package of a marketplace order lists units a cancelled one released: taken back");
  if (found.revive) {
    // Taken in as intake takes in an order that waited: reserved, OVERSOLD when short, or waiting for an operator.
    const waiting = await repo.setStatus(tx, locked.id, "NEEDS_ATTENTION");
    return takeInWhenClear(ctx, tx, waiting, store);
  }
  if (locked.status === "NEEDS_ATTENTION") return takeInWhenClear(ctx, tx, locked, store);
  if (locked.status === "OVERSOLD") return { row: (await repo.orderRow(tx, locked.id)) ?? locked, reservation: undefined };
  const lines = found.items.map((item) => ({ productId: item.productId, quantity: item.units }));
  const reservation = await reserveMarketplaceLines(ctx, tx, store, { id: locked.id, externalOrderId: locked.externalOrderId ?? "" }, lines);
  const row = reservation.shortages.length > 0 ? await repo.setStatus(tx, locked.id, "OVERSOLD", reservation.shortages) : ((await repo.orderRow(tx, locked.id)) ?? locked);
  return { row, reservation };
}

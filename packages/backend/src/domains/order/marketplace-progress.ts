/**
 * What the marketplace did to an order after it was created, as its packages come back through
 * the pull and webhooks: picked, invoiced, handed to the carrier (on Trendyol the carrier, not the
 * seller, ships), delivered, returned. The lines a package lists move forward to its progress,
 * never back: a stale read (a page still showing Created, or Picking after Shipped) changes
 * nothing, and a repeat changes nothing either. A line reaching SHIPPED has its reserved units
 * shipped exactly as staff's ship does (fulfilment.ts), once; the order's status is the least
 * advanced of its open lines, as after a staff step. RETURNED moves no stock: the goods are back
 * only when staff receive them (the return's receive step). Each package keeps the furthest
 * progress seen, so packages read in any order end the same. The order's open commands the
 * marketplace's state answers are settled in the same transaction (command-overtaken.ts).
 * Orders holding no stock (OVERSOLD, NEEDS_ATTENTION) and ended ones are left to staff and logged.
 */
import type { Allocation } from "../inventory/service";
import { stockLockKey } from "../inventory/service";
import type { MarketplaceProgress } from "../marketplace/service";
import { settleOvertaken } from "./command-overtaken";
import { lineStatus, openUnits } from "./command-steps";
import { settleLineStatuses, shipLines } from "./fulfilment";
import type { MarketplaceLine } from "./order-examination";
import * as repo from "./repository";
import type { MarketplacePackage } from "./schema";
import type { OrderContext } from "./service";
import type { OrderStatus } from "./status";
import { announceAllocations } from "./allocation-announce";

/** Ranks shared with status.ts's PROGRESS, RETURNED past DELIVERED. */
export const PROGRESS_RANK: Readonly<Record<MarketplaceProgress, number>> = { PICKING: 2, INVOICED: 3, SHIPPED: 4, DELIVERED: 5, RETURNED: 6 };
const STATUS_AT: Readonly<Record<number, OrderStatus>> = { 2: "PICKING", 3: "INVOICED", 4: "SHIPPED", 5: "DELIVERED", 6: "RETURNED" };
const OUR_RANK: Readonly<Partial<Record<OrderStatus, number>>> = { CREATED: 0, CONFIRMED: 1, PICKING: 2, INVOICED: 3, SHIPPED: 4, DELIVERED: 5, RETURNED: 6 };
const SHIPPED = 4;

/** Orders whose lines follow the marketplace's progress. */
const FOLLOWING: ReadonlySet<OrderStatus> = new Set(["CREATED", "CONFIRMED", "PICKING", "INVOICED", "SHIPPED", "DELIVERED"]);

export interface ProgressDelivery {
  /** The package this is; absent when the marketplace sends whole orders. */
  packageId?: string;
  progress: MarketplaceProgress;
  lines: readonly MarketplaceLine[];
}

const rankOf = (progress: MarketplaceProgress | undefined) => (progress === undefined ? 0 : PROGRESS_RANK[progress]);

/** The furthest of two progresses. */
function furthest(a: MarketplaceProgress | undefined, b: MarketplaceProgress): MarketplaceProgress {
  return a !== undefined && rankOf(a) >= rankOf(b) ? a : b;
}

/** Whether a package covers a line: the line ids it lists (partition `lines`, else `lineIds`); listing none, every line. */
function covers(p: MarketplacePackage, item: repo.ItemRow): boolean {
  if (p.lines) return item.externalLineId !== null && p.lines.some((line) => line.lineId === item.externalLineId);
  if (p.lineIds) return item.externalLineId !== null && p.lineIds.includes(item.externalLineId);
  return true;
}

const idsOf = (lines: readonly MarketplaceLine[]): string[] | undefined => {
  const ids = lines.map((line) => line.lineId);
  return ids.length > 0 && ids.every((id): id is string => id !== undefined) ? ids : undefined;
};

/** The packages with this delivery's progress recorded on its package (the furthest seen). */
export function withProgress(packages: readonly MarketplacePackage[] | null, delivery: ProgressDelivery): MarketplacePackage[] | null {
  if (delivery.packageId === undefined || packages === null) return packages === null ? null : [...packages];
  const lineIds = idsOf(delivery.lines);
  return packages.map((p) => {
    if (p.packageId !== delivery.packageId) return p;
    return { ...p, progress: furthest(p.progress, delivery.progress), ...(!p.lines && !p.lineIds && lineIds && { lineIds }) };
  });
}

/**
 * How far the marketplace shows each line: the furthest of the live packages covering it, and of
 * this delivery (a whole order, or a package the order does not record) for the lines it lists.
 */
export function marketplaceRank(packages: readonly MarketplacePackage[] | null, delivery: ProgressDelivery | undefined) {
  const lineIds = delivery ? idsOf(delivery.lines) : undefined;
  const current: MarketplacePackage | undefined = delivery && { packageId: delivery.packageId ?? "", status: "", cancelled: false, progress: delivery.progress, ...(lineIds && { lineIds }) };
  return (item: repo.ItemRow): number => {
    let rank = 0;
    for (const p of [...(packages ?? []), ...(current ? [current] : [])]) if (!p.cancelled && p.progress !== undefined && covers(p, item)) rank = Math.max(rank, rankOf(p.progress));
    return rank;
  };
}

/** Whether a cancelled package of the order names the line. */
export function cancelledByMarketplace(packages: readonly MarketplacePackage[] | null) {
  return (item: repo.ItemRow): boolean =>
    item.externalLineId !== null && (packages ?? []).some((p) => p.cancelled && (p.lines ?? []).some((line) => line.lineId === item.externalLineId));
}

export function createProgressIntake(ctx: OrderContext) {
  const { db, log } = ctx;
  const now = () => new Date();

  return {
    /** Moves a known order forward to what this delivery says; answers whether anything changed. */
    async follow(orderId: string, delivery: ProgressDelivery): Promise<{ row: repo.OrderRow; changed: boolean } | undefined> {
      const current = await repo.orderRow(db, orderId);
      if (!current) return undefined;
      if (!FOLLOWING.has(current.status)) {
        log.info({ orderId, status: current.status, progress: delivery.progress }, "marketplace progress of an order that does not follow it: left to staff");
        return { row: current, changed: false };
      }
      const shipping = rankOf(delivery.progress) >= SHIPPED;
      const itemsBefore = shipping ? await repo.itemsOf(db, [orderId]) : [];
      const quote = shipping ? await ctx.stores.quoteForOrder(current.storeId, { productIds: [...new Set(itemsBefore.map((item) => item.productId))], barcodes: [] }) : undefined;
      const products = quote?.products ?? [];
      const productIds = shipping ? await repo.allocatedProductIds(db, orderId) : [];
      const run = () =>
        db.transaction(async (tx) => {
          const locked = await repo.lockOrder(tx, orderId);
          if (!locked || !FOLLOWING.has(locked.status)) return { row: locked ?? current, changed: false, moved: [] as Allocation[], settled: 0 };
          const items = await repo.itemsOf(tx, [orderId]);
          const packages = withProgress(locked.packages, delivery);
          const rank = marketplaceRank(packages, delivery);
          const open = items.filter((item) => openUnits(item) > 0);
          const changed = new Map<number, OrderStatus>();
          for (const item of open) {
            const to = rank(item);
            if (to > (OUR_RANK[lineStatus(item, locked)] ?? 0)) changed.set(item.lineNo, STATUS_AT[to] ?? lineStatus(item, locked));
          }
          // Lines reaching the carrier now: their reserved units ship (a line already shipped here has none left to move).
          const shipped = open.filter((item) => (OUR_RANK[changed.get(item.lineNo) ?? "CREATED"] ?? 0) >= SHIPPED && (OUR_RANK[lineStatus(item, locked)] ?? 0) < SHIPPED);
          const stays = open.some((item) => (OUR_RANK[changed.get(item.lineNo) ?? lineStatus(item, locked)] ?? 0) < SHIPPED);
          const moved = shipped.length > 0 ? await shipLines(ctx, tx, locked, shipped, stays, products, null) : [];
          let row = locked;
          if (changed.size > 0) {
            const status = await settleLineStatuses(tx, locked, items, changed);
            if (status !== locked.status) row = await repo.setStatus(tx, orderId, status);
          }
          if (JSON.stringify(packages) !== JSON.stringify(locked.packages) && packages !== null) await repo.setPackages(tx, orderId, packages);
          const after = await repo.itemsOf(tx, [orderId]);
          const settled = await settleOvertaken(tx, orderId, after, { rankOf: rank, cancelled: cancelledByMarketplace(packages) }, now());
          return { row: (await repo.orderRow(tx, orderId)) ?? row, changed: changed.size > 0, moved, settled };
        });
      const outcome = productIds.length > 0 ? await ctx.locks.withLocks(productIds.map(stockLockKey), run) : await run();
      await announceAllocations(ctx.inventory, outcome.moved, orderId);
      if (outcome.changed) log.info({ orderId, packageId: delivery.packageId, progress: delivery.progress, status: outcome.row.status, shipped: outcome.moved.length }, "marketplace order moved forward by the marketplace");
      if (outcome.settled > 0) {
        log.info({ orderId, settled: outcome.settled }, "order commands answered by the marketplace's state");
        // A settled command no longer holds back the order's later ones: the worker may send them now.
        ctx.commands.recorded();
      }
      return { row: outcome.row, changed: outcome.changed };
    },
  };
}

export type ProgressIntake = ReturnType<typeof createProgressIntake>;

/**
 * A marketplace order delivered package by package (Trendyol, N11, and the lists other marketplaces
 * are read as packages). The order is keyed on the
 * marketplace's order number; a partial cancel or an unsupplied line gives the rest of a package a
 * NEW package id with the same order number, and the lines keep their order line ids
 * (MARKETPLACES.md, Trendyol; the split service names lines by orderLineId across packages). So:
 * - a package of a known order reserves only the lines (by line id) the order does not hold yet;
 *   the lines it holds already, in whichever package, reserve nothing again;
 * - a cancelled package (Cancelled, UnSupplied) releases the units it names of the lines it names,
 *   once: the package is remembered as cancelled and a repeat releases nothing. Where packages
 *   partition the order's lines (Trendyol, N11) it releases no more than the order's other live
 *   packages leave, and a live package takes back units released before (package-partition.ts);
 *   elsewhere exactly the units it names;
 * - when every unit of the order is cancelled, the order is CANCELLED.
 * An order whose lines carry no line ids (recorded before line ids were kept, or from a package
 * without them) cannot be released line by line: a cancelled package cancels it whole, as before.
 */
import type { Orders } from "@pazarsync/shared";
import type { Database } from "../../infra/db";
import { type Allocation, stockLockKey, stockLockKeysOf, type Transaction } from "../inventory/service";
import { InvalidTransition } from "./errors";
import { type ReservingStore, type MarketplaceReservation, reportReservation, reserveMarketplaceLines, stillOpen, takeInWhenClear } from "./marketplace-reservation";
import { settleOvertaken } from "./command-overtaken";
import { cancelledByMarketplace, marketplaceRank } from "./marketplace-progress";
import { examineOrder, type MarketplaceLine } from "./order-examination";
import { settleLineStatuses } from "./fulfilment";
import { liveUnits, partitionOf, restorable, restoreListedUnits } from "./package-partition";
import { MAX_MONEY } from "./pricing";
import * as repo from "./repository";
import type { MarketplacePackage } from "./schema";
import type { OrderContext, QuotedProduct } from "./service";
import { attentionLineFields } from "./views";
import { announceAllocations } from "./allocation-announce";

export interface PackageDelivery {
  packageId: string;
  marketplaceStatus: string;
  lines: readonly MarketplaceLine[];
  currency: string;
  /** Trendyol and N11, whose packages partition the order's lines (package-partition.ts): whether this package holds them. */
  partition?: { holds: boolean } | undefined;
}

/** Statuses whose stock a cancelled package may give back; a shipped order's cancellation is refused as before. */
const RELEASABLE: ReadonlySet<Orders.OrderStatus> = new Set(["CREATED", "CONFIRMED", "PICKING", "INVOICED", "OVERSOLD", "NEEDS_ATTENTION"]);
/** Statuses in which new lines of a known order are reserved at once. */
const RESERVING: ReadonlySet<Orders.OrderStatus> = new Set(["CREATED", "CONFIRMED", "PICKING", "INVOICED"]);
/** Statuses a marketplace's progress (or staff's steps) moved the order's lines to: a new package's lines start over. */
const PROGRESSED: ReadonlySet<Orders.OrderStatus> = new Set(["PICKING", "INVOICED", "SHIPPED", "DELIVERED"]);

function withPackage(packages: readonly MarketplacePackage[] | null, delivery: PackageDelivery, cancelled = false): MarketplacePackage[] {
  const list = [...(packages ?? [])];
  const at = list.findIndex((p) => p.packageId === delivery.packageId);
  const seen = list[at];
  // A cancelled package stays as its cancellation left it: a stale delivery of it (webhooks retry for hours) changes nothing.
  if (seen?.cancelled) return list;
  const next = {
    packageId: delivery.packageId,
    status: delivery.marketplaceStatus,
    cancelled,
    ...partitionOf(delivery.lines, delivery.partition),
    ...(seen?.givenUp && { givenUp: seen.givenUp }),
    // Progress is recorded by marketplace-progress.ts and only ever moves forward.
    ...(seen?.progress && { progress: seen.progress }),
    ...(seen?.lineIds && { lineIds: seen.lineIds }),
  };
  if (at < 0) list.push(next);
  else list[at] = next;
  return list;
}

const samePackages = (a: readonly MarketplacePackage[] | null, b: readonly MarketplacePackage[]) => JSON.stringify(a ?? []) === JSON.stringify(b);

interface OrderLines {
  items: repo.ItemRow[];
  attention: repo.AttentionLineRow[];
  /** Every marketplace line id the order holds, matched or not. */
  known: Set<string>;
  lastLineNo: number;
}

async function linesOf(db: Database, orderId: string): Promise<OrderLines> {
  const [items, attention] = await Promise.all([repo.itemsOf(db, [orderId]), repo.attentionLinesOf(db, [orderId])]);
  const known = new Set([...items.flatMap((item) => item.externalLineId ?? []), ...attention.flatMap((line) => attentionLineFields(line).lineId ?? [])]);
  const lastLineNo = Math.max(0, ...items.map((item) => item.lineNo), ...attention.map((line) => line.lineNo));
  return { items, attention, known, lastLineNo };
}

/** Lock keys of every product the order's items and the given lines name (sets: their components). */
function lockKeysOf(products: readonly QuotedProduct[], productIds: readonly string[], barcodes: readonly string[]): string[] {
  const wanted = new Set(productIds);
  const named = new Set(barcodes);
  return stockLockKeysOf(products.filter((p) => wanted.has(p.id) || named.has(p.barcode)));
}

export function createPackageIntake(ctx: OrderContext) {
  const { db, log } = ctx;

  async function quote(storeId: string, productIds: readonly string[], barcodes: readonly string[]): Promise<{ store: ReservingStore; products: QuotedProduct[] }> {
    const found = await ctx.stores.quoteForOrder(storeId, { productIds: [...new Set(productIds)], barcodes: [...new Set(barcodes)] });
    if (!found) throw new Error("a known order's store is gone");
    return { store: { id: storeId, type: found.store.type, warehouseIds: found.store.warehouseIds }, products: found.products };
  }

  /** The order's lines each keep the status they reached; the new ones are CREATED, and so the order. */
  async function startNewLines(tx: Transaction, locked: repo.OrderRow, lineNos: readonly number[]): Promise<repo.OrderRow> {
    const all = await repo.itemsOf(tx, [locked.id]);
    const status = await settleLineStatuses(tx, locked, all, new Map(lineNos.map((lineNo) => [lineNo, "CREATED" as const])));
    return status === locked.status ? locked : repo.setStatus(tx, locked.id, status);
  }

  /** New lines recorded on the order (and reserved when it holds stock now); totals follow. Inside the order's row lock. */
  async function addLines(tx: Transaction, given: repo.OrderRow, store: ReservingStore, now: OrderLines, fresh: MarketplaceLine[], delivery: PackageDelivery, products: QuotedProduct[]) {
    let locked = given;
    const examined = examineOrder({ lines: fresh, currency: delivery.currency }, { key: locked.externalOrderId ?? "" }, products);
    const shift = <T extends { lineNo: number }>(line: T): T => ({ ...line, lineNo: line.lineNo + now.lastLineNo });
    const items = (examined.priced?.items ?? []).map(shift);
    const attention = examined.attentionLines.map(shift);
    await repo.insertItems(tx, locked.id, items);
    await repo.insertAttentionLines(tx, locked.id, attention);
    if (locked.status === "NEEDS_ATTENTION") return takeInWhenClear(ctx, tx, locked, store);
    // Another package of an order the marketplace moved on (marketplace-progress.ts): the lines
    // there keep their step, the new ones start CREATED and hold stock like any new line.
    if (PROGRESSED.has(locked.status) && items.length > 0) locked = await startNewLines(tx, locked, items.map((item) => item.lineNo));
    const total = locked.total + (examined.priced?.total ?? 0);
    const lineReasons = attention.map((line) => line.reason);
    const reasons = lineReasons.length > 0 ? [...new Set([...(locked.attentionReasons ?? []), ...lineReasons])] : locked.attentionReasons;
    const totals = total <= MAX_MONEY ? { total, vatTotal: locked.vatTotal + (examined.priced?.vatTotal ?? 0) } : {};
    let row = await repo.setAttention(tx, locked.id, { attentionReasons: reasons, ...totals });
    if (!RESERVING.has(locked.status)) {
      log.warn({ orderId: locked.id, status: locked.status, lines: fresh.length }, "new lines of a marketplace order that holds no stock now: recorded without a reservation");
      return { row, reservation: undefined };
    }
    const reservation = await reserveMarketplaceLines(ctx, tx, store, { id: locked.id, externalOrderId: locked.externalOrderId ?? "" }, items);
    if (reservation.shortages.length > 0) row = await repo.setStatus(tx, locked.id, "OVERSOLD", reservation.shortages);
    if (attention.length > 0) log.warn({ orderId: locked.id, reasons: lineReasons }, "a new package of a marketplace order has lines intake cannot take in");
    return { row, reservation };
  }

  return {
    /**
     * A package of a known order: records the package and the lines the order does not hold yet;
     * `created` is true when lines were added or units its live packages list were taken back
     * (package-partition.ts). Lines without a line id are taken as known.
     */
    async mergePackage(existing: repo.OrderRow, delivery: PackageDelivery, retried = false): Promise<{ row: repo.OrderRow; created: boolean }> {
      const freshOf = (lines: OrderLines) => delivery.lines.filter((line) => line.lineId !== undefined && !lines.known.has(line.lineId));
      const before = await linesOf(db, existing.id);
      const fresh = freshOf(before);
      const recorded = withPackage(existing.packages, delivery);
      const restoring = delivery.partition !== undefined && restorable(existing.status, recorded, before.items, before.attention) !== undefined;
      // The common case (a redelivery, the pull's overlap): nothing new, nothing to lock or write.
      if (fresh.length === 0 && !restoring && samePackages(existing.packages, recorded)) return { row: existing, created: false };
      const itemProducts = before.items.map((item) => item.productId);
      const { store, products } = fresh.length > 0 || restoring ? await quote(existing.storeId, itemProducts, fresh.map((line) => line.barcode)) : { store: undefined, products: [] };
      const run = () =>
        db.transaction(async (tx) => {
          const locked = await repo.lockOrder(tx, existing.id);
          if (!locked) throw new Error("a known order lost its row");
          const packages = withPackage(locked.packages, delivery);
          const now = await linesOf(tx, locked.id);
          // Read again under the lock: a concurrent delivery may have added some of them meanwhile.
          const stillFresh = freshOf(now);
          if (!samePackages(locked.packages, packages)) await repo.setPackages(tx, locked.id, packages);
          const reservations: MarketplaceReservation[] = [];
          let row: repo.OrderRow = { ...locked, packages };
          if (stillFresh.length > 0 && store) {
            const added = await addLines(tx, locked, store, now, stillFresh, delivery, products);
            row = { ...added.row, packages };
            if (added.reservation) reservations.push(added.reservation);
          }
          let restored = false;
          if (delivery.partition !== undefined) {
            const after = stillFresh.length > 0 ? await linesOf(tx, locked.id) : now;
            // A concurrent cancellation made units to take back that this run holds no stock locks for: read again.
            if (!store) return { row, reservations, added: false, retry: restorable(row.status, packages, after.items, after.attention) !== undefined };
            const taken = await restoreListedUnits(ctx, tx, row, store);
            if (taken) {
              row = taken.row;
              restored = true;
              if (taken.reservation) reservations.push(taken.reservation);
            }
          }
          return { row, reservations, added: (stillFresh.length > 0 && store !== undefined) || restored, retry: false };
        });
      const keys = lockKeysOf(products, itemProducts, fresh.map((line) => line.barcode));
      const outcome = keys.length > 0 ? await ctx.locks.withLocks(keys, run) : await run();
      if (outcome.retry && !retried) return this.mergePackage(existing, delivery, true);
      for (const reservation of outcome.reservations) await reportReservation(ctx, { id: existing.id, storeId: existing.storeId, externalOrderId: existing.externalOrderId ?? "" }, reservation);
      if (outcome.added) log.info({ orderId: existing.id, packageId: delivery.packageId, status: outcome.row.status }, "a package of a marketplace order brought lines to hold: new ones, or units a cancelled package released");
      return { row: (await repo.orderRow(db, existing.id)) ?? outcome.row, created: outcome.added };
    },

    /**
     * A cancelled package of a known order: releases the units it names, once. Undefined when the
     * order or the package carries no line ids to match (the caller cancels the order whole).
     */
    async cancelPackage(row: repo.OrderRow, delivery: PackageDelivery): Promise<{ row: repo.OrderRow; changed: boolean } | undefined> {
      const named = delivery.lines.filter((line) => line.lineId !== undefined);
      const before = await linesOf(db, row.id);
      if (named.length === 0 || before.known.size === 0) return undefined;
      const { store, products } = await quote(row.storeId, [...before.items.map((item) => item.productId), ...(await repo.allocatedProductIds(db, row.id))], []);
      const keys = [...new Set([...stockLockKeysOf(products), ...(await repo.allocatedProductIds(db, row.id)).map(stockLockKey)])].sort();
      const run = () =>
        db.transaction(async (tx) => {
          const locked = await repo.lockOrder(tx, row.id);
          if (!locked) throw new Error("a known order lost its row");
          const seen = (locked.packages ?? []).find((p) => p.packageId === delivery.packageId);
          const unchanged = { row: locked, changed: false, released: [] as Allocation[], reservation: undefined };
          if (seen?.cancelled) return unchanged;
          // Recorded cancelled even so: a stale live delivery of it must never count its units as held again.
          if (locked.status === "CANCELLED") {
            if (delivery.partition !== undefined) await repo.setPackages(tx, locked.id, withPackage(locked.packages, delivery, true));
            await settleCancelled(tx, locked, delivery);
            return unchanged;
          }
          if (!RELEASABLE.has(locked.status)) throw new InvalidTransition(locked.status, "CANCELLED");
          const now = await linesOf(tx, locked.id);
          // Partition marketplaces: the units the order's other live packages list stay held.
          const kept = delivery.partition !== undefined ? liveUnits(locked.packages, delivery.packageId) : new Map<string, number>();
          // Units staff already gave up from this package were released then (unsupply.ts).
          const givenUp = new Map((seen?.givenUp ?? []).map((line) => [line.lineId, line.quantity]));
          const left = named.map((line) => (line.lineId !== undefined && givenUp.has(line.lineId) ? { ...line, quantity: Math.max(0, line.quantity - (givenUp.get(line.lineId) ?? 0)) } : line));
          const units = await cancelNamedUnits(tx, locked.id, now, left, kept);
          const released = await releaseUnits(tx, locked, units, products);
          await repo.setPackages(tx, locked.id, withPackage(locked.packages, delivery, true));
          await settleCancelled(tx, locked, delivery);
          const after = await linesOf(tx, locked.id);
          const open = after.items.some(stillOpen) || after.attention.some((line) => stillOpen({ quantity: attentionLineFields(line).quantity, cancelledQuantity: line.cancelledQuantity }));
          if (!open) return { row: await cancelWhole(tx, locked, released), changed: true, released, reservation: undefined };
          // Cancelling the lines that waited for an operator may leave nothing to wait for.
          if (locked.status === "NEEDS_ATTENTION") return { ...(await takeInWhenClear(ctx, tx, locked, store)), changed: true, released };
          return { row: (await repo.orderRow(tx, locked.id)) ?? locked, changed: true, released, reservation: undefined };
        });
      const outcome = keys.length > 0 ? await ctx.locks.withLocks(keys, run) : await run();
      await announceAllocations(ctx.inventory, outcome.released, row.id);
      if (outcome.reservation) await reportReservation(ctx, { id: row.id, storeId: row.storeId, externalOrderId: row.externalOrderId ?? "" }, outcome.reservation);
      if (outcome.changed) log.info({ orderId: row.id, packageId: delivery.packageId, status: outcome.row.status, released: outcome.released.length }, "marketplace package cancelled");
      return { row: outcome.row, changed: outcome.changed };
    },
  };

  /** UNSUPPLY and CANCEL commands for the lines this cancelled package names are answered by it (command-overtaken.ts). */
  async function settleCancelled(tx: Transaction, locked: repo.OrderRow, delivery: PackageDelivery): Promise<void> {
    const named = new Set(delivery.lines.flatMap((line) => line.lineId ?? []));
    const packages = (await repo.orderRow(tx, locked.id))?.packages ?? locked.packages;
    const listed = cancelledByMarketplace(packages);
    const items = await repo.itemsOf(tx, [locked.id]);
    const view = { rankOf: marketplaceRank(packages, undefined), cancelled: (item: repo.ItemRow) => listed(item) || (item.externalLineId !== null && named.has(item.externalLineId)) };
    const settled = await settleOvertaken(tx, locked.id, items, view, new Date());
    if (settled > 0) log.info({ orderId: locked.id, packageId: delivery.packageId, settled }, "order commands answered by a package the marketplace cancelled");
  }

  /**
   * Marks the named units cancelled on their lines (never past a line's quantity, nor into the units
   * `kept` per line id); answers the units per product to release.
   */
  async function cancelNamedUnits(tx: Transaction, orderId: string, now: OrderLines, named: readonly MarketplaceLine[], kept: ReadonlyMap<string, number>): Promise<Map<string, number>> {
    const units = new Map<string, number>();
    for (const line of named) {
      const asked = Number.isSafeInteger(line.quantity) && line.quantity > 0 ? line.quantity : 0;
      const keep = line.lineId === undefined ? 0 : (kept.get(line.lineId) ?? 0);
      const item = now.items.find((i) => i.externalLineId === line.lineId);
      if (item) {
        const take = Math.min(asked, item.quantity - item.cancelledQuantity - keep);
        if (take <= 0) continue;
        item.cancelledQuantity += take;
        await repo.cancelItemUnits(tx, orderId, item.lineNo, take);
        units.set(item.productId, (units.get(item.productId) ?? 0) + take);
        continue;
      }
      const waiting = now.attention.find((l) => attentionLineFields(l).lineId === line.lineId);
      if (waiting) {
        const quantity = attentionLineFields(waiting).quantity;
        const take = Number.isFinite(quantity) ? Math.min(asked, quantity - waiting.cancelledQuantity - keep) : keep > 0 ? 0 : Math.max(asked, 1);
        if (take > 0) await repo.cancelAttentionLineUnits(tx, orderId, waiting.lineNo, take);
      }
    }
    return units;
  }

  /** The ordered units as simple products (a set's components), taken out of the order's RESERVED allocations and released. */
  async function releaseUnits(tx: Transaction, locked: repo.OrderRow, units: ReadonlyMap<string, number>, products: readonly QuotedProduct[]): Promise<Allocation[]> {
    const simple = new Map<string, number>();
    for (const [productId, quantity] of units) {
      const product = products.find((p) => p.id === productId);
      const parts = product && product.type === "SET" ? product.components : [{ componentId: productId, quantity: 1 }];
      for (const part of parts) simple.set(part.componentId, (simple.get(part.componentId) ?? 0) + part.quantity * quantity);
    }
    const taken = await repo.releaseAllocationUnits(tx, locked.id, simple);
    if (taken.length > 0) await ctx.inventory.releaseInTransaction(tx, taken, { actorId: null, correlationId: locked.id, reason: `order #${locked.number} lines cancelled` });
    return taken;
  }

  /** Every unit cancelled: whatever the order still holds goes back, and the order is CANCELLED. */
  async function cancelWhole(tx: Transaction, locked: repo.OrderRow, released: Allocation[]): Promise<repo.OrderRow> {
    const rest = await repo.allocationsOf(tx, locked.id, "RESERVED");
    if (rest.length > 0) {
      const allocations = rest.map(({ productId, warehouseId, quantity }) => ({ productId, warehouseId, quantity }));
      await ctx.inventory.releaseInTransaction(tx, allocations, { actorId: null, correlationId: locked.id, reason: `order #${locked.number} cancelled` });
      await repo.moveAllocations(tx, locked.id, "RESERVED", "RELEASED");
      released.push(...allocations);
    }
    return repo.setStatus(tx, locked.id, "CANCELLED");
  }
}

export type PackageIntake = ReturnType<typeof createPackageIntake>;
export type { MarketplaceReservation };

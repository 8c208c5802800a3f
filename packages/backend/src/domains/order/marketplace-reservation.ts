/**
 * How a marketplace order's lines hold stock: inventory's one reservation statement in
 * MARKETPLACE mode (bounded by free stock only: the marketplace already sold it), inside the
 * caller's transaction and under the stock locks of every product the lines touch. Short is not a
 * refusal: nothing is reserved and the order is OVERSOLD with the shortages. Intake (a new order,
 * a new package of a known one), a NEEDS_ATTENTION order taken in, and staff mapping a line all
 * reserve here.
 */
import type { Orders } from "@pazarsync/shared";
import type { Allocation, Transaction } from "../inventory/service";
import { MAX_MONEY, vatIncluded } from "./pricing";
import * as repo from "./repository";
import type { OrderContext } from "./service";
import { attentionLineFields } from "./views";

export interface ReservingStore {
  id: string;
  type: string;
  warehouseIds: string[];
}

export interface MarketplaceReservation {
  allocations: Allocation[];
  shortages: Orders.Shortage[];
}

const NOTHING: MarketplaceReservation = { allocations: [], shortages: [] };

/** Reserves the lines for the order and records its allocations, or nothing when anything is short. */
export async function reserveMarketplaceLines(
  ctx: OrderContext,
  tx: Transaction,
  store: ReservingStore,
  order: { id: string; externalOrderId: string },
  lines: readonly { productId: string; quantity: number }[],
): Promise<MarketplaceReservation> {
  const wanted = lines.filter((line) => line.quantity > 0);
  if (wanted.length === 0) return NOTHING;
  const { allocations, shortages } = await ctx.inventory.reserveStock(tx, {
    mode: "MARKETPLACE",
    store_id: store.id,
    warehouse_ids: store.warehouseIds,
    lines: wanted.map((line) => ({ product_id: line.productId, quantity: line.quantity })),
    actor_id: null,
    correlation_id: order.id,
    reason: `${store.type} order ${order.externalOrderId}`,
    changed_at: new Date().toISOString(),
  });
  if (shortages.length > 0) return { allocations: [], shortages };
  await repo.insertAllocations(tx, order.id, allocations);
  return { allocations, shortages };
}

/** After commit: the counters, the stock announcement and one log line for what was reserved. */
export async function reportReservation(
  ctx: OrderContext,
  order: { id: string; storeId: string; externalOrderId: string; total?: number },
  outcome: MarketplaceReservation,
): Promise<void> {
  const fields = { orderId: order.id, storeId: order.storeId, externalOrderId: order.externalOrderId };
  if (outcome.shortages.length > 0) {
    ctx.metrics.outOfStock.inc({ source: "marketplace" });
    ctx.log.warn({ ...fields, shortages: outcome.shortages }, "marketplace order oversold: recorded without a reservation");
    return;
  }
  if (outcome.allocations.length === 0) return;
  await ctx.inventory.announce({
    productIds: outcome.allocations.map((a) => a.productId),
    warehouseIds: outcome.allocations.map((a) => a.warehouseId),
    correlationId: order.id,
  });
  ctx.metrics.placed.inc({ source: "marketplace" });
  ctx.log.info({ ...fields, total: order.total }, "marketplace order taken in");
}

/** Reasons that belong to a line (and go with it when it is mapped or cancelled); the others are the order's own. */
const LINE_REASONS: ReadonlySet<string> = new Set<Orders.AttentionReason>(["UNKNOWN_BARCODE", "QUANTITY_OUT_OF_RANGE", "PRICE_OUT_OF_RANGE"]);

/** A line the marketplace cancelled whole no longer waits for anyone (an unreadable quantity counts as whole once any unit is cancelled). */
export function stillOpen(line: { quantity: number; cancelledQuantity: number }): boolean {
  return Number.isFinite(line.quantity) ? line.cancelledQuantity < line.quantity : line.cancelledQuantity === 0;
}

export type TakeIn = { row: repo.OrderRow; reservation: MarketplaceReservation | undefined };

/**
 * A NEEDS_ATTENTION order whose lines changed (mapped by staff, cancelled by the marketplace):
 * taken in (reserved, or OVERSOLD when short) once no line waits and no reason of the order's own
 * remains; otherwise its reasons are brought up to date. Under the order's row lock and the stock
 * locks of every product its items name.
 */
export async function takeInWhenClear(ctx: OrderContext, tx: Transaction, locked: repo.OrderRow, store: ReservingStore): Promise<TakeIn> {
  const [items, lines] = await Promise.all([repo.itemsOf(tx, [locked.id]), repo.attentionLinesOf(tx, [locked.id])]);
  const waiting = lines.filter((line) => stillOpen({ quantity: attentionLineFields(line).quantity, cancelledQuantity: line.cancelledQuantity }));
  const total = items.reduce((sum, item) => sum + item.lineTotal, 0);
  const vatTotal = items.reduce((sum, item) => sum + vatIncluded(item.lineTotal, item.vatRate), 0);
  const ownReasons = (locked.attentionReasons ?? []).filter((reason) => !LINE_REASONS.has(reason) && reason !== "ORDER_TOTAL_TOO_LARGE");
  if (total > MAX_MONEY) ownReasons.push("ORDER_TOTAL_TOO_LARGE");
  const reasons = [...new Set([...ownReasons, ...waiting.map((line) => line.reason)])];
  if (reasons.length > 0) {
    const totals = total > MAX_MONEY ? {} : { total, vatTotal };
    return { row: await repo.setAttention(tx, locked.id, { attentionReasons: reasons, ...totals }), reservation: undefined };
  }
  const open = items.map((item) => ({ productId: item.productId, quantity: item.quantity - item.cancelledQuantity }));
  const reservation = await reserveMarketplaceLines(ctx, tx, store, { id: locked.id, externalOrderId: locked.externalOrderId ?? "" }, open);
  const short = reservation.shortages.length > 0;
  const row = await repo.takenIn(tx, locked.id, { status: short ? "OVERSOLD" : "CREATED", total, vatTotal, shortages: short ? reservation.shortages : null });
  return { row, reservation };
}

/**
 * Goods coming back: each received line restocks a shelf (RETURN ledger rows, sellable again, so
 * announced to the marketplaces) or is put aside in quarantine (QUARANTINE ledger rows, never
 * sellable). Under the stock locks of the products and the order's row lock, in one transaction:
 * the units are taken out of the order's SHIPPED allocations (never more than left the shelves),
 * the return's lines count them (never more than claimed), and the order becomes RETURNED once
 * nothing shipped is still out.
 */
import { Returns } from "@pazarsync/shared";
import { InvalidField } from "../../infra/errors";
import { type Allocation, stockLockKey, type Transaction } from "../inventory/service";
import { OrderNotFound } from "../order/errors";
import { lockReturnableOrder, markReturnedWhenAllBack, type ReturnableOrder, takeBackShipped } from "../order/service";
import { ReturnExceedsShipped, ReturnLineNotFound, ReturnNotFound, ReturnOverReceived, ReturnWithoutOrder } from "./errors";
import * as repo from "./repository";
import { attentionOf, receivedOf, statusOf } from "./return-lines";
import type { ReturnsContext } from "./service";

/** One received line with its product resolved. */
export interface Arrival {
  productId: string;
  quantity: number;
  shelfId: string;
  warehouseId?: string;
  condition: Returns.ReturnCondition | null;
}

export interface ReceiptOutcome {
  row: repo.ReturnRow;
  /** Products and warehouses whose sellable stock went up: announced after commit. */
  restocked: { productId: string; warehouseId: string }[];
}

/** Body lines with their products: productId, or a barcode looked up in the catalog. */
export async function arrivalsOf(ctx: ReturnsContext, returnId: string, lines: readonly Returns.ReceiveLine[]): Promise<Arrival[]> {
  lines.forEach((line, i) => {
    if ((line.productId === undefined) === (line.barcode === undefined)) {
      throw new InvalidField({ in: "body", path: `/lines/${i}`, message: "names its product by productId or by barcode, not both" });
    }
  });
  const barcodes = lines.flatMap((line) => (line.barcode === undefined ? [] : [line.barcode]));
  const byBarcode = new Map((await ctx.products.findByBarcodes(barcodes)).map((p) => [p.barcode, p.id]));
  return lines.map((line) => {
    const productId = line.productId?.toLowerCase() ?? byBarcode.get(line.barcode ?? "");
    if (!productId) throw new ReturnLineNotFound(returnId, { barcode: line.barcode });
    const shelfId = line.shelfId === Returns.QUARANTINE ? line.shelfId : line.shelfId.toLowerCase();
    return { productId, quantity: line.quantity, shelfId, condition: line.condition, ...(line.warehouseId ? { warehouseId: line.warehouseId.toLowerCase() } : {}) };
  });
}

/** Which line each arrival counts on: lines of its product with room, in line order; more than the room is refused. */
function planOnLines(returnId: string, lines: readonly repo.LineRow[], arrivals: readonly Arrival[]): { lineNo: number; arrival: Arrival; quantity: number }[] {
  const room = new Map(lines.map((line) => [line.lineNo, line.quantityClaimed - receivedOf(line)]));
  const plan: { lineNo: number; arrival: Arrival; quantity: number }[] = [];
  for (const arrival of arrivals) {
    const own = lines.filter((line) => line.productId === arrival.productId);
    if (own.length === 0) throw new ReturnLineNotFound(returnId, { productId: arrival.productId });
    let left = arrival.quantity;
    for (const line of own) {
      const take = Math.min(left, room.get(line.lineNo) ?? 0);
      if (take <= 0) continue;
      room.set(line.lineNo, (room.get(line.lineNo) ?? 0) - take);
      plan.push({ lineNo: line.lineNo, arrival, quantity: take });
      left -= take;
    }
    if (left > 0) {
      const expected = own.reduce((sum, line) => sum + line.quantityClaimed - receivedOf(line), 0);
      const requested = arrivals.filter((a) => a.productId === arrival.productId).reduce((sum, a) => sum + a.quantity, 0);
      throw new ReturnOverReceived({ returnId, productId: arrival.productId, requested, expected });
    }
  }
  return plan;
}

/** The warehouse the first unit taken back of a product had shipped from: where quarantine goes unless staff name one. */
function warehouseShippedFrom(taken: readonly Allocation[], productId: string): string {
  const found = taken.find((a) => a.productId === productId);
  if (!found) throw new Error(`no shipped unit of ${productId} was taken back`);
  return found.warehouseId;
}

function unitsPerProduct(arrivals: readonly Arrival[]): Map<string, number> {
  const units = new Map<string, number>();
  for (const a of arrivals) units.set(a.productId, (units.get(a.productId) ?? 0) + a.quantity);
  return units;
}

/**
 * Receives the arrivals on a return whose order row the caller locked, inside its transaction:
 * stock first (shelves, quarantine, their ledger rows), then the return's lines and status.
 */
export async function receiveInTransaction(
  ctx: ReturnsContext,
  tx: Transaction,
  order: ReturnableOrder,
  returnId: string,
  arrivals: readonly Arrival[],
  actorId: string | null,
): Promise<ReceiptOutcome> {
  const lines = await repo.linesOf(tx, [returnId]);
  const plan = planOnLines(returnId, lines, arrivals);
  const { taken, short } = await takeBackShipped(tx, order.id, unitsPerProduct(arrivals));
  if (short.length > 0) throw new ReturnExceedsShipped(order.id, short);
  const shippedFrom = (productId: string) => warehouseShippedFrom(taken, productId);
  const context = { actorId, correlationId: order.id, reason: `order #${order.number} returned (return ${returnId})` };
  const toShelves = arrivals.filter((a) => a.shelfId !== Returns.QUARANTINE);
  const restocked = await ctx.inventory.restockInTransaction(tx, toShelves.map(({ productId, shelfId, quantity }) => ({ productId, shelfId, quantity })), context);
  const aside = arrivals.filter((a) => a.shelfId === Returns.QUARANTINE).map((a) => ({ ...a, warehouseId: a.warehouseId ?? shippedFrom(a.productId) }));
  await ctx.inventory.quarantineInTransaction(tx, aside.map(({ productId, warehouseId, quantity }) => ({ productId, warehouseId, quantity })), context);
  const receivedAt = new Date().toISOString();
  for (const { lineNo, arrival, quantity } of plan) {
    const quarantined = arrival.shelfId === Returns.QUARANTINE;
    const warehouseId = quarantined
      ? (arrival.warehouseId ?? shippedFrom(arrival.productId))
      : (restocked.find((r) => r.shelfId === arrival.shelfId)?.warehouseId ?? shippedFrom(arrival.productId));
    await repo.receiveOnLine(tx, returnId, lineNo, {
      quantity,
      to: quarantined ? "QUARANTINE" : "SHELF",
      shelfId: quarantined ? null : arrival.shelfId,
      warehouseId,
      condition: arrival.condition,
      receivedAt,
      receivedBy: actorId,
    });
  }
  const after = await repo.linesOf(tx, [returnId]);
  const row = await repo.updateReturn(tx, returnId, { status: statusOf(order.id, after), attentionReasons: attentionOf(order.id, after) });
  await markReturnedWhenAllBack(tx, order);
  return { row, restocked: restocked.map(({ productId, warehouseId }) => ({ productId, warehouseId })) };
}

/** After commit: the marketplaces should hear of restocked units soon (quarantined ones change nothing sellable). */
export async function announceRestock(ctx: ReturnsContext, orderId: string, restocked: ReceiptOutcome["restocked"]): Promise<void> {
  if (restocked.length === 0) return;
  await ctx.inventory.announce({ productIds: restocked.map((r) => r.productId), warehouseIds: restocked.map((r) => r.warehouseId), correlationId: orderId });
}

/** POST /returns/:id/receive: the stock locks of the products, then the order's and the return's rows. */
export async function receive(ctx: ReturnsContext, actorId: string | null, returnId: string, body: Returns.ReceiveBody): Promise<repo.ReturnRow> {
  const current = await repo.returnRow(ctx.db, returnId);
  if (!current) throw new ReturnNotFound(returnId);
  const orderId = current.orderId;
  if (!orderId) throw new ReturnWithoutOrder(returnId, current.externalOrderNumber);
  const arrivals = await arrivalsOf(ctx, returnId, body.lines);
  const keys = [...new Set(arrivals.map((a) => a.productId))].sort().map(stockLockKey);
  const outcome = await ctx.locks.withLocks(keys, () =>
    ctx.db.transaction(async (tx) => {
      const order = await lockReturnableOrder(tx, orderId);
      if (!order) throw new OrderNotFound(orderId);
      if (!(await repo.lockReturn(tx, returnId))) throw new ReturnNotFound(returnId);
      return receiveInTransaction(ctx, tx, order, returnId, arrivals, actorId);
    }),
  );
  await announceRestock(ctx, orderId, outcome.restocked);
  ctx.log.info({ returnId, orderId, lines: arrivals.length, status: outcome.row.status, actorId }, "return received");
  return outcome.row;
}

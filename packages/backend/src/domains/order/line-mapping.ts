/**
 * Staff map a marketplace order line no product matched (UNKNOWN_BARCODE) to the product it is:
 * the line becomes an order item at the price the marketplace charged, and once no line of the
 * order waits any more it is taken in through the marketplace reservation (OVERSOLD when short),
 * like intake would have taken it in had the barcode matched (marketplace-reservation.ts).
 */
import type { Orders } from "@pazarsync/shared";
import { Forbidden } from "../../infra/errors";
import { stockLockKeysOf } from "../inventory/service";
import { OrderLineNotFound, OrderLineNotUnmatched, OrderLineUnreadable, OrderNotFound, UnknownProduct } from "./errors";
import { reportReservation, stillOpen, takeInWhenClear } from "./marketplace-reservation";
import { lineProblem } from "./order-examination";
import { priceOrder } from "./pricing";
import * as repo from "./repository";
import type { OrderContext } from "./service";
import { isStaff, type OrderActor, present } from "./transitions";
import { attentionLineFields } from "./views";

/** Another delivery added lines between reading the order and locking it: read again, a few times. */
const ATTEMPTS = 3;

class OrderChangedMeanwhile extends Error {}

export async function mapAttentionLine(ctx: OrderContext, actor: OrderActor, orderId: string, lineNo: number, productId: string): Promise<Orders.Order> {
  if (!isStaff(actor)) throw new Forbidden("Only staff may do this", { required: ["staff", "admin"] });
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await mapOnce(ctx, actor, orderId, lineNo, productId);
    } catch (error) {
      if (!(error instanceof OrderChangedMeanwhile) || attempt >= ATTEMPTS) throw error;
    }
  }
}

async function mapOnce(ctx: OrderContext, actor: OrderActor, orderId: string, lineNo: number, productId: string): Promise<Orders.Order> {
  const row = await repo.orderRow(ctx.db, orderId);
  if (!row) throw new OrderNotFound(orderId);
  const itemProducts = (await repo.itemsOf(ctx.db, [row.id])).map((item) => item.productId);
  const quote = await ctx.stores.quoteForOrder(row.storeId, { productIds: [...new Set([productId, ...itemProducts])], barcodes: [] });
  const product = quote?.products.find((p) => p.id === productId);
  if (!quote || !product) throw new UnknownProduct([productId], []);
  const store = { id: row.storeId, type: quote.store.type, warehouseIds: quote.store.warehouseIds };
  const quoted = new Set(quote.products.map((p) => p.id));

  const outcome = await ctx.locks.withLocks(stockLockKeysOf(quote.products), () =>
    ctx.db.transaction(async (tx) => {
      const locked = await repo.lockOrder(tx, row.id);
      if (!locked) throw new OrderNotFound(orderId);
      const [items, lines] = await Promise.all([repo.itemsOf(tx, [locked.id]), repo.attentionLinesOf(tx, [locked.id])]);
      // The reservation below needs the stock locks of every item's product.
      if (items.some((item) => !quoted.has(item.productId))) throw new OrderChangedMeanwhile();
      const line = lines.find((l) => l.lineNo === lineNo);
      if (!line) {
        if (items.some((item) => item.lineNo === lineNo)) throw new OrderLineNotUnmatched(orderId, lineNo, { status: locked.status, reason: null });
        throw new OrderLineNotFound(orderId, lineNo);
      }
      const fields = attentionLineFields(line);
      const waiting = stillOpen({ quantity: fields.quantity, cancelledQuantity: line.cancelledQuantity });
      if (locked.status !== "NEEDS_ATTENTION" || line.reason !== "UNKNOWN_BARCODE" || !waiting) {
        throw new OrderLineNotUnmatched(orderId, lineNo, { status: locked.status, reason: line.reason });
      }
      const problem = lineProblem(fields, product);
      if (problem) throw new OrderLineUnreadable(orderId, lineNo, problem);
      const [item] = priceOrder(locked.currency, [{ product, quantity: fields.quantity, unitPrice: fields.unitPrice }]).items;
      if (!item) throw new Error("a priced line lost its item");
      await repo.deleteAttentionLine(tx, locked.id, lineNo);
      await repo.insertItems(tx, locked.id, [{ ...item, lineNo, externalLineId: fields.lineId ?? null, cancelledQuantity: line.cancelledQuantity }]);
      return takeInWhenClear(ctx, tx, locked, store);
    }),
  );
  const externalOrderId = row.externalOrderId ?? "";
  if (outcome.reservation) await reportReservation(ctx, { id: row.id, storeId: row.storeId, externalOrderId, total: outcome.row.total }, outcome.reservation);
  ctx.log.info({ orderId: row.id, lineNo, productId, actorId: actor.userId, status: outcome.row.status }, "marketplace order line mapped by staff");
  if (outcome.row.status !== "NEEDS_ATTENTION") await ctx.attention.changed();
  return present(ctx, outcome.row, actor);
}

/**
 * Returns as records of their own: what was claimed, what came back, where it went, and the
 * decision. Web returns are recorded by staff; marketplace claims by recordClaim (the claims pull).
 * Depends on order (its row lock, shipped units, command records), inventory (restock, quarantine)
 * and catalog (barcodes, set components); nothing depends on returns.
 */
import type { Orders, Returns } from "@pazarsync/shared";
import type { Database } from "../../infra/db";
import type { LockPort } from "../../infra/locks";
import type { Logger } from "../../infra/logger";
import type { PageRequest } from "../../http/pagination";
import type { InventoryService } from "../inventory/service";
import { stockLockKey } from "../inventory/service";
import type { NormalisedClaim } from "../marketplace/order-commands";
import { OrderNotFound } from "../order/errors";
import { assertTransition, commandsOfReturn, lockReturnableOrder, type OrderActor, type OrderService, returnableOrder, shippedUnits } from "../order/service";
import { recordClaim, rematchWaitingClaims } from "./claims";
import { decide } from "./decisions";
import { NothingToReturn, ReturnExceedsShipped, ReturnNotFound } from "./errors";
import type { PortFor } from "./ports";
import { announceRestock, receive, receiveInTransaction } from "./receipt";
import * as repo from "./repository";
import { attentionOf, type LineProducts, namedLines, outstandingLines, statusOf, withOrderSets } from "./return-lines";
import { toReturn } from "./views";

export interface ReturnsServiceDeps {
  db: Database;
  locks: LockPort;
  log: Logger;
  products: LineProducts;
  inventory: Pick<InventoryService, "restockInTransaction" | "quarantineInTransaction" | "announce">;
  orders: Pick<OrderService, "presentOrder">;
  /** The store's adapter port (approve/reject support, the claims pull); services.ts builds it from the store's settings. */
  portFor: PortFor;
  /** Called after commit when a decision recorded a command to send (services.ts: the command worker's kick). */
  commandsRecorded?: () => void;
}

export type ReturnsContext = ReturnsServiceDeps;

export function createReturnsService(ctx: ReturnsServiceDeps) {
  const { db } = ctx;

  async function show(row: repo.ReturnRow): Promise<Returns.Return> {
    const [lines, commands] = await Promise.all([repo.linesOf(db, [row.id]), commandsOfReturn(db, row.id)]);
    return toReturn(row, lines, commands);
  }

  async function requireOrder(orderId: string) {
    const order = await returnableOrder(db, orderId);
    if (!order) throw new OrderNotFound(orderId);
    return order;
  }

  return {
    async listReturns(filter: repo.ReturnFilter, page: PageRequest): Promise<Returns.ReturnPage> {
      const { rows, total } = await repo.returnRowsPage(db, { ...filter, storeId: filter.storeId?.toLowerCase(), orderId: filter.orderId?.toLowerCase() }, page.limit, page.offset);
      const ids = rows.map((row) => row.id);
      const lines = await repo.linesOf(db, ids);
      const commands = (await Promise.all(ids.map((id) => commandsOfReturn(db, id)))).flat();
      return { items: rows.map((row) => toReturn(row, lines, commands)), page: page.page, limit: page.limit, total };
    },

    async getReturn(returnId: string): Promise<Returns.Return> {
      const row = await repo.returnRow(db, returnId.toLowerCase());
      if (!row) throw new ReturnNotFound(returnId);
      return show(row);
    },

    /** A web return to be received later: the named ordered products (sets opened up), or everything still out with the buyer. */
    async createWebReturn(actorId: string | null, body: Returns.CreateReturnBody): Promise<Returns.Return> {
      const order = await requireOrder(body.orderId.toLowerCase());
      const shipped = await shippedUnits(db, order.id);
      if (shipped.size === 0) throw new NothingToReturn(order.id, order.status);
      const named = body.lines ? await namedLines(ctx.products, order, body.lines.map((l) => ({ ...l, productId: l.productId.toLowerCase() }))) : undefined;
      if (named && "missing" in named) {
        const requested = body.lines?.filter((l) => l.productId.toLowerCase() === named.missing).reduce((sum, l) => sum + l.quantity, 0) ?? 0;
        throw new ReturnExceedsShipped(order.id, [{ productId: named.missing, requested, shipped: 0 }]);
      }
      const lines = named ?? (await outstandingLines(ctx.products, order, shipped));
      const asked = new Map<string, number>();
      for (const line of lines) if (line.productId) asked.set(line.productId, (asked.get(line.productId) ?? 0) + line.quantityClaimed);
      const short = [...asked].filter(([id, n]) => (shipped.get(id) ?? 0) < n).map(([productId, requested]) => ({ productId, requested, shipped: shipped.get(productId) ?? 0 }));
      if (short.length > 0) throw new ReturnExceedsShipped(order.id, short);
      const row = await repo.insertReturn(
        db,
        { storeId: order.storeId, orderId: order.id, source: "WEB", status: statusOf(order.id, lines), attentionReasons: attentionOf(order.id, lines), createdBy: actorId },
        lines,
      );
      ctx.log.info({ returnId: row.id, orderId: order.id, lines: lines.length, actorId }, "web return recorded");
      return show(row);
    },

    /**
     * POST /orders/:id/return, as before: everything still out with the buyer goes back onto the
     * shelf at once. Now recorded as a web return, received in the same transaction (RECEIVED).
     * Answers the order, as the route always did, and the return's id.
     */
    async returnWholeOrder(actor: OrderActor, orderId: string, shelfId: string): Promise<{ order: Orders.Order; returnId: string }> {
      const id = orderId.toLowerCase();
      const before = await requireOrder(id);
      assertReturnable(before);
      const keys = [...(await shippedUnits(db, id)).keys()].sort().map(stockLockKey);
      const products = await withOrderSets(ctx.products, before);
      const outcome = await ctx.locks.withLocks(keys, () =>
        db.transaction(async (tx) => {
          const order = await lockReturnableOrder(tx, id);
          if (!order) throw new OrderNotFound(id);
          assertReturnable(order);
          const shipped = await shippedUnits(tx, id);
          const lines = await outstandingLines(products, order, shipped);
          const row = await repo.insertReturn(tx, { storeId: order.storeId, orderId: id, source: "WEB", status: "REQUESTED", attentionReasons: [], createdBy: actor.userId }, lines);
          const arrivals = [...shipped].map(([productId, quantity]) => ({ productId, quantity, shelfId: shelfId.toLowerCase(), condition: null }));
          return receiveInTransaction(ctx, tx, order, row.id, arrivals, actor.userId);
        }),
      );
      await announceRestock(ctx, id, outcome.restocked);
      ctx.log.info({ orderId: id, returnId: outcome.row.id, actorId: actor.userId }, "order returned");
      return { order: await ctx.orders.presentOrder(actor, id), returnId: outcome.row.id };
    },

    async receive(actorId: string | null, returnId: string, body: Returns.ReceiveBody): Promise<Returns.Return> {
      return show(await receive(ctx, actorId, returnId.toLowerCase(), body));
    },

    async approve(actorId: string | null, returnId: string): Promise<Returns.Return> {
      return show((await decide(ctx, actorId, returnId.toLowerCase(), "APPROVED", null)).row);
    },

    async reject(actorId: string | null, returnId: string, reason: string): Promise<Returns.Return> {
      return show((await decide(ctx, actorId, returnId.toLowerCase(), "REJECTED", reason.trim())).row);
    },

    /** The order's returns (id, source, status, decision), for the order's staff view. */
    returnsOfOrder: (orderId: string) => repo.returnsOfOrder(db, orderId),

    /** A claim read from the store's marketplace; idempotent on (store, claim id). */
    recordClaim: (storeId: string, claim: NormalisedClaim) => recordClaim(ctx, storeId, claim),

    /** Claims kept without their order whose order has come in since (the claims pull runs it first). */
    rematchWaitingClaims: (storeId: string) => rematchWaitingClaims(ctx, storeId),
  };
}

/** The order's return route keeps its answer: 409 INVALID_TRANSITION when the order cannot become RETURNED. */
function assertReturnable(order: { status: Orders.OrderStatus }): void {
  assertTransition(order.status, "RETURNED");
}

export type ReturnsService = ReturnType<typeof createReturnsService>;
export { createPortFor, type PortFor } from "./ports";
export type { ClaimOutcome } from "./claims";

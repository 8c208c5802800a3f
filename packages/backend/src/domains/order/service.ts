import type { Orders } from "@pazarsync/shared";
import { Registry } from "prom-client";
import type { Database } from "../../infra/db";
import type { LockPort } from "../../infra/locks";
import type { Logger } from "../../infra/logger";
import type { PageRequest } from "../../http/pagination";
import type { StoreService } from "../catalog/service";
import type { InventoryService, ReservationRow } from "../inventory/service";
import { OrderNotFound } from "./errors";
import { createIdempotency, type Idempotency } from "./idempotency";
import { createOrderMetrics, type OrderMetrics } from "./metrics";
import { createIntake } from "./intake";
import { mapAttentionLine } from "./line-mapping";
import { type Placement, type Placer, placeOrder } from "./placement";
import * as repo from "./repository";
import { createTransitions, type OrderActor, present, visibleTo } from "./transitions";
import { toOrder } from "./views";

export type { OrderActor } from "./transitions";
export type { IntakeResult, MarketplaceCancellation, MarketplaceCancellationInput, MarketplaceOrderInput } from "./intake";
export type { Placement } from "./placement";
export type { TransitionResult } from "./transitions";
// The returns domain's view of orders: it records returns and their commands through these, never the order tables.
export { lockReturnableOrder, markReturnedWhenAllBack, marketplaceOrder, returnableOrder, shippedUnits, takeBackShipped, type ReturnableOrder } from "./return-support";
export { commandsOfReturn, recordCommand, type CommandRow } from "./command-records";
export { assertTransition } from "./status";

export interface OrderServiceDeps {
  db: Database;
  locks: LockPort;
  log: Logger;
  stores: StoreService;
  inventory: InventoryService;
  /** Where the order counters register; a private one when absent (scripts). */
  registry?: Registry;
}

/** Who hears that an order left NEEDS_ATTENTION by a staff action (the needing-attention gauge); never throws. */
export interface AttentionNotices {
  changed(): Promise<void>;
}

/** What every order operation works with: the service's dependencies, its idempotency store and counters. */
export interface OrderContext extends OrderServiceDeps {
  idempotency: Idempotency;
  metrics: OrderMetrics;
  attention: AttentionNotices;
}

/** What catalog answers for an order (catalog/order-quote.ts). */
export type OrderQuote = NonNullable<Awaited<ReturnType<StoreService["quoteForOrder"]>>>;
export type QuotedProduct = OrderQuote["products"][number];

/** A signed-in caller as the identity guard resolves it. */
export type OrderCaller = Placer;

export interface OrderListFilter {
  status?: Orders.OrderStatus;
  storeId?: string;
}

export function createOrderService(deps: OrderServiceDeps) {
  const attentionListeners: (() => Promise<void>)[] = [];
  const ctx: OrderContext = {
    ...deps,
    idempotency: createIdempotency({ db: deps.db, log: deps.log }),
    metrics: createOrderMetrics(deps.registry ?? new Registry()),
    attention: {
      async changed() {
        for (const listener of attentionListeners) {
          try {
            await listener();
          } catch (error) {
            deps.log.warn({ err: error }, "a needing-attention listener failed");
          }
        }
      },
    },
  };
  const transitions = createTransitions(ctx);
  const intake = createIntake(ctx, transitions);

  return {
    /** Places an order for the caller; 201 answers are replayed for a repeated Idempotency-Key. */
    placeOrder: (caller: OrderCaller, body: Orders.PlaceOrderBody, idempotencyKey: string | null | undefined): Promise<Placement> =>
      placeOrder(ctx, caller, body, idempotencyKey),

    /** The caller's own order, or any order for staff (with its allocations); 404 ORDER_NOT_FOUND otherwise. */
    async getOrder(caller: OrderCaller, orderId: string): Promise<Orders.Order> {
      const row = await repo.orderRow(ctx.db, orderId.toLowerCase());
      if (!row || !visibleTo(caller, row)) throw new OrderNotFound(orderId);
      return present(ctx, row, caller);
    },

    /** Newest first; a customer sees only their own orders. Items for the whole page in one query. */
    async listOrders(caller: OrderCaller, filter: OrderListFilter, page: PageRequest): Promise<Orders.OrderPage> {
      const customerId = caller.role === "customer" ? caller.userId : undefined;
      const { rows, total } = await repo.orderRowsPage(ctx.db, { ...filter, storeId: filter.storeId?.toLowerCase(), customerId }, page.limit, page.offset);
      const ids = rows.map((row) => row.id);
      const marketplaceIds = rows.filter((row) => row.externalOrderId !== null).map((row) => row.id);
      const [items, attentionLines] = await Promise.all([repo.itemsOf(ctx.db, ids), repo.attentionLinesOf(ctx.db, marketplaceIds)]);
      return { items: rows.map((row) => toOrder(row, items, undefined, attentionLines)), page: page.page, limit: page.limit, total };
    },

    confirmOrder: (actor: OrderActor, orderId: string): Promise<Orders.Order> => transitions.confirm(actor, orderId.toLowerCase()).then((r) => r.order),
    cancelOrder: (actor: OrderActor, orderId: string): Promise<Orders.Order> => transitions.cancel(actor, orderId.toLowerCase()).then((r) => r.order),
    shipOrder: (actor: OrderActor, orderId: string): Promise<Orders.Order> => transitions.ship(actor, orderId.toLowerCase()).then((r) => r.order),
    deliverOrder: (actor: OrderActor, orderId: string): Promise<Orders.Order> => transitions.deliver(actor, orderId.toLowerCase()).then((r) => r.order),
    /** The order as this actor sees it (staff: with allocations), after another domain changed it (a return). */
    async presentOrder(actor: OrderActor, orderId: string): Promise<Orders.Order> {
      const row = await repo.orderRow(ctx.db, orderId);
      if (!row || !visibleTo(actor, row)) throw new OrderNotFound(orderId);
      return present(ctx, row, actor);
    },

    /** Staff map an unmatched marketplace line (UNKNOWN_BARCODE) to a product; the order reserves once no line waits. */
    mapAttentionLine: (actor: OrderActor, orderId: string, lineNo: number, productId: string): Promise<Orders.Order> =>
      mapAttentionLine(ctx, actor, orderId.toLowerCase(), lineNo, productId.toLowerCase()),

    /** Called after a staff action moves an order out of NEEDS_ATTENTION (mapping a line, cancelling it). */
    onNeedingAttentionChanged(listener: () => Promise<void>): void {
      attentionListeners.push(listener);
    },

    intakeMarketplaceOrder: intake.intakeMarketplaceOrder,
    cancelMarketplaceOrder: intake.cancelMarketplaceOrder,

    /** Orders in NEEDS_ATTENTION per store: the marketplace_orders_needing_attention gauge. */
    needingAttentionCounts: () => repo.needingAttentionCounts(ctx.db),

    /** Open (RESERVED) allocations per product and warehouse: inventory's invariant check compares reserved with it. */
    openAllocations: (productIds?: readonly string[]): Promise<ReservationRow[]> => repo.openAllocationSums(ctx.db, productIds),
  };
}

export type OrderService = ReturnType<typeof createOrderService>;

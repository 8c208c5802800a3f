import type { OrderCommands, Orders } from "@pazarsync/shared";
import { Registry } from "prom-client";
import type { Database } from "../../infra/db";
import { Forbidden } from "../../infra/errors";
import type { LockPort } from "../../infra/locks";
import type { Logger } from "../../infra/logger";
import type { PageRequest } from "../../http/pagination";
import type { StoreService } from "../catalog/service";
import type { InventoryService, ReservationRow } from "../inventory/service";
import type { CommandPorts } from "./command-ports";
import { commandById, listCommands, retryFailed } from "./command-queue";
import { OrderCommandNotFailed, OrderCommandNotFound, OrderNotFound } from "./errors";
import { shippingLabel } from "./labels";
import type { ShippingLabel } from "../marketplace/order-commands";
import { takeStep } from "./fulfilment";
import { DEFAULT_DISPATCH_WARNING_MS, registerDispatchMetrics } from "./dispatch-deadlines";
import { createIdempotency, type Idempotency } from "./idempotency";
import { createOrderMetrics, type OrderMetrics } from "./metrics";
import { createIntake } from "./intake";
import { mapAttentionLine } from "./line-mapping";
import { type Placement, type Placer, placeOrder } from "./placement";
import * as repo from "./repository";
import { createTransitions, isStaff, type OrderActor, present, visibleTo } from "./transitions";
import { unsupply } from "./unsupply";
import { toCommand, toOrder } from "./views";

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
  /** Each store's way to its marketplace for order commands; absent, no store has one (scripts). */
  commandPorts?: CommandPorts;
  /** ORDER_DISPATCH_WARNING_MS: how near its dispatch deadline an open order counts as due soon. */
  dispatchWarningMs?: number;
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
  /** The order commands' seam, and the notice that commands were committed (the worker sends them soon). */
  commands: { ports: CommandPorts; recorded(): void };
  /** The order's returns for staff views; the returns domain (built after orders) installs the reader. */
  returns: { of(orderId: string): Promise<Orders.OrderReturn[]> };
}

/** What catalog answers for an order (catalog/order-quote.ts). */
export type OrderQuote = NonNullable<Awaited<ReturnType<StoreService["quoteForOrder"]>>>;
export type QuotedProduct = OrderQuote["products"][number];

/** A signed-in caller as the identity guard resolves it. */
export type OrderCaller = Placer;

export interface OrderListFilter {
  status?: Orders.OrderStatus;
  storeId?: string;
  /** ISO instant (staff only): open orders due for dispatch before it, soonest first. */
  dueBefore?: string;
}

export function createOrderService(deps: OrderServiceDeps) {
  const attentionListeners: (() => Promise<void>)[] = [];
  const commandListeners: (() => void)[] = [];
  const registry = deps.registry ?? new Registry();
  const ctx: OrderContext = {
    ...deps,
    idempotency: createIdempotency({ db: deps.db, log: deps.log }),
    metrics: createOrderMetrics(registry),
    commands: {
      ports: deps.commandPorts ?? (async () => undefined),
      recorded: () => {
        for (const listener of commandListeners) listener();
      },
    },
    returns: { of: async () => [] },
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
  registerDispatchMetrics(registry, { db: deps.db, warningMs: deps.dispatchWarningMs ?? DEFAULT_DISPATCH_WARNING_MS });
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
      // Dispatch deadlines are the warehouse's business: a customer asking is told so, not shown an empty list.
      if (filter.dueBefore !== undefined && !isStaff(caller)) throw new Forbidden("Only staff may list orders by dispatch deadline", { required: ["staff", "admin"] });
      const dueBefore = filter.dueBefore === undefined ? undefined : new Date(filter.dueBefore);
      const { rows, total } = await repo.orderRowsPage(ctx.db, { status: filter.status, storeId: filter.storeId?.toLowerCase(), customerId, dueBefore }, page.limit, page.offset);
      const ids = rows.map((row) => row.id);
      const marketplaceIds = rows.filter((row) => row.externalOrderId !== null).map((row) => row.id);
      const [items, attentionLines] = await Promise.all([repo.itemsOf(ctx.db, ids), repo.attentionLinesOf(ctx.db, marketplaceIds)]);
      return { items: rows.map((row) => toOrder(row, items, undefined, attentionLines)), page: page.page, limit: page.limit, total };
    },

    confirmOrder: (actor: OrderActor, orderId: string): Promise<Orders.Order> => transitions.confirm(actor, orderId.toLowerCase()).then((r) => r.order),
    cancelOrder: (actor: OrderActor, orderId: string, body?: OrderCommands.CancelBody): Promise<Orders.Order> =>
      transitions.cancel(actor, orderId.toLowerCase(), { reason: body?.reason }).then((r) => r.order),
    pickOrder: (actor: OrderActor, orderId: string, body: OrderCommands.PickBody = {}): Promise<Orders.Order> =>
      takeStep(ctx, actor, orderId.toLowerCase(), { kind: "PICK", lines: body.lines, data: {} }),
    invoiceOrder: (actor: OrderActor, orderId: string, body: OrderCommands.InvoiceBody): Promise<Orders.Order> =>
      takeStep(ctx, actor, orderId.toLowerCase(), { kind: "INVOICE", lines: body.lines, data: { invoiceNumber: body.invoiceNumber, ...(body.invoiceLink && { invoiceLink: body.invoiceLink }) } }),
    shipOrder: (actor: OrderActor, orderId: string, body: OrderCommands.ShipBody = {}): Promise<Orders.Order> =>
      takeStep(ctx, actor, orderId.toLowerCase(), {
        kind: "SHIP",
        lines: body.lines,
        data: { ...(body.carrier && { carrier: body.carrier }), ...(body.trackingNumber && { trackingNumber: body.trackingNumber }) },
      }),
    unsupplyOrder: (actor: OrderActor, orderId: string, body: OrderCommands.UnsupplyBody): Promise<Orders.Order> => unsupply(ctx, actor, orderId.toLowerCase(), body),
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

    /** How staff views of one order list its returns (set by services.ts: returns depends on orders, not back). */
    readReturnsWith(reader: (orderId: string) => Promise<Orders.OrderReturn[]>): void {
      ctx.returns.of = reader;
    },

    /** Called (synchronously, after commit) whenever a staff step recorded commands: the worker's kick. */
    onCommandsRecorded(listener: () => void): void {
      commandListeners.push(listener);
    },

    /** A marketplace order's shipping label from its marketplace (staff). */
    orderLabel: (orderId: string): Promise<ShippingLabel> => shippingLabel(ctx, orderId.toLowerCase()),

    /** The seam the command worker resolves each store's port through (the same the steps record with). */
    commandPorts: (): CommandPorts => ctx.commands.ports,

    /** Staff's view of the outbox: by state (FAILED: the dead letters) and store, latest change first. */
    async listCommands(query: OrderCommands.CommandListQuery): Promise<OrderCommands.CommandList> {
      const rows = await listCommands(ctx.db, { state: query.state, storeId: query.storeId?.toLowerCase() }, Number(query.limit ?? 50));
      return { items: rows.map(toCommand) };
    },

    /** A dead letter sent again (staff fixed the cause at the marketplace or in the store's settings). */
    async retryCommand(commandId: string): Promise<OrderCommands.Command> {
      const id = commandId.toLowerCase();
      const row = await retryFailed(ctx.db, id, new Date());
      if (!row) {
        const existing = await commandById(ctx.db, id);
        if (!existing) throw new OrderCommandNotFound(commandId);
        throw new OrderCommandNotFailed(commandId, existing.state);
      }
      ctx.log.info({ commandId: id, orderId: row.orderId, kind: row.kind }, "failed order command retried by staff");
      ctx.commands.recorded();
      return toCommand(row);
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

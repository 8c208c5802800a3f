/** Status changes after placement: confirm, cancel, ship, deliver (returns are the returns domain's, through return-support.ts). */
import type { Orders } from "@pazarsync/shared";
import { Forbidden } from "../../infra/errors";
import type { Role } from "../identity/model";
import { type Allocation, type StockContext, stockLockKey, type Transaction } from "../inventory/service";
import type { UnsupplyReason } from "../marketplace/order-commands";
import { commandsOf } from "./command-records";
import { OrderNotFound } from "./errors";
import { channelOf, openUnits, recordStep } from "./command-steps";
import * as repo from "./repository";
import { assertTransition, type OrderStatus } from "./status";
import type { OrderContext } from "./service";
import { toOrder } from "./views";
import { announceAllocations } from "./allocation-announce";

/** Who acts on an order: a signed-in user, or the system (marketplace intake and cancellations). */
export type OrderActor = { userId: string; role: Role } | { userId: null; role: "system" };

export const SYSTEM: OrderActor = { userId: null, role: "system" };

export const isStaff = (actor: OrderActor) => actor.role === "staff" || actor.role === "admin" || actor.role === "system";

type AllocationState = Orders.AllocationState;

/** What a transition does to the stock held for the order, inside the order's transaction. */
interface StockEffect {
  from: AllocationState;
  to: AllocationState;
  apply(tx: Transaction, allocations: readonly Allocation[], context: StockContext): Promise<void>;
}

interface TransitionSpec {
  to: OrderStatus;
  verb: string;
  stock?: StockEffect;
  /** Asking for the status the order already has succeeds without doing anything (marketplace cancellations repeat). */
  repeatIsNoop?: boolean;
  /** Only staff (and the system) may; a customer may only cancel. */
  staffOnly?: boolean;
  /** Records what the marketplace must be told, in the transaction of the change; answers how many commands. */
  record?: (tx: Transaction, row: repo.OrderRow) => Promise<number>;
}

export interface TransitionResult {
  order: Orders.Order;
  changed: boolean;
}

/** A customer sees only their own orders; anyone else's answers 404 like a missing one. */
export function visibleTo(actor: OrderActor, row: repo.OrderRow): boolean {
  return isStaff(actor) || row.customerId === actor.userId;
}

/** The order as this actor may see it: staff get the allocations too. */
export async function present(ctx: OrderContext, row: repo.OrderRow, actor: OrderActor): Promise<Orders.Order> {
  const staff = isStaff(actor);
  const [items, attentionLines, allocations, commands, returns] = await Promise.all([
    repo.itemsOf(ctx.db, [row.id]),
    row.externalOrderId === null ? [] : repo.attentionLinesOf(ctx.db, [row.id]),
    staff ? repo.allocationsOf(ctx.db, row.id) : undefined,
    staff ? commandsOf(ctx.db, row.id) : undefined,
    staff ? ctx.returns.of(row.id) : undefined,
  ]);
  const order = toOrder(row, items, allocations, attentionLines, commands);
  if (returns) order.returns = returns;
  return order;
}

/**
 * Takes the stock locks of every product the order holds (sorted, like every stock writer),
 * then in one transaction locks the order row, re-checks the status there, moves the stock and
 * the allocations, and sets the status. Announces the stock change after commit.
 */
async function transition(ctx: OrderContext, actor: OrderActor, orderId: string, spec: TransitionSpec): Promise<TransitionResult> {
  if (spec.staffOnly && !isStaff(actor)) throw new Forbidden("Only staff may do this", { required: ["staff", "admin"] });
  const current = await repo.orderRow(ctx.db, orderId);
  if (!current || !visibleTo(actor, current)) throw new OrderNotFound(orderId);
  if (!(spec.repeatIsNoop && current.status === spec.to)) assertTransition(current.status, spec.to);
  const productIds = spec.stock ? await repo.allocatedProductIds(ctx.db, orderId) : [];
  const run = () =>
    ctx.db.transaction(async (tx) => {
      const locked = await repo.lockOrder(tx, orderId);
      if (!locked) throw new OrderNotFound(orderId);
      if (spec.repeatIsNoop && locked.status === spec.to) return { row: locked, changed: false, touched: [], from: locked.status, recorded: 0 };
      // Checked again under the row lock: another request may have moved the order meanwhile.
      assertTransition(locked.status, spec.to);
      const touched = spec.stock ? await repo.allocationsOf(tx, orderId, spec.stock.from) : [];
      if (spec.stock && touched.length > 0) {
        const context = { actorId: actor.userId, correlationId: orderId, reason: `order #${locked.number} ${spec.verb}` };
        await spec.stock.apply(tx, touched.map(({ productId, warehouseId, quantity }) => ({ productId, warehouseId, quantity })), context);
        await repo.moveAllocations(tx, orderId, spec.stock.from, spec.stock.to);
      }
      const row = await repo.setStatus(tx, orderId, spec.to);
      const recorded = spec.record ? await spec.record(tx, row) : 0;
      return { row, changed: true, touched, from: locked.status, recorded };
    });
  const outcome = productIds.length > 0 ? await ctx.locks.withLocks(productIds.map(stockLockKey), run) : await run();
  await announceAllocations(ctx.inventory, outcome.touched, orderId);
  if (outcome.changed) ctx.log.info({ orderId, status: spec.to, actorId: actor.userId, allocations: outcome.touched.length }, `order ${spec.verb}`);
  if (outcome.changed && outcome.from === "NEEDS_ATTENTION") await ctx.attention.changed();
  if (outcome.recorded > 0) ctx.commands.recorded();
  return { order: await present(ctx, outcome.row, actor), changed: outcome.changed };
}

export function createTransitions(ctx: OrderContext) {
  const { inventory } = ctx;
  return {
    confirm: (actor: OrderActor, orderId: string) => transition(ctx, actor, orderId, { to: "CONFIRMED", verb: "confirmed", staffOnly: true }),

    /**
     * Gives back exactly the RESERVED allocations recorded at placement (none for an OVERSOLD order).
     * Staff cancelling a marketplace order also tell the marketplace (a CANCEL command, reason
     * OUT_OF_STOCK unless given); the system's cancellations come from the marketplace and tell it nothing.
     */
    cancel: async (actor: OrderActor, orderId: string, options: { repeatIsNoop?: boolean; reason?: UnsupplyReason } = {}) => {
      const current = actor.role === "staff" || actor.role === "admin" ? await repo.orderRow(ctx.db, orderId) : undefined;
      const channel = current ? await channelOf(ctx, current) : undefined;
      return transition(ctx, actor, orderId, {
        to: "CANCELLED",
        verb: "cancelled",
        repeatIsNoop: options.repeatIsNoop,
        stock: { from: "RESERVED", to: "RELEASED", apply: (tx, allocations, context) => inventory.releaseInTransaction(tx, allocations, context) },
        record: async (tx, row) => {
          // Lines a step had moved on their own follow the order again: every one is cancelled.
          await repo.clearItemStatuses(tx, row.id);
          if (!channel) return 0;
          const items = (await repo.itemsOf(tx, [row.id])).filter((item) => openUnits(item) > 0);
          const payload = { lines: items.map((item) => ({ lineNo: item.lineNo, quantity: openUnits(item) })), reason: options.reason ?? "OUT_OF_STOCK" };
          return (await recordStep(tx, channel, row, "CANCEL", payload, actor.userId)).length;
        },
      });
    },

    deliver: (actor: OrderActor, orderId: string) => transition(ctx, actor, orderId, { to: "DELIVERED", verb: "delivered", staffOnly: true }),
  };
}

export type Transitions = ReturnType<typeof createTransitions>;

/**
 * Staff's warehouse steps: pick, invoice and ship an order, all of its open lines or some of
 * them. A step naming some lines gives those lines their own status; the order's status is the
 * least advanced of its open lines. On a marketplace order each step is recorded, in the same
 * transaction, as the command the outbox sends after commit (a web order gets none).
 */
import type { Orders } from "@pazarsync/shared";
import { Forbidden } from "../../infra/errors";
import { type Allocation, stockLockKey, type Transaction } from "../inventory/service";
import { supportOf } from "./command-ports";
import { assertPartialAllowed, channelOf, lineStatus, openUnits, recordStep } from "./command-steps";
import { InvalidTransition, OrderNotFound, StepLinesInvalid } from "./errors";
import * as repo from "./repository";
import type { OrderContext, QuotedProduct } from "./service";
import { canTransition, leastAdvanced, type OrderStatus, PROGRESS } from "./status";
import { isStaff, type OrderActor, present } from "./transitions";
import { announceAllocations } from "./allocation-announce";

export type StepKind = "PICK" | "INVOICE" | "SHIP";

const STATUS_OF: Record<StepKind, OrderStatus> = { PICK: "PICKING", INVOICE: "INVOICED", SHIP: "SHIPPED" };

const rankOf = (status: OrderStatus) => PROGRESS[status] ?? -1;

/** The lines a step acts on: those named, or every open line not yet at or past the step; each must be able to take it. */
export function chooseLines(row: repo.OrderRow, items: readonly repo.ItemRow[], to: OrderStatus, asked?: readonly number[]): repo.ItemRow[] {
  const open = items.filter((item) => openUnits(item) > 0);
  const chosen = asked ? open.filter((item) => asked.includes(item.lineNo)) : open.filter((item) => rankOf(lineStatus(item, row)) < rankOf(to));
  if (asked) {
    const missing = asked.filter((lineNo) => !chosen.some((item) => item.lineNo === lineNo));
    if (missing.length > 0) throw new StepLinesInvalid(row.id, missing, "the order has no such open line");
  }
  if (chosen.length === 0) throw new InvalidTransition(row.status, to);
  for (const item of chosen) {
    const from = lineStatus(item, row);
    if (!canTransition(from, to)) throw new InvalidTransition(from, to);
  }
  return chosen;
}

/** Whether the named lines leave out an open line the step has not reached yet. */
export function isPart(row: repo.OrderRow, items: readonly repo.ItemRow[], to: OrderStatus, chosen: readonly repo.ItemRow[]): boolean {
  return items.some((item) => openUnits(item) > 0 && !chosen.includes(item) && rankOf(lineStatus(item, row)) < rankOf(to));
}

/** The units of these lines as simple products (a set's components), for allocations. */
export function simpleUnits(lines: readonly { productId: string; units: number }[], products: readonly QuotedProduct[]): Map<string, number> {
  const simple = new Map<string, number>();
  for (const { productId, units } of lines) {
    const product = products.find((p) => p.id === productId);
    const parts = product && product.type === "SET" ? product.components : [{ componentId: productId, quantity: 1 }];
    for (const part of parts) simple.set(part.componentId, (simple.get(part.componentId) ?? 0) + part.quantity * units);
  }
  return simple;
}

/**
 * Each open line's status after the step; uniform lines go back to following the order (null).
 * Answers the order's status: the least advanced of its open lines.
 */
export async function settleLineStatuses(tx: Transaction, row: repo.OrderRow, items: readonly repo.ItemRow[], changed: ReadonlyMap<number, OrderStatus>): Promise<OrderStatus> {
  const open = items.filter((item) => openUnits(item) > 0);
  const after = open.map((item) => changed.get(item.lineNo) ?? lineStatus(item, row));
  const uniform = after.every((status) => status === after[0]);
  const statuses = new Map<number, OrderStatus | null>();
  open.forEach((item, index) => {
    const next = uniform ? null : (after[index] ?? null);
    if (next !== item.status) statuses.set(item.lineNo, next);
  });
  await repo.setItemStatuses(tx, row.id, statuses);
  return (uniform ? after[0] : leastAdvanced(after)) ?? row.status;
}

export interface StepRequest {
  kind: StepKind;
  lines?: number[];
  /** What the marketplace is told beside the lines (invoice number and link, carrier and tracking number). */
  data: Record<string, unknown>;
}

export async function takeStep(ctx: OrderContext, actor: OrderActor, orderId: string, request: StepRequest): Promise<Orders.Order> {
  if (!isStaff(actor)) throw new Forbidden("Only staff may do this", { required: ["staff", "admin"] });
  const to = STATUS_OF[request.kind];
  const current = await repo.orderRow(ctx.db, orderId);
  if (!current) throw new OrderNotFound(orderId);
  const channel = await channelOf(ctx, current);
  const support = channel ? supportOf(channel, request.kind) : undefined;
  const shipping = request.kind === "SHIP";
  const products = shipping ? await quoted(ctx, current) : [];
  const productIds = shipping ? await repo.allocatedProductIds(ctx.db, orderId) : [];
  const run = () =>
    ctx.db.transaction(async (tx) => {
      const locked = await repo.lockOrder(tx, orderId);
      if (!locked) throw new OrderNotFound(orderId);
      const items = await repo.itemsOf(tx, [orderId]);
      // Checked under the row lock: another request may have moved the order or its lines meanwhile.
      const chosen = chooseLines(locked, items, to, request.lines);
      const part = isPart(locked, items, to, chosen);
      if (request.lines) assertPartialAllowed(orderId, request.kind, channel, support, part);
      const moved = shipping ? await shipLines(ctx, tx, locked, chosen, part, products, actor.userId) : [];
      const status = await settleLineStatuses(tx, locked, items, new Map(chosen.map((item) => [item.lineNo, to])));
      const row = status === locked.status ? locked : await repo.setStatus(tx, orderId, status);
      const payload = { lines: chosen.map((item) => ({ lineNo: item.lineNo, quantity: openUnits(item) })), ...request.data };
      const commands = channel ? await recordStep(tx, channel, row, request.kind, payload, actor.userId) : [];
      return { row, moved, commands };
    });
  const outcome = productIds.length > 0 ? await ctx.locks.withLocks(productIds.map(stockLockKey), run) : await run();
  await announceAllocations(ctx.inventory, outcome.moved, orderId);
  if (outcome.commands.length > 0) ctx.commands.recorded();
  ctx.log.info({ orderId, step: request.kind, status: outcome.row.status, lines: request.lines, commands: outcome.commands.length, actorId: actor.userId }, "order step taken");
  return present(ctx, outcome.row, actor);
}

async function quoted(ctx: OrderContext, row: repo.OrderRow): Promise<QuotedProduct[]> {
  const items = await repo.itemsOf(ctx.db, [row.id]);
  const found = await ctx.stores.quoteForOrder(row.storeId, { productIds: [...new Set(items.map((item) => item.productId))], barcodes: [] });
  return found?.products ?? [];
}

/** Reserved becomes shipped: every RESERVED allocation when the step covers the order, else the named lines' units. */
export async function shipLines(
  ctx: OrderContext,
  tx: Transaction,
  locked: repo.OrderRow,
  chosen: readonly repo.ItemRow[],
  part: boolean,
  products: readonly QuotedProduct[],
  actorId: string | null,
): Promise<Allocation[]> {
  let moved: Allocation[];
  if (part) {
    moved = await repo.releaseAllocationUnits(tx, locked.id, simpleUnits(chosen.map((item) => ({ productId: item.productId, units: openUnits(item) })), products), "SHIPPED");
  } else {
    moved = (await repo.allocationsOf(tx, locked.id, "RESERVED")).map(({ productId, warehouseId, quantity }) => ({ productId, warehouseId, quantity }));
    await repo.moveAllocations(tx, locked.id, "RESERVED", "SHIPPED");
  }
  if (moved.length > 0) await ctx.inventory.shipInTransaction(tx, moved, { actorId, correlationId: locked.id, reason: `order #${locked.number} shipped` });
  return moved;
}

/**
 * Staff give up units they cannot supply: exactly those units are released and counted in
 * order_items.cancelled_quantity, the rest of the order stays. Counting them there is what keeps
 * a later pull of a Trendyol or N11 order (the old package Cancelled, the rest in a new package)
 * from releasing them again: package-partition.ts releases no more than the order still holds
 * open. An OVERSOLD order is filled this way: once the short units are given up the remainder is
 * reserved and the order leaves OVERSOLD. Every unit given up: the order is CANCELLED.
 */
import type { OrderCommands, Orders } from "@pazarsync/shared";
import { Forbidden } from "../../infra/errors";
import { type Allocation, stockLockKey, stockLockKeysOf, type Transaction } from "../inventory/service";
import { supportOf } from "./command-ports";
import { packageFor } from "./command-target";
import { InvalidTransition, OrderNotFound, UnsupplyLinesInvalid } from "./errors";
import { assertPartialAllowed, channelOf, lineStatus, openUnits, recordStep } from "./command-steps";
import { settleLineStatuses, simpleUnits } from "./fulfilment";
import { type MarketplaceReservation, reportReservation, reserveMarketplaceLines } from "./marketplace-reservation";
import * as repo from "./repository";
import type { OrderContext, QuotedProduct } from "./service";
import type { OrderStatus } from "./status";
import { isStaff, type OrderActor, present } from "./transitions";
import { announceAllocations } from "./allocation-announce";

/** Line statuses whose units may still be given up: nothing has left the warehouse. */
const UNSUPPLIABLE: ReadonlySet<OrderStatus> = new Set(["CREATED", "CONFIRMED", "PICKING", "INVOICED", "OVERSOLD"]);

interface Taken {
  lineNo: number;
  productId: string;
  units: number;
}

/** Which line gives up how many units: a product on several lines gives from the first line on. */
function assign(orderId: string, row: repo.OrderRow, items: readonly repo.ItemRow[], asked: readonly { productId: string; quantity: number }[]): Taken[] {
  const left = new Map(items.map((item) => [item.lineNo, openUnits(item)]));
  const taken: Taken[] = [];
  const problems: string[] = [];
  for (const { productId, quantity } of asked) {
    let wanted = quantity;
    for (const item of items) {
      if (item.productId !== productId || wanted === 0) continue;
      const units = Math.min(wanted, left.get(item.lineNo) ?? 0);
      if (units <= 0) continue;
      const from = lineStatus(item, row);
      if (!UNSUPPLIABLE.has(from)) throw new InvalidTransition(from, "CANCELLED");
      left.set(item.lineNo, (left.get(item.lineNo) ?? 0) - units);
      taken.push({ lineNo: item.lineNo, productId, units });
      wanted -= units;
    }
    if (wanted > 0) problems.push(`product ${productId}: ${wanted} more units than the order holds open`);
  }
  if (problems.length > 0) throw new UnsupplyLinesInvalid(orderId, problems);
  return taken;
}

/** The body's lines as product ids: by id, or by barcode through the catalog; exactly one of them each. */
async function requested(ctx: OrderContext, row: repo.OrderRow, lines: OrderCommands.UnsupplyBody["lines"]): Promise<{ productId: string; quantity: number }[]> {
  const problems = lines.flatMap((line, index) => ((line.productId === undefined) === (line.barcode === undefined) ? [`line ${index + 1}: name the product by productId or by barcode, one of them`] : []));
  if (problems.length > 0) throw new UnsupplyLinesInvalid(row.id, problems);
  const barcodes = lines.flatMap((line) => line.barcode ?? []);
  const found = barcodes.length > 0 ? await ctx.stores.quoteForOrder(row.storeId, { productIds: [], barcodes }) : undefined;
  const unknown = barcodes.filter((barcode) => !found?.products.some((p) => p.barcode === barcode));
  if (unknown.length > 0) throw new UnsupplyLinesInvalid(row.id, unknown.map((barcode) => `no product has barcode ${barcode}`));
  return lines.map((line) => ({
    productId: line.productId?.toLowerCase() ?? found?.products.find((p) => p.barcode === line.barcode)?.id ?? "",
    quantity: line.quantity,
  }));
}

/**
 * Where the order's packages partition its lines (Trendyol, N11), the units given up are noted on
 * the package holding them: the marketplace later shows that package cancelled naming them, and
 * they must not be released a second time (marketplace-packages.ts).
 */
async function noteGivenUp(tx: Transaction, locked: repo.OrderRow, items: readonly repo.ItemRow[], taken: readonly Taken[]): Promise<void> {
  const packages = (locked.packages ?? []).map((p) => ({ ...p }));
  let noted = false;
  for (const t of taken) {
    const lineId = items.find((item) => item.lineNo === t.lineNo)?.externalLineId;
    if (!lineId) continue;
    const holder = packageFor(packages, [lineId]);
    const entry = packages.find((p) => p.packageId === holder && p.lines !== undefined);
    if (!entry) continue;
    const givenUp = [...(entry.givenUp ?? [])];
    const at = givenUp.findIndex((line) => line.lineId === lineId);
    if (at < 0) givenUp.push({ lineId, quantity: t.units });
    else givenUp[at] = { lineId, quantity: (givenUp[at]?.quantity ?? 0) + t.units };
    entry.givenUp = givenUp;
    noted = true;
  }
  if (noted) await repo.setPackages(tx, locked.id, packages);
}

export async function unsupply(ctx: OrderContext, actor: OrderActor, orderId: string, body: OrderCommands.UnsupplyBody): Promise<Orders.Order> {
  if (!isStaff(actor)) throw new Forbidden("Only staff may do this", { required: ["staff", "admin"] });
  const current = await repo.orderRow(ctx.db, orderId);
  if (!current) throw new OrderNotFound(orderId);
  const asked = await requested(ctx, current, body.lines);
  const channel = await channelOf(ctx, current);
  const support = channel ? supportOf(channel, "UNSUPPLY") : undefined;
  const items = await repo.itemsOf(ctx.db, [orderId]);
  const quote = await ctx.stores.quoteForOrder(current.storeId, { productIds: [...new Set(items.map((item) => item.productId))], barcodes: [] });
  if (!quote) throw new OrderNotFound(orderId);
  const products: QuotedProduct[] = quote.products;
  const store = { id: current.storeId, type: quote.store.type, warehouseIds: quote.store.warehouseIds };
  const keys = [...new Set([...stockLockKeysOf(products), ...(await repo.allocatedProductIds(ctx.db, orderId)).map(stockLockKey)])].sort();
  const run = () =>
    ctx.db.transaction(async (tx) => {
      const locked = await repo.lockOrder(tx, orderId);
      if (!locked) throw new OrderNotFound(orderId);
      const now = await repo.itemsOf(tx, [orderId]);
      // Assigned under the row lock: a pull or another staff request may have cancelled units meanwhile.
      const taken = assign(orderId, locked, now, asked);
      const left = now.map((item) => openUnits(item) - taken.filter((t) => t.lineNo === item.lineNo).reduce((sum, t) => sum + t.units, 0));
      assertPartialAllowed(orderId, "UNSUPPLY", channel, support, left.some((units) => units > 0));
      for (const t of taken) await repo.cancelItemUnits(tx, orderId, t.lineNo, t.units);
      await noteGivenUp(tx, locked, now, taken);
      const released: Allocation[] = await repo.releaseAllocationUnits(tx, orderId, simpleUnits(taken, products));
      const context = { actorId: actor.userId, correlationId: orderId, reason: `order #${locked.number} units not supplied (${body.reason})` };
      if (released.length > 0) await ctx.inventory.releaseInTransaction(tx, released, context);
      const after = await repo.itemsOf(tx, [orderId]);
      let row: repo.OrderRow;
      let reservation: MarketplaceReservation | undefined;
      if (!after.some((item) => openUnits(item) > 0)) {
        // Whatever the order still holds goes back with its last units.
        const rest = (await repo.allocationsOf(tx, orderId, "RESERVED")).map(({ productId, warehouseId, quantity }) => ({ productId, warehouseId, quantity }));
        if (rest.length > 0) {
          await ctx.inventory.releaseInTransaction(tx, rest, context);
          await repo.moveAllocations(tx, orderId, "RESERVED", "RELEASED");
          released.push(...rest);
        }
        row = await repo.setStatus(tx, orderId, "CANCELLED");
      } else if (locked.status === "OVERSOLD") {
        const open = after.filter((item) => openUnits(item) > 0).map((item) => ({ productId: item.productId, quantity: openUnits(item) }));
        reservation = await reserveMarketplaceLines(ctx, tx, store, { id: orderId, externalOrderId: locked.externalOrderId ?? "" }, open);
        const short = reservation.shortages.length > 0;
        row = await repo.setStatus(tx, orderId, short ? "OVERSOLD" : "CREATED", short ? reservation.shortages : null);
      } else {
        const status = await settleLineStatuses(tx, locked, after, new Map());
        row = status === locked.status ? locked : await repo.setStatus(tx, orderId, status);
      }
      const payload = { lines: taken.map((t) => ({ lineNo: t.lineNo, quantity: t.units })), reason: body.reason };
      const commands = channel ? await recordStep(tx, channel, row, "UNSUPPLY", payload, actor.userId) : [];
      return { row, released, reservation, commands };
    });
  const outcome = await ctx.locks.withLocks(keys, run);
  await announceAllocations(ctx.inventory, outcome.released, orderId);
  if (outcome.reservation) await reportReservation(ctx, { id: orderId, storeId: current.storeId, externalOrderId: current.externalOrderId ?? "" }, outcome.reservation);
  if (outcome.commands.length > 0) ctx.commands.recorded();
  ctx.log.info({ orderId, reason: body.reason, status: outcome.row.status, released: outcome.released.length, actorId: actor.userId }, "order units not supplied");
  return present(ctx, outcome.row, actor);
}

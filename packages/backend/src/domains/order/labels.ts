/**
 * A marketplace order's shipping label, fetched from its marketplace when staff ask (Hepsiburada's
 * package labels, Trendyol's common label): the store's order-command port's `label`, given the
 * whole order as it is now (its current package). Nothing is stored: the marketplace keeps the label.
 */
import { MarketplaceCommandIncomplete, MarketplaceRefused } from "../marketplace/errors";
import type { ShippingLabel } from "../marketplace/order-commands";
import { wholeOrderTarget } from "./command-target";
import { LabelNotReady, LabelNotSupported, LabelRefused, OrderNotFound, OrderNotMarketplace } from "./errors";
import * as repo from "./repository";
import type { OrderContext } from "./service";

/** Refusals that say this package has no label (bad request about it, not found, conflict), not that our credentials or the marketplace failed. */
const ABOUT_THE_PACKAGE = new Set([400, 404, 409, 422]);

export async function shippingLabel(ctx: OrderContext, orderId: string): Promise<ShippingLabel> {
  const order = await repo.orderRow(ctx.db, orderId);
  if (!order) throw new OrderNotFound(orderId);
  const channel = order.externalOrderId === null ? undefined : await ctx.commands.ports(order.storeId);
  if (!channel) throw new OrderNotMarketplace(orderId);
  const label = channel.port?.label;
  if (!label) throw new LabelNotSupported(orderId, channel.marketplace, channel.port ? `${channel.marketplace}'s adapter has no label call: no source we read documents one` : `no order commands written for ${channel.marketplace}`);
  if (!(order.packages ?? []).some((p) => !p.cancelled)) throw new LabelNotReady(orderId, channel.marketplace, ["the order is in no live package"]);
  const target = await wholeOrderTarget(ctx.db, ctx.stores, order);
  try {
    return await label.call(channel.port, target);
  } catch (error) {
    // Decided before any call: the package is not one the marketplace labels yet (not packed, no carrier number).
    if (error instanceof MarketplaceCommandIncomplete) throw new LabelNotReady(orderId, channel.marketplace, error.reasons);
    if (error instanceof MarketplaceRefused && error.httpStatus !== null && ABOUT_THE_PACKAGE.has(error.httpStatus)) {
      throw new LabelRefused(orderId, channel.marketplace, error.httpStatus, error.reasons);
    }
    throw error;
  }
}

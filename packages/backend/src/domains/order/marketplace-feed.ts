/**
 * One normalised marketplace order into the order domain, the same for the pull and webhooks.
 * - CREATED: taken in (reserved, or OVERSOLD when the stock went elsewhere).
 * - OTHER (shipped, delivered, ...): taken in when unknown, so an order we only see after it
 *   left the warehouse still consumes its stock.
 * - With `progress` (picked, invoiced, shipped, delivered, returned on the marketplace), a known or
 *   just recorded order moves forward to it, never back; shipped moves its reserved stock once
 *   (marketplace-progress.ts), and commands the marketplace's state answers are settled.
 * - CANCELLED: releases a known order (a cancelled package of it: the units the package names;
 *   on Trendyol and N11, whose packages partition the order, no more than its live packages leave).
 *   An unknown one is recorded first and then cancelled, so a "Created" arriving later (webhooks
 *   retry for hours, the pull overlaps) finds it known and reserves nothing.
 * An order intake cannot read (a barcode we do not sell, a quantity past our limits, an id
 * Postgres cannot store, no id at all) is recorded NEEDS_ATTENTION with its raw payload, not
 * refused. An order without an id is recorded so whatever its status: a cancellation cannot be
 * matched to the order it cancels, and an operator has to see it.
 * A refusal that remains (a cancellation of a shipped order) is logged and counted as "rejected";
 * anything else propagates, so the pull does not move its watermark past the order and the
 * webhook answers non-2xx for the marketplace to deliver again.
 */
import { AppError } from "../../infra/errors";
import type { Logger } from "../../infra/logger";
import type { MarketplaceName, NormalisedOrder } from "../marketplace/service";
import type { IntakeMetrics } from "./metrics";
import type { Intake, IntakeResult } from "./intake";

export type FeedOutcome = "created" | "duplicate" | "oversold" | "needs_attention" | "cancelled" | "rejected";
export type FeedSource = "pull" | "webhook";

export interface FeedResult {
  outcome: FeedOutcome;
  /** The key the order is recorded under (the marketplace's id, or a digest of an id we cannot store). */
  externalOrderId: string;
}

export interface FeedDeps {
  orders: Pick<Intake, "intakeMarketplaceOrder" | "cancelMarketplaceOrder">;
  metrics: IntakeMetrics;
  log: Logger;
}

function outcomeOf({ order, created }: IntakeResult): Exclude<FeedOutcome, "cancelled" | "rejected"> {
  if (!created) return "duplicate";
  if (order.status === "OVERSOLD") return "oversold";
  return order.status === "NEEDS_ATTENTION" ? "needs_attention" : "created";
}

async function apply(deps: FeedDeps, storeId: string, order: NormalisedOrder): Promise<FeedResult> {
  const packaged = order.packageId === undefined ? {} : { packageId: order.packageId, marketplaceStatus: order.marketplaceStatus, ...(order.partition && { partition: order.partition }) };
  const input = { storeId, externalOrderId: order.externalId, ...packaged, lines: order.lines, currency: order.currency, raw: order.raw, ...(order.dispatchBy !== undefined && { dispatchBy: order.dispatchBy }), ...(order.progress !== undefined && { progress: order.progress }), ...(order.marketplaceOrderNumber !== undefined && { marketplaceOrderNumber: order.marketplaceOrderNumber }) };
  if (order.status === "CANCELLED" && order.externalId) {
    // A package names the lines it cancels: only those units are released.
    const ref = { storeId, externalOrderId: order.externalId, ...packaged, ...(order.packageId !== undefined && { lines: order.lines }) };
    let cancelled = await deps.orders.cancelMarketplaceOrder(ref);
    if (cancelled.outcome === "UNKNOWN") {
      await deps.orders.intakeMarketplaceOrder(input);
      cancelled = await deps.orders.cancelMarketplaceOrder(ref);
    }
    if (cancelled.outcome === "UNKNOWN") throw new Error("a recorded order was not found to cancel");
    return { outcome: cancelled.outcome === "CANCELLED" ? "cancelled" : "duplicate", externalOrderId: cancelled.order.externalOrderId ?? order.externalId };
  }
  const taken = await deps.orders.intakeMarketplaceOrder(input);
  return { outcome: outcomeOf(taken), externalOrderId: taken.order.externalOrderId ?? order.externalId ?? "" };
}

export async function feedOrder(deps: FeedDeps, target: { storeId: string; marketplace: MarketplaceName; source: FeedSource }, order: NormalisedOrder): Promise<FeedResult> {
  let result: FeedResult;
  try {
    result = await apply(deps, target.storeId, order);
  } catch (error) {
    if (!(error instanceof AppError && error.status < 500)) throw error;
    deps.log.warn(
      { storeId: target.storeId, externalOrderId: order.externalId, marketplaceStatus: order.marketplaceStatus, code: error.code, details: error.details },
      "marketplace order refused by intake",
    );
    result = { outcome: "rejected", externalOrderId: order.externalId ?? "" };
  }
  deps.metrics.orders.inc({ marketplace: target.marketplace, source: target.source, outcome: result.outcome });
  return result;
}

/**
 * One normalised marketplace order into the order domain, the same for the pull and webhooks.
 * - CREATED: taken in (reserved, or OVERSOLD when the stock went elsewhere).
 * - OTHER (shipped, delivered, ...): taken in when unknown, so an order we only see after it
 *   left the warehouse still consumes its stock; a known one is left as it is.
 * - CANCELLED: releases a known order. An unknown one is recorded first and then cancelled, so a
 *   "Created" arriving later (webhooks retry for hours, the pull overlaps) finds it known and
 *   reserves nothing.
 * A refusal (unknown barcode, a cancellation of a shipped order) is logged and counted as
 * "rejected"; anything else propagates so the pull does not move its watermark past the order.
 */
import { AppError } from "../../infra/errors";
import type { Logger } from "../../infra/logger";
import type { MarketplaceName, NormalisedOrder } from "../marketplace/service";
import type { IntakeMetrics } from "./intake-metrics";
import type { Intake } from "./intake";

export type FeedOutcome = "created" | "duplicate" | "oversold" | "cancelled" | "rejected";
export type FeedSource = "pull" | "webhook";

export interface FeedDeps {
  orders: Pick<Intake, "intakeMarketplaceOrder" | "cancelMarketplaceOrder">;
  metrics: IntakeMetrics;
  log: Logger;
}

async function apply(deps: FeedDeps, storeId: string, order: NormalisedOrder): Promise<Exclude<FeedOutcome, "rejected">> {
  const input = { storeId, externalOrderId: order.externalId, lines: order.lines, currency: order.currency };
  if (order.status === "CANCELLED") {
    const ref = { storeId, externalOrderId: order.externalId };
    let cancelled = await deps.orders.cancelMarketplaceOrder(ref);
    if (cancelled.outcome === "UNKNOWN") {
      await deps.orders.intakeMarketplaceOrder(input);
      cancelled = await deps.orders.cancelMarketplaceOrder(ref);
    }
    return cancelled.outcome === "CANCELLED" ? "cancelled" : "duplicate";
  }
  const { order: recorded, created } = await deps.orders.intakeMarketplaceOrder(input);
  if (!created) return "duplicate";
  return recorded.status === "OVERSOLD" ? "oversold" : "created";
}

export async function feedOrder(deps: FeedDeps, target: { storeId: string; marketplace: MarketplaceName; source: FeedSource }, order: NormalisedOrder): Promise<FeedOutcome> {
  let outcome: FeedOutcome;
  try {
    outcome = await apply(deps, target.storeId, order);
  } catch (error) {
    if (!(error instanceof AppError && error.status < 500)) throw error;
    deps.log.warn(
      { storeId: target.storeId, externalOrderId: order.externalId, marketplaceStatus: order.marketplaceStatus, code: error.code, details: error.details },
      "marketplace order refused by intake",
    );
    outcome = "rejected";
  }
  deps.metrics.orders.inc({ marketplace: target.marketplace, source: target.source, outcome });
  return outcome;
}

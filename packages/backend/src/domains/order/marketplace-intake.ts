/**
 * Marketplace order intake, put together: the periodic pull and the Trendyol webhook receiver
 * feeding the order service's idempotent intake, with their metrics. Built once in services.ts.
 */
import type { ApiCallHook } from "../marketplace/service";
import type { Registry } from "prom-client";
import type { Database } from "../../infra/db";
import type { LockPort } from "../../infra/locks";
import type { Logger } from "../../infra/logger";
import type { StoreService } from "../catalog/service";
import { createIntakeMetrics } from "./intake-metrics";
import { createIntakeQueue } from "./intake-queue";
import { createOrderPull, type OrderPullSettings } from "./marketplace-pull";
import type { OrderService } from "./service";
import { createTrendyolWebhooks } from "./trendyol-webhooks";

export type { PullReport, OrderPullSettings } from "./marketplace-pull";
export type { FeedOutcome } from "./marketplace-feed";

export interface MarketplaceIntakeDeps {
  db: Database;
  locks: LockPort;
  log: Logger;
  registry: Registry;
  stores: Pick<StoreService, "listStores" | "findStore" | "credentialsFor">;
  orders: Pick<OrderService, "intakeMarketplaceOrder" | "cancelMarketplaceOrder">;
  settings: OrderPullSettings;
  now?: () => number;
  fetch?: typeof fetch;
  /** Where each order-pull call is reported (marketplace_api_logs), per store. */
  onCall?: (storeId: string) => ApiCallHook;
}

export function createMarketplaceIntake(deps: MarketplaceIntakeDeps) {
  const metrics = createIntakeMetrics(deps.registry);
  const queue = createIntakeQueue(deps.log);
  const feed = { orders: deps.orders, metrics, log: deps.log };
  const pull = createOrderPull({ ...feed, db: deps.db, locks: deps.locks, stores: deps.stores, settings: deps.settings, now: deps.now, fetch: deps.fetch, onCall: deps.onCall });
  const trendyolWebhooks = createTrendyolWebhooks({ ...feed, stores: deps.stores, queue, now: deps.now });
  return {
    /** Every active marketplace store once (the worker's job). */
    pullAll: pull.pullAll,
    pullStore: pull.pullStore,
    trendyolWebhooks,
    /** Waits for webhook deliveries accepted so far to be taken in. */
    drain: queue.drain,
    settings: deps.settings,
  };
}

export type MarketplaceIntake = ReturnType<typeof createMarketplaceIntake>;

/**
 * Marketplace order intake, put together: the periodic pull, the Trendyol webhook receiver and
 * Hepsiburada's order push receiver
 * feeding the order service's idempotent intake, with their metrics. Built once in services.ts.
 * The needing-attention gauge is read from Postgres after each pull run, after each webhook
 * delivery and after a staff action takes an order out of NEEDS_ATTENTION, never on scrape.
 */
import type { ApiCallHook, MarketplaceAdapter, MarketplaceStoreSettings } from "../marketplace/service";
import type { Registry } from "prom-client";
import type { Database } from "../../infra/db";
import type { LockPort } from "../../infra/locks";
import type { Logger } from "../../infra/logger";
import type { StoreService } from "../catalog/service";
import { createIntakeMetrics } from "./metrics";
import { createOrderPull, type OrderPullSettings } from "./marketplace-pull";
import type { OrderService } from "./service";
import { createHepsiburadaPush } from "./hepsiburada-push";
import { createTrendyolWebhooks } from "./trendyol-webhooks";

export type { PullReport, OrderPullSettings } from "./marketplace-pull";
export type { FeedOutcome, FeedResult } from "./marketplace-feed";

export interface MarketplaceIntakeDeps {
  db: Database;
  locks: LockPort;
  log: Logger;
  registry: Registry;
  stores: Pick<StoreService, "listStores" | "findStore" | "credentialsFor">;
  orders: Pick<OrderService, "intakeMarketplaceOrder" | "cancelMarketplaceOrder" | "needingAttentionCounts"> & Partial<Pick<OrderService, "onNeedingAttentionChanged">>;
  settings: OrderPullSettings;
  now?: () => number;
  fetch?: typeof fetch;
  /** Where each order-pull call is reported (marketplace_api_logs), per store. */
  onCall?: (storeId: string) => ApiCallHook;
  /** Store settings -> adapter; the marketplace domain's factory by default. */
  createAdapter?: (settings: MarketplaceStoreSettings) => MarketplaceAdapter;
}

export function createMarketplaceIntake(deps: MarketplaceIntakeDeps) {
  const metrics = createIntakeMetrics(deps.registry);
  const feed = { orders: deps.orders, metrics, log: deps.log };

  /** A failure leaves the last reading: the orders are recorded whatever the gauge says. */
  async function refreshNeedingAttention(): Promise<void> {
    try {
      const [counts, stores] = await Promise.all([deps.orders.needingAttentionCounts(), deps.stores.listStores()]);
      const open = new Map(counts.map((c) => [c.storeId, c.orders]));
      metrics.needingAttention.reset();
      for (const store of stores) {
        if (store.type !== "WEB") metrics.needingAttention.set({ marketplace: store.type, store: store.id }, open.get(store.id) ?? 0);
      }
    } catch (error) {
      deps.log.warn({ err: error }, "orders needing attention not counted");
    }
  }

  // Staff taking an order out of NEEDS_ATTENTION (mapping its line, cancelling it) shows at once.
  deps.orders.onNeedingAttentionChanged?.(refreshNeedingAttention);
  const pull = createOrderPull({ ...feed, db: deps.db, locks: deps.locks, stores: deps.stores, settings: deps.settings, now: deps.now, fetch: deps.fetch, onCall: deps.onCall, createAdapter: deps.createAdapter });
  const trendyolWebhooks = createTrendyolWebhooks({ ...feed, stores: deps.stores, now: deps.now, afterIntake: refreshNeedingAttention });
  const hepsiburadaPush = createHepsiburadaPush({ ...feed, stores: deps.stores, now: deps.now, afterIntake: refreshNeedingAttention });
  return {
    /** Every active marketplace store once (the worker's job). */
    async pullAll() {
      const reports = await pull.pullAll();
      await refreshNeedingAttention();
      return reports;
    },
    async pullStore(storeId: string) {
      const report = await pull.pullStore(storeId);
      await refreshNeedingAttention();
      return report;
    },
    trendyolWebhooks,
    hepsiburadaPush,
    settings: deps.settings,
  };
}

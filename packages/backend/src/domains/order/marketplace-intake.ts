/**
 * Marketplace order intake, put together: the pull, scheduled per store (pull-scheduler.ts), the
 * Trendyol webhook receiver and Hepsiburada's order push receiver feeding the order service's
 * idempotent intake, with their metrics. A push that takes in a fresh order sets its store's
 * pulls back to the base interval. Built once in services.ts.
 * The needing-attention gauge is read from Postgres after each pull run, after each webhook
 * delivery and after a staff action takes an order out of NEEDS_ATTENTION, never on scrape.
 */
import type { ApiCallHook, MarketplaceAdapter, MarketplaceStoreSettings } from "../marketplace/service";
import type { Registry } from "prom-client";
import type { Database } from "../../infra/db";
import type { KeyValueStore } from "../../infra/kv";
import type { LockPort } from "../../infra/locks";
import type { Logger } from "../../infra/logger";
import type { StoreService } from "../catalog/service";
import type { FeedOutcome } from "./marketplace-feed";
import { createIntakeMetrics } from "./metrics";
import { hasFresh, createPullSchedules } from "./pull-schedule";
import { createPullScheduleMetrics } from "./pull-schedule-metrics";
import { createPullScheduler } from "./pull-scheduler";
import { createOrderPull, type OrderPageQuota, type OrderPullSettings } from "./marketplace-pull";
import type { OrderService } from "./service";
import { createHepsiburadaPush } from "./hepsiburada-push";
import { createTrendyolWebhooks } from "./trendyol-webhooks";

export type { PullReport, OrderPullSettings } from "./marketplace-pull";
export type { FeedOutcome, FeedResult } from "./marketplace-feed";

export interface MarketplaceIntakeDeps {
  db: Database;
  locks: LockPort;
  /** Holds each store's pull schedule, shared by replicas. */
  kv: KeyValueStore;
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
  /** What each order request pays (stock-sync/order-quota.ts); absent, pulls keep to their page budget only. */
  quota?: OrderPageQuota;
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
  const pull = createOrderPull({ ...feed, db: deps.db, locks: deps.locks, stores: deps.stores, settings: deps.settings, now: deps.now, fetch: deps.fetch, onCall: deps.onCall, createAdapter: deps.createAdapter, quota: deps.quota });
  const scheduler = createPullScheduler({
    log: deps.log,
    now: deps.now ?? Date.now,
    stores: deps.stores,
    schedules: createPullSchedules(deps.kv),
    pullStore: (storeId, guard) => pull.pullStore(storeId, guard),
    baseMsFor: (type) => deps.settings.intervalsMs?.[type] ?? deps.settings.intervalMs,
    metrics: createPullScheduleMetrics(deps.registry),
  });
  /** After a push was taken in: a fresh order puts the store's pulls back on its base interval. */
  async function pushed(store: { id: string; type: string }, accepted: readonly { outcome: FeedOutcome }[]): Promise<void> {
    if (!hasFresh(Object.fromEntries(accepted.map((a) => [a.outcome, 1])))) return;
    // The order is recorded whatever happens here: a schedule not reset only means the usual interval.
    await scheduler.freshOrder(store).catch((error: unknown) => deps.log.warn({ err: error, storeId: store.id }, "order pull schedule not reset after a push"));
  }
  const webhooks = createTrendyolWebhooks({ ...feed, stores: deps.stores, now: deps.now, afterIntake: refreshNeedingAttention });
  const trendyolWebhooks: typeof webhooks = {
    ...webhooks,
    async accept(storeId, body) {
      const accepted = await webhooks.accept(storeId, body);
      await pushed({ id: storeId, type: "TRENDYOL" }, accepted);
      return accepted;
    },
  };
  const hbPush = createHepsiburadaPush({ ...feed, stores: deps.stores, now: deps.now, afterIntake: refreshNeedingAttention });
  const hepsiburadaPush: typeof hbPush = {
    ...hbPush,
    async acceptOrders(storeId, body) {
      const accepted = await hbPush.acceptOrders(storeId, body);
      await pushed({ id: storeId, type: "HEPSIBURADA" }, accepted);
      return accepted;
    },
    async acceptCancellation(storeId, lineItemId, body) {
      const accepted = await hbPush.acceptCancellation(storeId, lineItemId, body);
      await pushed({ id: storeId, type: "HEPSIBURADA" }, [accepted]);
      return accepted;
    },
  };
  return {
    /** The worker's tick: every store whose pull is due (main.ts). */
    async pullDue() {
      const reports = await scheduler.pullDue();
      if (reports.some((r) => r.pulled)) await refreshNeedingAttention();
      return reports;
    },
    /** A store's pull schedule (due time, interval, backoff), as every replica sees it. */
    schedule: (storeId: string) => scheduler.read(storeId),
    /** Every active marketplace store once, whatever its schedule (tools and tests). */
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

/**
 * The order pull: per active marketplace store whose adapter can list
 * orders, under the lock `order-pull:{storeId}` (one replica per store, the others skip it), read
 * what changed from the watermark minus an overlap up to now, page by page, and feed each order
 * to intake. The pull is the source of truth; webhooks only make orders arrive sooner.
 * The watermark moves after each page whose orders were all recorded (pages come oldest
 * modification first) and to the end of the window once the last page is read; the overlap
 * covers packages the marketplace lists late. Intake is idempotent, so re-reading is harmless.
 */
import type { Stores } from "@pazarsync/shared";
import type { Database } from "../../infra/db";
import { AppError } from "../../infra/errors";
import type { LockPort } from "../../infra/locks";
import type { Logger } from "../../infra/logger";
import type { StoreService } from "../catalog/service";
import { type ApiCallHook, createMarketplaceAdapter, type MarketplaceAdapter, type MarketplaceStoreSettings, type NormalisedOrder } from "../marketplace/service";
import { type FeedDeps, type FeedOutcome, feedOrder } from "./marketplace-feed";
import { advanceWatermark, readWatermark } from "./pull-watermarks";

export interface OrderPullSettings {
  /** ORDER_PULL_INTERVAL_MS: how often every store is pulled. */
  intervalMs: number;
  /** ORDER_PULL_OVERLAP_MS: how far before the watermark each pull starts reading again. */
  overlapMs: number;
  /** Deadline of one marketplace call. */
  marketplaceTimeoutMs?: number;
}

export interface OrderPullDeps extends FeedDeps {
  db: Database;
  locks: LockPort;
  stores: Pick<StoreService, "listStores" | "findStore" | "credentialsFor">;
  settings: OrderPullSettings;
  now?: () => number;
  /** Tests watch the marketplace requests through this. */
  fetch?: typeof fetch;
  /** Where each marketplace call is reported (marketplace_api_logs), per store. */
  onCall?: (storeId: string) => ApiCallHook;
  /** Store settings -> adapter; the marketplace domain's factory unless a caller brings its own. */
  createAdapter?: (settings: MarketplaceStoreSettings) => MarketplaceAdapter;
}

export type PullReport =
  | { storeId: string; pulled: false; reason: "not_found" | "inactive" | "web" | "no_order_pull" | "settings" | "locked" }
  | { storeId: string; pulled: true; pages: number; outcomes: Partial<Record<FeedOutcome, number>>; watermark: string; complete: boolean };

export const orderPullLockKey = (storeId: string) => `order-pull:${storeId}`;
/** Held past a slow pull's last call; another replica takes the store over only after this. */
const LOCK_TTL_MS = 5 * 60_000;

const byModification = (a: NormalisedOrder, b: NormalisedOrder) => a.lastModifiedAt.localeCompare(b.lastModifiedAt);

/** Requests one run may make: the adapter's order quota for one rate window, so a run stays inside it. */
function pageBudget(adapter: MarketplaceAdapter): number {
  const group = adapter.profile.groups.orders;
  const limit = adapter.profile.rateLimits.find((r) => r.group === group);
  return Math.max(1, limit?.requests ?? 10);
}

export function createOrderPull(deps: OrderPullDeps) {
  const now = deps.now ?? Date.now;
  const { db, log } = deps;

  async function adapterFor(store: Stores.Store): Promise<MarketplaceAdapter | "settings"> {
    try {
      return (deps.createAdapter ?? createMarketplaceAdapter)({
        type: store.type,
        sellerId: store.sellerId,
        baseUrl: store.baseUrl,
        credentials: await deps.stores.credentialsFor(store.id),
        timeoutMs: deps.settings.marketplaceTimeoutMs,
        fetch: deps.fetch,
        onCall: deps.onCall?.(store.id),
      });
    } catch (error) {
      // Settings the seller has to fix (or a marketplace without an adapter yet): skipped, not failed.
      if (error instanceof AppError && error.status < 500) return "settings";
      throw error;
    }
  }

  async function pullWith(store: Stores.Store, adapter: MarketplaceAdapter, pullOrders: NonNullable<MarketplaceAdapter["pullOrders"]>): Promise<PullReport> {
    const until = new Date(now());
    const from = (await readWatermark(db, store.id)) ?? new Date(store.createdAt);
    const since = new Date(from.getTime() - deps.settings.overlapMs);
    const outcomes: Partial<Record<FeedOutcome, number>> = {};
    const target = { storeId: store.id, marketplace: adapter.marketplace, source: "pull" as const };
    const budget = pageBudget(adapter);
    let watermark = from;
    let page: string | undefined;
    let pages = 0;
    do {
      const answer = await pullOrders({ since, until, ...(page ? { page } : {}) });
      pages += 1;
      for (const order of [...answer.orders].sort(byModification)) {
        const { outcome } = await feedOrder(deps, target, order);
        outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
        const modified = new Date(order.lastModifiedAt);
        if (modified > watermark && modified <= until) watermark = modified;
      }
      await advanceWatermark(db, store.id, watermark);
      page = answer.next ?? undefined;
    } while (page && pages < budget);
    // Every page up to `until` was read: nothing older is missing but what the overlap re-reads.
    if (!page && until > watermark) {
      watermark = until;
      await advanceWatermark(db, store.id, watermark);
    }
    log.info({ storeId: store.id, marketplace: adapter.marketplace, pages, outcomes, complete: !page }, "marketplace orders pulled");
    return { storeId: store.id, pulled: true, pages, outcomes, watermark: watermark.toISOString(), complete: !page };
  }

  async function pullStore(storeId: string): Promise<PullReport> {
    const store = await deps.stores.findStore(storeId);
    if (!store) return { storeId, pulled: false, reason: "not_found" };
    if (store.type === "WEB") return { storeId, pulled: false, reason: "web" };
    if (!store.active) return { storeId, pulled: false, reason: "inactive" };
    const adapter = await adapterFor(store);
    if (adapter === "settings") return { storeId, pulled: false, reason: "settings" };
    const pullOrders = adapter.pullOrders;
    if (!pullOrders) return { storeId, pulled: false, reason: "no_order_pull" };
    const locked = await deps.locks.tryWithLocks([orderPullLockKey(storeId)], () => pullWith(store, adapter, pullOrders), { ttlMs: LOCK_TTL_MS });
    return locked.acquired ? locked.value : { storeId, pulled: false, reason: "locked" };
  }

  return {
    pullStore,

    /** Every marketplace store once; one store's failure is logged and the others still run. */
    async pullAll(): Promise<PullReport[]> {
      const reports: PullReport[] = [];
      for (const store of await deps.stores.listStores()) {
        if (store.type === "WEB" || !store.active) continue;
        try {
          reports.push(await pullStore(store.id));
        } catch (error) {
          log.warn({ err: error, storeId: store.id }, "order pull failed; the watermark stays and the next run reads again");
        }
      }
      return reports;
    },
  };
}

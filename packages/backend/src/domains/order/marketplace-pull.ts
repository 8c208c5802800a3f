/**
 * The order pull: per active marketplace store whose adapter can list
 * orders, under the lock `order-pull:{storeId}` (one replica per store, the others skip it), read
 * what changed from the watermark minus an overlap up to now and feed each order to intake. The
 * pull is the source of truth; webhooks only make orders arrive sooner.
 * [watermark - overlap, now) is read as consecutive windows no longer than the marketplace honours
 * (a wider one is cut without an error and its orders lost), oldest window first, page by page.
 * The watermark moves to a window's end once all its pages are read; within a window only a stream
 * listed oldest first lets it follow the pages, because a newest-first page 1 says nothing about
 * the older pages still unread. A window cut short (page budget, a failed call) is kept with its
 * next page, and the next pull goes on from there before anything else. The overlap covers
 * packages the marketplace lists late. Intake is idempotent, so re-reading is harmless.
 * Every request pays into the store's `orders` token buckets first (`quota`); when they are empty
 * the pull stops like a spent page budget and says when tokens are due (`waitMs`), so the
 * scheduler comes back then instead of this run sleeping while it holds the store's lock.
 */
import type { Stores } from "@pazarsync/shared";
import type { Database } from "../../infra/db";
import { AppError } from "../../infra/errors";
import type { LockPort } from "../../infra/locks";
import type { Logger } from "../../infra/logger";
import type { StoreService } from "../catalog/service";
import {
  type ApiCallHook,
  createMarketplaceAdapter,
  type MarketplaceAdapter,
  MarketplacePageInvalid,
  MarketplaceRefused,
  type MarketplaceStoreSettings,
  type NormalisedOrder,
  type OrderPage,
} from "../marketplace/service";
import { type FeedDeps, type FeedOutcome, feedOrder } from "./marketplace-feed";
import { advanceWatermark, closeWindow, keepOpenWindow, type OpenWindow, readPullPosition } from "./pull-watermarks";

export interface OrderPullSettings {
  /** ORDER_PULL_INTERVAL_MS (60 s unset): the base interval of a marketplace missing from intervalsMs. */
  intervalMs: number;
  /** Each marketplace's base interval (config-order-pull.ts); the scheduler's, the pull itself ignores them. */
  intervalsMs?: Partial<Record<string, number>>;
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
  /**
   * Pays for `cost` order requests of the store (stock-sync/order-quota.ts in services.ts). Absent,
   * requests are only held to the page budget: tests of other behaviour.
   */
  quota?: OrderPageQuota;
}

export type OrderPageQuota = (store: Stores.Store, adapter: MarketplaceAdapter, cost: number) => Promise<{ granted: boolean; waitMs: number }>;

/** Run inside the store's lock, so a replica that waited for it sees what the other one decided. */
export interface PullGuard {
  /** False: the pull is no longer due (another replica just pulled); nothing is read. */
  due(): Promise<boolean>;
  /** After the pull, still under the lock: its report, or the error it failed with. */
  settle(outcome: { report: PullReport } | { error: unknown }): Promise<void>;
}

export type PullReport =
  | { storeId: string; pulled: false; reason: "not_found" | "inactive" | "web" | "no_order_pull" | "settings" | "locked" | "not_due" }
  | {
      storeId: string;
      pulled: true;
      pages: number;
      outcomes: Partial<Record<FeedOutcome, number>>;
      watermark: string;
      complete: boolean;
      /** Set when the orders buckets stopped the pull: how long until they grant the next request. */
      waitMs?: number;
    };

export const orderPullLockKey = (storeId: string) => `order-pull:${storeId}`;
/** Held past a slow pull's last call; another replica takes the store over only after this. */
const LOCK_TTL_MS = 5 * 60_000;

const byModification = (a: NormalisedOrder, b: NormalisedOrder) => a.lastModifiedAt.localeCompare(b.lastModifiedAt);

/** [since, until) as consecutive windows of at most windowMs, oldest first; none when since >= until. */
export function splitWindow(since: Date, until: Date, windowMs: number): OpenWindow[] {
  const windows: OpenWindow[] = [];
  for (let from = since.getTime(); from < until.getTime(); from += windowMs) {
    windows.push({ since: new Date(from), until: new Date(Math.min(from + windowMs, until.getTime())) });
  }
  return windows;
}

/** One pull of one store: what it may spend and what it has done so far. */
interface WindowRun {
  store: Stores.Store;
  marketplace: MarketplaceAdapter["marketplace"];
  pullOrders: NonNullable<MarketplaceAdapter["pullOrders"]>;
  /** Pages come oldest modification first: the watermark may follow them within a window. */
  pagesInOrder: boolean;
  /** The watermark when the pull began (the store's creation on its first pull). */
  startedAt: Date;
  watermark: Date;
  pages: number;
  budget: number;
  outcomes: Partial<Record<FeedOutcome, number>>;
  adapter: MarketplaceAdapter;
  /** HTTP requests the adapter made (its onCall) and requests paid for: a call that read several pages pays the rest before the next. */
  calls: { made: number; paid: number };
  waitMs?: number;
}

/** Requests one run may make: the adapter's order quota for one rate window, so a run stays inside it. */
function pageBudget(adapter: MarketplaceAdapter): number {
  const group = adapter.profile.groups.orders;
  const limit = adapter.profile.rateLimits.find((r) => r.group === group);
  return Math.max(1, limit?.requests ?? 10);
}

export function createOrderPull(deps: OrderPullDeps) {
  const now = deps.now ?? Date.now;
  const { db, log } = deps;

  async function adapterFor(store: Stores.Store, calls: { made: number }): Promise<MarketplaceAdapter | "settings"> {
    const hook = deps.onCall?.(store.id);
    try {
      return (deps.createAdapter ?? createMarketplaceAdapter)({
        type: store.type,
        sellerId: store.sellerId,
        baseUrl: store.baseUrl,
        credentials: await deps.stores.credentialsFor(store.id),
        timeoutMs: deps.settings.marketplaceTimeoutMs,
        fetch: deps.fetch,
        onCall: (call) => {
          calls.made += 1;
          hook?.(call);
        },
      });
    } catch (error) {
      // Settings the seller has to fix (or a marketplace without an adapter yet): skipped, not failed.
      if (error instanceof AppError && error.status < 500) return "settings";
      throw error;
    }
  }

  async function pullWith(
    store: Stores.Store,
    adapter: MarketplaceAdapter,
    pullOrders: NonNullable<MarketplaceAdapter["pullOrders"]>,
    calls: { made: number; paid: number },
  ): Promise<PullReport> {
    const until = new Date(now());
    const stream = adapter.profile.orderStream;
    const position = await readPullPosition(db, store.id);
    const startedAt = position.watermark ?? new Date(store.createdAt);
    // A window some later pull already read past is not worth going on with.
    const resume = position.resume && position.resume.until > startedAt ? position.resume : undefined;
    const overlapMs = Math.max(deps.settings.overlapMs, stream.minOverlapMs);
    const planFrom = new Date((resume ? resume.until : startedAt).getTime() - overlapMs);
    const windows = [...(resume ? [resume] : []), ...splitWindow(planFrom, until, stream.windowMs)];
    const run: WindowRun = {
      store,
      marketplace: adapter.marketplace,
      pullOrders,
      pagesInOrder: stream.pageOrder === "OLDEST_FIRST",
      startedAt,
      watermark: startedAt,
      pages: 0,
      budget: pageBudget(adapter),
      outcomes: {},
      adapter,
      calls,
    };
    let complete = true;
    for (const window of windows) {
      if (!(await readWindow(run, window))) {
        complete = false;
        break;
      }
    }
    const waitMs = run.waitMs;
    log.info({ storeId: store.id, marketplace: adapter.marketplace, windows: windows.length, pages: run.pages, outcomes: run.outcomes, complete, waitMs }, "marketplace orders pulled");
    return { storeId: store.id, pulled: true, pages: run.pages, outcomes: run.outcomes, watermark: run.watermark.toISOString(), complete, ...(waitMs === undefined ? {} : { waitMs }) };
  }

  /** Pays for the next request and for requests the last call made beyond the one it paid; false when the buckets are short. */
  async function pay(run: WindowRun): Promise<boolean> {
    if (!deps.quota) return true;
    const cost = 1 + Math.max(0, run.calls.made - run.calls.paid);
    const token = await deps.quota(run.store, run.adapter, cost);
    if (!token.granted) {
      run.waitMs = Math.max(1, Math.ceil(token.waitMs));
      return false;
    }
    run.calls.paid = run.calls.made + 1;
    return true;
  }

  /**
   * Reads one window from its open page to its last; false when the page budget ran out first (the
   * window is kept open where it stopped). Each page's orders are all recorded before its position
   * is: a failure re-reads at most that page.
   */
  async function readWindow(run: WindowRun, window: OpenWindow): Promise<boolean> {
    const target = { storeId: run.store.id, marketplace: run.marketplace, source: "pull" as const };
    let page = window.page;
    for (;;) {
      if (run.pages >= run.budget || !(await pay(run))) return false;
      const answer = await readPage(run, window, page);
      if (answer === "restart") {
        page = undefined;
        continue;
      }
      for (const order of [...answer.orders].sort(byModification)) {
        const { outcome } = await feedOrder(deps, target, order);
        run.outcomes[outcome] = (run.outcomes[outcome] ?? 0) + 1;
        const modified = new Date(order.lastModifiedAt);
        if (run.pagesInOrder && modified > run.watermark && modified <= window.until) run.watermark = modified;
      }
      if (run.pagesInOrder) await advanceWatermark(db, run.store.id, run.watermark);
      page = answer.next ?? undefined;
      if (!page) break;
      await keepOpenWindow(db, run.store.id, run.startedAt, { ...window, page });
    }
    await closeWindow(db, run.store.id, window.until);
    if (window.until > run.watermark) run.watermark = window.until;
    return true;
  }

  /**
   * One page of the window. A page token kept from an earlier pull that the adapter or the
   * marketplace no longer takes (a cursor expired, the token format changed) would stop the store
   * for good: the window is read again from its first page instead.
   */
  async function readPage(run: WindowRun, window: OpenWindow, page: string | undefined): Promise<OrderPage | "restart"> {
    run.pages += 1;
    try {
      return await run.pullOrders({ since: window.since, until: window.until, ...(page ? { page } : {}) });
    } catch (error) {
      const refused = error instanceof MarketplacePageInvalid || (error instanceof MarketplaceRefused && error.permanent);
      if (!page || !refused) throw error;
      log.warn({ err: error, storeId: run.store.id, since: window.since, until: window.until }, "order page token refused; the window is read again from its start");
      await keepOpenWindow(db, run.store.id, run.startedAt, { since: window.since, until: window.until });
      return "restart";
    }
  }

  async function pullStore(storeId: string, guard?: PullGuard): Promise<PullReport> {
    const store = await deps.stores.findStore(storeId);
    if (!store) return { storeId, pulled: false, reason: "not_found" };
    if (store.type === "WEB") return { storeId, pulled: false, reason: "web" };
    if (!store.active) return { storeId, pulled: false, reason: "inactive" };
    const calls = { made: 0, paid: 0 };
    const adapter = await adapterFor(store, calls);
    if (adapter === "settings") return { storeId, pulled: false, reason: "settings" };
    const pullOrders = adapter.pullOrders;
    if (!pullOrders) return { storeId, pulled: false, reason: "no_order_pull" };
    const locked = await deps.locks.tryWithLocks([orderPullLockKey(storeId)], () => (guard ? guarded(storeId, guard, () => pullWith(store, adapter, pullOrders, calls)) : pullWith(store, adapter, pullOrders, calls)), {
      ttlMs: LOCK_TTL_MS,
    });
    return locked.acquired ? locked.value : { storeId, pulled: false, reason: "locked" };
  }

  async function guarded(storeId: string, guard: PullGuard, pull: () => Promise<PullReport>): Promise<PullReport> {
    if (!(await guard.due())) return { storeId, pulled: false, reason: "not_due" };
    let report: PullReport;
    try {
      report = await pull();
    } catch (error) {
      await guard.settle({ error });
      throw error;
    }
    await guard.settle({ report });
    return report;
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

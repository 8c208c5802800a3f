/**
 * The stock sync engine's public face: the dirty buffer other domains mark, the flush
 * and poll steps the worker runs, recovery, and what the status routes read. Built once in
 * services.ts from the database, key-value store, locks and the catalog and inventory services.
 */
import type { Registry } from "prom-client";
import { createMemoryBroadcast, type Broadcast } from "../../infra/broadcast";
import type { Database } from "../../infra/db";
import type { KeyValueStore } from "../../infra/kv";
import type { LockPort } from "../../infra/locks";
import type { Logger } from "../../infra/logger";
import { listedProductsPage } from "../catalog/sync-targets";
import type { StoreService } from "../catalog/service";
import type { SellableLookup } from "../inventory/availability-types";
import { createApiLogWriter, purgeApiLogs } from "./api-logs";
import { createChannels, renewGeneration } from "./channels";
import { markRetried } from "./dead-letters";
import { createDirtyBuffer, type StoreProduct } from "./dirty-buffer";
import { flushStore, type FlushDeps, type FlushResult } from "./flush";
import { createKickChannel, type KickListener } from "./kick";
import { createSyncMetrics } from "./metrics";
import { pollReceipts, type ReceiptDeps } from "./receipts";
import { reconcileListings, type ReconcileReport } from "./reconcile";
import { forgetSent, forgetStoreSends } from "./sent";
import { createStoreHealth } from "./store-health";
import { readStatus } from "./status";
import { expireStoreSubmissions, purgeFinishedSubmissions } from "./submissions";
import { sweepLedger, type SweepResult } from "./sweep";
import { createRateLimiter } from "./token-bucket";

interface SyncSettings {
  intervalMs: number;
  pollDelayMs: number;
  attemptBudget: number;
  marketplaceTimeoutMs: number;
  /** Claim and sync-lock lease (SYNC_CLAIM_LEASE_MS); LEASE_MS when absent. */
  claimLeaseMs?: number;
  /** MARKETPLACE_DUPLICATE_WINDOW_MS; each marketplace's own when absent. */
  duplicateWindowMs?: number;
}

interface StockSyncDeps {
  db: Database;
  kv: KeyValueStore;
  locks: LockPort;
  log: Logger;
  registry: Registry;
  stores: Pick<StoreService, "findStore" | "credentialsFor" | "listStores" | "recordPushOutcomes" | "forgetPushed">;
  sellable: SellableLookup;
  /** Which (store, product) pairs a stock change touches (stock-sync/affected.ts, cached). */
  pairsFor(change: { productIds: string[]; warehouseIds: string[] }): Promise<StoreProduct[]>;
  settings: SyncSettings;
  /** Carries "flush soon" kicks to the replica running the worker; one process's own when absent. */
  broadcast?: Broadcast;
  /** The fetch marketplace calls go through (services.ts passes the outbound rule's). */
  fetch?: typeof fetch;
  now?: () => number;
}

/** Long enough for a 1000-item push with a slow marketplace; a crashed flush's items come back after it. */
const LEASE_MS = 120_000;

const syncLockKey = (storeId: string) => `sync:${storeId}`;

export function createStockSync(deps: StockSyncDeps) {
  const { db, kv, log } = deps;
  const now = deps.now ?? Date.now;
  const leaseMs = deps.settings.claimLeaseMs ?? LEASE_MS;
  const metrics = createSyncMetrics(deps.registry);
  const buffer = createDirtyBuffer(kv, { now });
  const apiLogs = createApiLogWriter(db, log);
  const health = createStoreHealth(kv, { now });
  const limiter = createRateLimiter(kv, { now });
  const kicks = createKickChannel(deps.broadcast ?? createMemoryBroadcast(), log);
  const channels = createChannels({
    stores: deps.stores,
    kv,
    apiLogs,
    timeoutMs: deps.settings.marketplaceTimeoutMs,
    duplicateWindowMs: deps.settings.duplicateWindowMs,
    fetch: deps.fetch,
    now,
  });
  const flushDeps: FlushDeps = {
    db,
    buffer,
    kv,
    limiter,
    health,
    stores: deps.stores,
    sellable: deps.sellable,
    metrics,
    log,
    now,
    settings: { leaseMs, maxBatchesPerFlush: 20, sentMemoryMs: 4 * 60 * 60 * 1000, firstPollDelayMs: deps.settings.pollDelayMs },
  };
  const receiptDeps: ReceiptDeps = {
    db,
    channels,
    buffer,
    limiter,
    stores: deps.stores,
    metrics,
    log,
    now,
    settings: { firstPollDelayMs: deps.settings.pollDelayMs, maxPollDelayMs: 5 * 60_000, attemptBudget: deps.settings.attemptBudget, batchLimit: 50 },
  };

  function reconcile(reason: string): Promise<ReconcileReport> {
    return reconcileListings({ db, buffer, sellable: deps.sellable, stores: deps.stores, log }, reason);
  }

  /** One store, under its lock: another replica flushing it makes this a no-op (null). */
  async function flushOne(storeId: string): Promise<FlushResult | null> {
    const locked = await deps.locks.tryWithLocks([syncLockKey(storeId)], async () => flushStore(flushDeps, storeId, await channels.channel(storeId)), {
      ttlMs: leaseMs,
    });
    return locked.acquired ? locked.value : null;
  }

  return {
    buffer,
    metrics,
    channels,
    apiLogs,
    health,
    /** What every stock and catalog change calls after commit. */
    markDirty: (pairs: readonly StoreProduct[]) => buffer.markDirty(pairs),
    flushOne,
    now,

    /** An order changed these stores' stock (marks already written): flush them soon, not on the interval. */
    flushSoon: (storeIds: readonly string[]) => kicks.send(storeIds),
    /** The worker's kicker hears the kicks here (every replica's). */
    onKick: (listener: KickListener) => kicks.listen(listener),

    /** One flush tick: recover expired claims, then every store with marks, one after another. */
    async flushAll(): Promise<FlushResult[]> {
      await buffer.recoverExpired();
      const results: FlushResult[] = [];
      for (const storeId of await buffer.storesWithMarks()) {
        try {
          const result = await flushOne(storeId);
          if (result) results.push(result);
        } catch (error) {
          log.error({ err: error, storeId }, "store flush failed");
        }
      }
      return results;
    },

    pollReceipts: () => pollReceipts(receiptDeps),

    /** The ledger-cursor sweep, on one replica at a time. */
    async sweep(): Promise<SweepResult | null> {
      const locked = await deps.locks.tryWithLocks(["sync:sweep"], () => sweepLedger({ db, kv, buffer, log, now, pairsFor: deps.pairsFor, reconcile }));
      return locked.acquired ? locked.value : null;
    },

    async reconcile(reason = "on demand"): Promise<ReconcileReport | null> {
      const locked = await deps.locks.tryWithLocks(["sync:reconcile"], () => reconcile(reason), { ttlMs: 10 * 60_000 });
      return locked.acquired ? locked.value : null;
    },

    status: () => readStatus({ db, buffer, health, stores: deps.stores, now }),

    /** Refreshes the backlog and dead-letter gauges (each tick, so a scrape never queries). */
    async refreshGauges(): Promise<void> {
      const status = await readStatus({ db, buffer, health, stores: deps.stores, now });
      metrics.backlog.reset();
      metrics.oldestDirtyAge.reset();
      metrics.deadLetters.reset();
      for (const store of status.stores) {
        metrics.backlog.set({ store: store.storeId }, store.backlog);
        metrics.oldestDirtyAge.set({ store: store.storeId }, store.oldestDirtyAgeMs === null ? 0 : store.oldestDirtyAgeMs / 1000);
        metrics.deadLetters.set({ store: store.storeId }, store.deadLetters);
      }
    },

    /** An admin asked to try again: the open letter is marked retried and its listing dirty; false when there is no such open letter. */
    async retryDeadLetter(id: string): Promise<boolean> {
      const letter = await markRetried(db, id);
      if (!letter) return false;
      await buffer.markDirty([{ storeId: letter.storeId, productId: letter.productId }]);
      return true;
    },

    /** These listings are known by other identifiers now: what they were sent under the old ones is forgotten (the caller marks them). */
    async forgetSends(pairs: readonly StoreProduct[]): Promise<void> {
      const byStore = new Map<string, string[]>();
      for (const { storeId, productId } of pairs) byStore.set(storeId, [...(byStore.get(storeId) ?? []), productId]);
      for (const [storeId, productIds] of byStore) await forgetSent(db, storeId, productIds, new Date(now()));
    },

    /** The store's marketplace account was replaced: forget what it was told and mark every listing, so everything is sent again. */
    async forgetStore(storeId: string): Promise<void> {
      await forgetStoreSends(db, storeId);
      await expireStoreSubmissions(db, storeId);
      await renewGeneration(kv, storeId);
      await deps.stores.forgetPushed(storeId);
      channels.clear([storeId]);
      for (let after: string | null = null; ; ) {
        const page = await listedProductsPage(db, storeId, after, 1000);
        await buffer.markDirty(page.map((productId) => ({ storeId, productId })));
        if (page.length < 1000) break;
        after = page.at(-1) ?? null;
      }
    },

    /** Old api logs (7 days) and finished receipts (1 day) go; the audit trail is the logs' job, not the table's. */
    async purge(): Promise<{ logs: number; submissions: number }> {
      const at = now();
      return {
        logs: await purgeApiLogs(db, new Date(at - 7 * 24 * 60 * 60_000)),
        submissions: await purgeFinishedSubmissions(db, new Date(at - 24 * 60 * 60_000)),
      };
    },
  };
}

export type StockSync = ReturnType<typeof createStockSync>;

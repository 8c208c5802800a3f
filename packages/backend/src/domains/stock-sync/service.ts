/**
 * The stock sync engine's public face: the dirty buffer other domains mark, the flush
 * and poll steps the worker runs, recovery, and what the status routes read. Built once in
 * services.ts from the database, key-value store, locks and the catalog and inventory services.
 */
import { randomUUID } from "node:crypto";
import type { Registry } from "prom-client";
import type { Database } from "../../infra/db";
import type { KeyValueStore } from "../../infra/kv";
import type { LockPort } from "../../infra/locks";
import type { Logger } from "../../infra/logger";
import { listedProductsPage, syncTargets } from "../catalog/sync-targets";
import type { StoreService } from "../catalog/service";
import type { SellableLookup } from "../inventory/availability-types";
import { latestLedgerId, ledgerChangesSince } from "../inventory/ledger-feed";
import { createApiLogWriter, purgeApiLogs } from "./api-logs";
import { purgeFinishedSubmissions } from "./submissions";
import { createChannels } from "./channels";
import { createDirtyBuffer } from "./dirty-buffer";
import { flushStore, type FlushResult } from "./flush";
import type { StoreProduct } from "./marks";
import { createSyncMetrics } from "./metrics";
import { bindPorts, type PortDeps } from "./ports-bound";
import { pollReceipts } from "./receipts";
import { reconcileListings, type ReconcileReport } from "./reconcile";
import { createStoreHealth } from "./store-health";
import { readStatus } from "./status";
import { LEDGER_CURSOR, sweepLedger, type SweepResult } from "./sweep";
import { createRateLimiter } from "./token-bucket";
import { readCursor, saveCursor } from "./cursor";
import { forgetStoreSends } from "./sent";

export interface SyncSettings {
  intervalMs: number;
  pollDelayMs: number;
  attemptBudget: number;
  marketplaceTimeoutMs: number;
  /** Claim and sync-lock lease (SYNC_CLAIM_LEASE_MS); LEASE_MS when absent. */
  claimLeaseMs?: number;
  /** MARKETPLACE_DUPLICATE_WINDOW_MS; each marketplace's own when absent. */
  duplicateWindowMs?: number;
}

export interface StockSyncDeps {
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
  /** The fetch marketplace calls go through (services.ts passes the outbound rule's). */
  fetch?: typeof fetch;
  now?: () => number;
}

/** Long enough for a 1000-item push with a slow marketplace; a crashed flush's items come back after it. */
const LEASE_MS = 120_000;
const SWEEP_PAGE = 5_000;
/** A ledger row younger than this may still have a lower-id sibling committing: the cursor stays before it. */
const SETTLE_MS = 30_000;

export const syncLockKey = (storeId: string) => `sync:${storeId}`;
const generationKey = (storeId: string) => `sync:generation:${storeId}`;

export function createStockSync(deps: StockSyncDeps) {
  const { db, kv, log } = deps;
  const now = deps.now ?? Date.now;
  const leaseMs = deps.settings.claimLeaseMs ?? LEASE_MS;
  const metrics = createSyncMetrics(deps.registry);
  const buffer = createDirtyBuffer(kv, { now });
  const apiLogs = createApiLogWriter(db, log);
  const health = createStoreHealth(kv, { now });
  const limiter = createRateLimiter(kv, { now });
  const channels = createChannels({
    findStore: deps.stores.findStore,
    credentialsFor: deps.stores.credentialsFor,
    generationOf: async (storeId) => (await kv.get(generationKey(storeId))) ?? "0",
    onCall: (storeId) => apiLogs(storeId),
    timeoutMs: deps.settings.marketplaceTimeoutMs,
    duplicateWindowMs: deps.settings.duplicateWindowMs,
    fetch: deps.fetch,
    now,
  });
  const portDeps: PortDeps = { db, limiter, health, stores: deps.stores, metrics, log, pollDelayMs: deps.settings.pollDelayMs };
  const ports = bindPorts(portDeps);

  const flushDeps = {
    ...ports,
    buffer,
    kv,
    sellable: deps.sellable,
    metrics,
    log,
    now,
    settings: { leaseMs, maxBatchesPerFlush: 20, sentMemoryMs: 4 * 60 * 60 * 1000 },
  };
  const receiptDeps = {
    ...ports,
    channels,
    marks: buffer,
    metrics,
    log,
    now,
    settings: { firstPollDelayMs: deps.settings.pollDelayMs, maxPollDelayMs: 5 * 60_000, attemptBudget: deps.settings.attemptBudget, batchLimit: 50 },
  };

  async function pushingStores(): Promise<string[]> {
    return (await deps.stores.listStores()).filter((s) => s.type !== "WEB" && s.active && s.sendStock).map((s) => s.id);
  }

  function reconcile(reason: string): Promise<ReconcileReport> {
    return reconcileListings(
      {
        marks: buffer,
        sellable: deps.sellable,
        log,
        pushingStores,
        listedPage: (storeId, after, limit) => listedProductsPage(db, storeId, after, limit),
        targets: (storeId, ids) => syncTargets(db, storeId, ids),
      },
      reason,
    );
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
    /** DirtyMarks: what every stock and catalog change calls after commit. */
    markDirty: (pairs: readonly StoreProduct[]) => buffer.markDirty(pairs),
    flushOne,

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
      const locked = await deps.locks.tryWithLocks(["sync:sweep"], () =>
        sweepLedger({
          kv,
          marks: buffer,
          log,
          now,
          readCursor: () => readCursor(db, LEDGER_CURSOR),
          saveCursor: (position) => saveCursor(db, LEDGER_CURSOR, position),
          changesSince: (position, limit, settledBefore) => ledgerChangesSince(db, position, limit, settledBefore),
          latestLedgerId: () => latestLedgerId(db),
          pairsFor: deps.pairsFor,
          reconcile,
          settings: { pageSize: SWEEP_PAGE, settleMs: SETTLE_MS },
        }),
      );
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

    retryDeadLetter: (id: string) => ports.retryDeadLetter(id, buffer),

    /** The store's marketplace account was replaced: forget what it was told and mark every listing, so everything is sent again. */
    async forgetStore(storeId: string): Promise<void> {
      await forgetStoreSends(db, storeId);
      await kv.set(generationKey(storeId), randomUUID());
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

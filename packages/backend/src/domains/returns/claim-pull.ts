/**
 * The claims pull: per active marketplace store whose adapter port lists claims (pullClaims),
 * under the lock `claim-pull:{storeId}` (one replica per store, the others skip it), read the
 * claims modified from the watermark minus an overlap up to now, page by page, and record each
 * (recordClaim is idempotent, so re-reading is harmless). The watermark moves to the window's end
 * only once every page was read; a run cut short (page budget, a failed call) reads the same
 * window again next time. Claims kept without their order are matched again first, since the
 * marketplace lists a claim again only when it changes. main.ts runs it every
 * ORDER_CLAIM_PULL_INTERVAL_MS.
 *
 * Every page first takes a token from the store's buckets for its marketplace's claims group (the
 * same KeyValueStore buckets the worker and the order pull pay into); none left, the run stops as
 * an incomplete one. Trendyol and Hepsiburada list claims by their CREATION date, so a claim whose
 * status moves later (the marketplace approves it, the buyer cancels it) is never listed in a later
 * window. Claims still open and undecided here that the main window did not cover are therefore
 * read again, best effort and without moving the watermark: by id where the port offers it
 * (readClaim: Trendyol), else (Hepsiburada) by re-reading the window back to the oldest of them
 * (capped at openClaimLookBackMs). Either spends what is left of the page budget.
 */
import { AppError } from "../../infra/errors";
import type { Database } from "../../infra/db";
import type { LockPort } from "../../infra/locks";
import type { Logger } from "../../infra/logger";
import type { StoreService } from "../catalog/service";
import type { NormalisedClaim, OrderCommandPort } from "../marketplace/order-commands";
import type { MarketplaceName } from "../marketplace/types";
import type { ClaimMetrics } from "./claim-metrics";
import type { ClaimOutcome } from "./claims";
import type { PortFor } from "./ports";
import { advanceClaimWatermark, claimWatermark, needingAttentionCounts, oldestOpenClaim, openClaimIds } from "./repository";

/** Marketplaces whose claim list filters on the claim's creation date (fixtures trendyol/claims-list, hepsiburada/claim-list, n11/claims-list notes). */
const LISTED_BY_CREATION: ReadonlySet<string> = new Set<MarketplaceName>(["TRENDYOL", "HEPSIBURADA", "N11"]);
const DEFAULT_OPEN_LOOK_BACK_MS = 14 * 24 * 60 * 60_000;

export interface ClaimPullSettings {
  /** How far before the watermark each pull reads again: claims the marketplace lists late. */
  overlapMs: number;
  /** Pages one run may read; the rest waits for the next run. */
  pageBudget?: number;
  /** How far back open claims of a creation-dated list are re-read (14 days unless told). */
  openClaimLookBackMs?: number;
}

/** One page's token from the store's claims buckets. */
export type ClaimQuota = (storeId: string) => Promise<{ granted: boolean; waitMs: number }>;

export interface ClaimPullDeps {
  db: Database;
  locks: LockPort;
  log: Logger;
  stores: Pick<StoreService, "listStores" | "findStore">;
  portFor: PortFor;
  recordClaim(storeId: string, claim: NormalisedClaim): Promise<{ outcome: ClaimOutcome }>;
  /** Claims kept without their order matched again first; answers how many found it. */
  rematchWaiting?(storeId: string): Promise<number>;
  settings: ClaimPullSettings;
  /** Absent: pages are not paid for (tests of the pull itself). */
  quota?: ClaimQuota;
  metrics?: ClaimMetrics;
  now?: () => number;
}

export type ClaimPullReport =
  | { storeId: string; pulled: false; reason: "not_found" | "inactive" | "web" | "no_claim_pull" | "settings" | "locked" }
  | {
      storeId: string;
      pulled: true;
      pages: number;
      outcomes: Partial<Record<ClaimOutcome, number>>;
      watermark: string | null;
      complete: boolean;
      /** Claims kept without their order that found it this run. */
      rematched: number;
      /** The run stopped because the store's claims buckets were empty. */
      throttled: boolean;
      /** Calls re-reading claims still open (by id, or pages of the window back to the oldest of them). */
      reread: number;
    };

export const claimPullLockKey = (storeId: string) => `claim-pull:${storeId}`;
/** Held past a slow run's last call; another replica takes the store over only after this. */
const LOCK_TTL_MS = 5 * 60_000;
const DEFAULT_PAGE_BUDGET = 20;

export function createClaimPull(deps: ClaimPullDeps) {
  const now = deps.now ?? Date.now;
  const { db, log } = deps;

  async function portOf(storeId: string): Promise<OrderCommandPort | undefined | "settings"> {
    try {
      return await deps.portFor(storeId);
    } catch (error) {
      // Settings the seller has to fix: skipped, not failed (as the order pull does).
      if (error instanceof AppError && error.status < 500) return "settings";
      throw error;
    }
  }

  type Pages = { pages: number; complete: boolean; throttled: boolean };

  /** Reads one window page by page within the budget, recording every claim. */
  async function readPages(store: { id: string; type: string }, pullClaims: NonNullable<OrderCommandPort["pullClaims"]>, since: Date, until: Date, budget: number, outcomes: Partial<Record<ClaimOutcome, number>>): Promise<Pages> {
    let pages = 0;
    let page: string | undefined;
    while (pages < budget) {
      const paid = deps.quota ? await deps.quota(store.id) : { granted: true, waitMs: 0 };
      if (!paid.granted) return { pages, complete: false, throttled: true };
      pages += 1;
      const answer = await pullClaims({ since, until, ...(page ? { page } : {}) });
      for (const claim of answer.claims) {
        const { outcome } = await deps.recordClaim(store.id, claim);
        outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
        deps.metrics?.recorded.inc({ marketplace: store.type, outcome });
      }
      page = answer.next ?? undefined;
      if (!page) return { pages, complete: true, throttled: false };
    }
    return { pages, complete: false, throttled: false };
  }

  /** Open claims the window did not cover, one call each (paid like a page); answers the calls made. */
  async function readOpenClaims(store: { id: string; type: string }, readClaim: NonNullable<OrderCommandPort["readClaim"]>, before: Date, budget: number, outcomes: Partial<Record<ClaimOutcome, number>>): Promise<number> {
    let calls = 0;
    for (const claimId of await openClaimIds(db, store.id, before, Math.max(0, budget))) {
      const paid = deps.quota ? await deps.quota(store.id) : { granted: true, waitMs: 0 };
      if (!paid.granted) break;
      calls += 1;
      const claim = await readClaim(claimId);
      if (!claim) continue;
      const { outcome } = await deps.recordClaim(store.id, claim);
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
      deps.metrics?.recorded.inc({ marketplace: store.type, outcome });
    }
    return calls;
  }

  async function readWindow(store: { id: string; type: string; createdAt: string }, port: OrderCommandPort): Promise<ClaimPullReport> {
    const pullClaims = port.pullClaims?.bind(port);
    if (!pullClaims) return { storeId: store.id, pulled: false, reason: "no_claim_pull" };
    const rematched = deps.rematchWaiting ? await deps.rematchWaiting(store.id) : 0;
    const watermark = (await claimWatermark(db, store.id)) ?? new Date(store.createdAt);
    const since = new Date(watermark.getTime() - deps.settings.overlapMs);
    const until = new Date(now());
    const budget = deps.settings.pageBudget ?? DEFAULT_PAGE_BUDGET;
    const outcomes: Partial<Record<ClaimOutcome, number>> = {};
    const main = await readPages(store, pullClaims, since, until, budget, outcomes);
    if (main.complete) await advanceClaimWatermark(db, store.id, until);
    let reread = 0;
    const readClaim = port.readClaim?.bind(port);
    const open = main.complete && !readClaim && LISTED_BY_CREATION.has(store.type) ? await oldestOpenClaim(db, store.id) : undefined;
    if (main.complete && readClaim) reread = await readOpenClaims(store, readClaim, since, budget - main.pages, outcomes);
    if (open) {
      const floor = until.getTime() - (deps.settings.openClaimLookBackMs ?? DEFAULT_OPEN_LOOK_BACK_MS);
      const from = new Date(Math.max(floor, open.getTime() - deps.settings.overlapMs));
      // Only what the main window did not cover; a short re-read waits for the next run.
      if (from < since) reread = (await readPages(store, pullClaims, from, since, budget - main.pages, outcomes)).pages;
    }
    const kept = main.complete ? until : watermark;
    log.info({ storeId: store.id, pages: main.pages, reread, outcomes, complete: main.complete, throttled: main.throttled, rematched }, "marketplace claims pulled");
    return { storeId: store.id, pulled: true, pages: main.pages, outcomes, watermark: kept.toISOString(), complete: main.complete, rematched, throttled: main.throttled, reread };
  }

  async function refreshGauges(): Promise<void> {
    if (!deps.metrics) return;
    const counts = await needingAttentionCounts(db);
    deps.metrics.needingAttention.reset();
    for (const { storeId, count } of counts) deps.metrics.needingAttention.set({ store_id: storeId }, count);
  }

  async function pullStore(storeId: string): Promise<ClaimPullReport> {
    const store = await deps.stores.findStore(storeId);
    if (!store) return { storeId, pulled: false, reason: "not_found" };
    if (store.type === "WEB") return { storeId, pulled: false, reason: "web" };
    if (!store.active) return { storeId, pulled: false, reason: "inactive" };
    const port = await portOf(storeId);
    if (port === "settings") return { storeId, pulled: false, reason: "settings" };
    if (!port?.pullClaims) return { storeId, pulled: false, reason: "no_claim_pull" };
    const locked = await deps.locks.tryWithLocks([claimPullLockKey(storeId)], () => readWindow(store, port), { ttlMs: LOCK_TTL_MS });
    return locked.acquired ? locked.value : { storeId, pulled: false, reason: "locked" };
  }

  return {
    pullStore,
    refreshGauges,

    /** Every active marketplace store once; one store's failure is logged and the others still run. */
    async pullAll(): Promise<ClaimPullReport[]> {
      const reports: ClaimPullReport[] = [];
      for (const store of await deps.stores.listStores()) {
        if (store.type === "WEB" || !store.active) continue;
        try {
          reports.push(await pullStore(store.id));
        } catch (error) {
          log.warn({ err: error, storeId: store.id }, "claims pull failed; the watermark stays and the next run reads again");
        }
      }
      await refreshGauges().catch((error: unknown) => log.warn({ err: error }, "returns gauges not read"));
      return reports;
    },
  };
}

export type ClaimPull = ReturnType<typeof createClaimPull>;

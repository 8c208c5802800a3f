/**
 * The claims pull: per active marketplace store whose adapter port lists claims (pullClaims),
 * under the lock `claim-pull:{storeId}` (one replica per store, the others skip it), read the
 * claims modified from the watermark minus an overlap up to now, page by page, and record each
 * (recordClaim is idempotent, so re-reading is harmless). The watermark moves to the window's end
 * only once every page was read; a run cut short (page budget, a failed call) reads the same
 * window again next time. Claims kept without their order are matched again first, since the
 * marketplace lists a claim again only when it changes. main.ts runs it every
 * ORDER_CLAIM_PULL_INTERVAL_MS.
 */
import { AppError } from "../../infra/errors";
import type { Database } from "../../infra/db";
import type { LockPort } from "../../infra/locks";
import type { Logger } from "../../infra/logger";
import type { StoreService } from "../catalog/service";
import type { NormalisedClaim, OrderCommandPort } from "../marketplace/order-commands";
import type { ClaimOutcome } from "./claims";
import type { PortFor } from "./ports";
import { advanceClaimWatermark, claimWatermark } from "./repository";

export interface ClaimPullSettings {
  /** How far before the watermark each pull reads again: claims the marketplace lists late. */
  overlapMs: number;
  /** Pages one run may read; the rest waits for the next run. */
  pageBudget?: number;
}

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

  async function readWindow(store: { id: string; createdAt: string }, port: OrderCommandPort): Promise<ClaimPullReport> {
    const pullClaims = port.pullClaims?.bind(port);
    if (!pullClaims) return { storeId: store.id, pulled: false, reason: "no_claim_pull" };
    const rematched = deps.rematchWaiting ? await deps.rematchWaiting(store.id) : 0;
    const watermark = (await claimWatermark(db, store.id)) ?? new Date(store.createdAt);
    const since = new Date(watermark.getTime() - deps.settings.overlapMs);
    const until = new Date(now());
    const budget = deps.settings.pageBudget ?? DEFAULT_PAGE_BUDGET;
    const outcomes: Partial<Record<ClaimOutcome, number>> = {};
    let pages = 0;
    let page: string | undefined;
    let complete = false;
    while (pages < budget) {
      pages += 1;
      const answer = await pullClaims({ since, until, ...(page ? { page } : {}) });
      for (const claim of answer.claims) {
        const { outcome } = await deps.recordClaim(store.id, claim);
        outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
      }
      page = answer.next ?? undefined;
      if (!page) {
        complete = true;
        break;
      }
    }
    if (complete) await advanceClaimWatermark(db, store.id, until);
    const kept = complete ? until : watermark;
    log.info({ storeId: store.id, pages, outcomes, complete, rematched }, "marketplace claims pulled");
    return { storeId: store.id, pulled: true, pages, outcomes, watermark: kept.toISOString(), complete, rematched };
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
      return reports;
    },
  };
}

export type ClaimPull = ReturnType<typeof createClaimPull>;

/**
 * The dirty buffer (DESIGN "Stock sync"): per store, the products whose marketplace quantity
 * may be stale, scored by when they first became dirty so repeated sales coalesce into one
 * push. One implementation over the KeyValueStore port: Redis-backed in production and shared
 * by replicas, in-process in embedded mode. Multi-key steps are scripts (dirty-buffer-scripts).
 *
 * Keys (under the store's prefix):
 *   sync:dirty:{storeId}                 zset product -> score (first-dirty ms, zero-first below 0)
 *   sync:stores                          zset store -> when it was first listed; a store stays while it has marks or claims
 *   sync:processing:{storeId}:{claimId}  zset of claimed products with their original scores
 *   sync:claims:{storeId}                zset claimId -> lease expiry (is anything in flight for this store?)
 *   sync:leases                          zset "{storeId}:{claimId}" -> lease expiry (what recovery scans)
 *
 * Times come from this process's clock (passed to the scripts), not Redis's, so the clock can be
 * injected in tests; replicas' clocks only need to agree to within a lease's slack.
 */
import { randomUUID } from "node:crypto";
import type { KeyValueStore } from "../../infra/kv";
import {
  ackClaim,
  addMarks,
  claimMarks,
  decodeScore,
  encodeScore,
  putBackClaim,
  recoverLeases,
} from "./dirty-buffer-scripts";

/** A (store, product) pair whose marketplace quantity may be stale. */
export interface StoreProduct {
  storeId: string;
  productId: string;
}

export interface ClaimedMark {
  productId: string;
  /** When the product first became dirty (ms): the start of its sync latency. */
  firstMarkedAt: number;
  /** Marked as dropped to zero: these are claimed before other changes. */
  zero: boolean;
}

export interface Claim {
  id: string;
  storeId: string;
  /** Until then (ms) the items are this claim's; after it, recoverExpired puts them back. */
  leaseUntil: number;
  /** Zero-first, then oldest first. */
  items: ClaimedMark[];
}

export interface DirtyBuffer {
  /**
   * What every stock and catalog change calls after commit (DESIGN: mark dirty after commit).
   * ZADD NX per store: the first-dirty time is kept, so many marks of a product coalesce into one.
   */
  markDirty(pairs: readonly StoreProduct[]): Promise<void>;
  /**
   * Marks products that dropped to 0 so they go out first (DESIGN "Priority"): the score is the
   * first-dirty time minus ZERO_OFFSET. Upgrades an existing normal mark, keeping its time.
   */
  markZero(pairs: readonly StoreProduct[]): Promise<void>;
  /** Up to `limit` waiting products of a store, in claim order (zero-first, then oldest). */
  peek(storeId: string, limit: number): Promise<string[]>;
  /** Whether the pair waits in the buffer (claimed ones do not count). */
  isMarked(storeId: string, productId: string): Promise<boolean>;
  /** Stores with marks or claims in flight, longest listed first. */
  storesWithMarks(): Promise<string[]>;
  /** Marks waiting to be claimed (claimed ones are not counted) and the oldest first-dirty time among them. */
  backlog(storeId: string): Promise<{ count: number; oldestMarkedAt: number | null }>;
  /** Moves up to `limit` marks (zero-first, then oldest) into a leased claim; null when there is nothing to claim. */
  claim(storeId: string, limit: number, leaseMs: number): Promise<Claim | null>;
  /** Done: the claim is deleted. False when its lease had already expired and been recovered. */
  ack(claim: Claim): Promise<boolean>;
  /**
   * Failed: the claimed items (all, or those named) go back with their original first-dirty
   * times; a product marked again meanwhile keeps the earlier time. Returns how many went back.
   */
  putBack(claim: Claim, items?: readonly string[]): Promise<number>;
  /** Crash safety: claims whose lease expired go back to the dirty sets; returns how many items. */
  recoverExpired(): Promise<number>;
}

const ROOT = "sync:";
const STORES = `${ROOT}stores`;
const LEASES = `${ROOT}leases`;
const dirtyKey = (storeId: string) => `${ROOT}dirty:${storeId}`;
const claimsKey = (storeId: string) => `${ROOT}claims:${storeId}`;
const processingKey = (storeId: string, claimId: string) => `${ROOT}processing:${storeId}:${claimId}`;

/** Keeps each script short so Redis is never blocked for long by one mark call. */
const MARKS_PER_SCRIPT = 1_000;
/** Expired claims recovered per script run; the loop continues until none are left. */
const CLAIMS_PER_RECOVERY = 100;

function groupByStore(pairs: readonly StoreProduct[]): Map<string, Set<string>> {
  const byStore = new Map<string, Set<string>>();
  for (const { storeId, productId } of pairs) {
    let products = byStore.get(storeId);
    if (!products) byStore.set(storeId, (products = new Set()));
    products.add(productId);
  }
  return byStore;
}

function assertPositiveInteger(name: string, value: number): void {
  if (!Number.isInteger(value) || value <= 0) throw new RangeError(`${name} must be a positive integer, got ${value}`);
}

export function createDirtyBuffer(kv: KeyValueStore, options: { now?: () => number } = {}): DirtyBuffer {
  const clock = options.now ?? Date.now;
  // Scripts write scores with integer formatting; a fractional clock must not make Lua and memory disagree.
  const now = () => Math.floor(clock());

  async function mark(pairs: readonly StoreProduct[], zero: boolean): Promise<void> {
    const at = now();
    const score = encodeScore(at, zero);
    for (const [storeId, products] of groupByStore(pairs)) {
      const members = [...products];
      for (let i = 0; i < members.length; i += MARKS_PER_SCRIPT) {
        const args = members.slice(i, i + MARKS_PER_SCRIPT).flatMap((productId) => [productId, score]);
        await kv.runScript(addMarks, [dirtyKey(storeId), STORES], [storeId, at, ...args]);
      }
    }
  }

  /**
   * Marks asked for in one event-loop turn go to the store together: under load, concurrent
   * orders share one script call per store instead of one each. Every caller still waits for
   * its marks to be written (after-commit marking stays observable when the request answers).
   */
  let pending: { normal: StoreProduct[]; zero: StoreProduct[]; waiters: { resolve: () => void; reject: (error: unknown) => void }[] } | null = null;

  async function writePending(): Promise<void> {
    const batch = pending;
    pending = null;
    if (!batch) return;
    try {
      if (batch.normal.length > 0) await mark(batch.normal, false);
      if (batch.zero.length > 0) await mark(batch.zero, true);
      for (const waiter of batch.waiters) waiter.resolve();
    } catch (error) {
      for (const waiter of batch.waiters) waiter.reject(error);
    }
  }

  function enqueue(pairs: readonly StoreProduct[], zero: boolean): Promise<void> {
    if (pairs.length === 0) return Promise.resolve();
    if (!pending) {
      pending = { normal: [], zero: [], waiters: [] };
      setImmediate(() => void writePending());
    }
    (zero ? pending.zero : pending.normal).push(...pairs);
    const batch = pending;
    return new Promise((resolve, reject) => batch.waiters.push({ resolve, reject }));
  }

  function claimKeys(claim: Claim): string[] {
    return [processingKey(claim.storeId, claim.id), LEASES, claimsKey(claim.storeId), dirtyKey(claim.storeId), STORES];
  }

  return {
    markDirty: (pairs) => enqueue(pairs, false),
    markZero: (pairs) => enqueue(pairs, true),

    async peek(storeId, limit) {
      return (await kv.zrangeByScore(dirtyKey(storeId), -Infinity, Infinity, limit)).map((m) => m.member);
    },

    async isMarked(storeId, productId) {
      return (await kv.zscore(dirtyKey(storeId), productId)) !== null;
    },

    async storesWithMarks() {
      return (await kv.zrangeByScore(STORES, -Infinity, Infinity)).map((m) => m.member);
    },

    async backlog(storeId) {
      const key = dirtyKey(storeId);
      // Zero-first scores sit below 0, so the oldest mark is the lowest of each band.
      const [count, oldestZero, oldestNormal] = await Promise.all([
        kv.zcard(key),
        kv.zrangeByScore(key, -Infinity, -1, 1),
        kv.zrangeByScore(key, 0, Infinity, 1),
      ]);
      const times = [...oldestZero, ...oldestNormal].map((m) => decodeScore(m.score).firstMarkedAt);
      return { count, oldestMarkedAt: times.length === 0 ? null : Math.min(...times) };
    },

    async claim(storeId, limit, leaseMs) {
      assertPositiveInteger("limit", limit);
      assertPositiveInteger("leaseMs", leaseMs);
      const id = randomUUID();
      const leaseUntil = now() + leaseMs;
      const keys = [dirtyKey(storeId), processingKey(storeId, id), LEASES, claimsKey(storeId)];
      const claimed = await kv.runScript(claimMarks, keys, [storeId, id, leaseUntil, limit]);
      if (claimed.length === 0) return null;
      const items = claimed.map(({ member, score }) => ({ productId: member, ...decodeScore(score) }));
      return { id, storeId, leaseUntil, items };
    },

    async ack(claim) {
      return (await kv.runScript(ackClaim, claimKeys(claim), [claim.storeId, claim.id, now()])) === 1;
    },

    async putBack(claim, items) {
      if (items !== undefined && items.length === 0) return 0;
      return kv.runScript(putBackClaim, claimKeys(claim), [claim.storeId, claim.id, now(), ...(items ?? [])]);
    },

    async recoverExpired() {
      let items = 0;
      for (;;) {
        const round = await kv.runScript(recoverLeases, [LEASES, STORES, ROOT], [now(), CLAIMS_PER_RECOVERY]);
        items += round.items;
        if (round.claims < CLAIMS_PER_RECOVERY) return items;
      }
    },
  };
}

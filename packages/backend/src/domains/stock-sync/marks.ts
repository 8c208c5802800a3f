/** A (store, product) pair whose marketplace quantity may be stale. */
export interface StoreProduct {
  storeId: string;
  productId: string;
}

/** The stock-sync port every stock change reaches after commit (DESIGN: mark dirty after commit). */
export interface DirtyMarks {
  markDirty(pairs: readonly StoreProduct[]): Promise<void>;
}

/**
 * An in-memory stand-in for the Redis dirty buffer: keeps the marks in memory,
 * coalesced per pair, so the call sites are real and observable. Nothing is pushed anywhere;
 * the ledger sweep re-marks from the durable ledger, so nothing is lost by this.
 */
export function createPendingMarks(limit = 100_000) {
  const pending = new Map<string, StoreProduct & { firstMarkedAt: number }>();
  return {
    async markDirty(pairs: readonly StoreProduct[]): Promise<void> {
      for (const pair of pairs) {
        const key = `${pair.storeId}:${pair.productId}`;
        if (!pending.has(key) && pending.size < limit) pending.set(key, { ...pair, firstMarkedAt: Date.now() });
      }
    },
    /** Marks not yet pushed, oldest first. */
    pending(): (StoreProduct & { firstMarkedAt: number })[] {
      return [...pending.values()];
    },
    has(storeId: string, productId: string): boolean {
      return pending.has(`${storeId}:${productId}`);
    },
  } satisfies DirtyMarks & Record<string, unknown>;
}

export type PendingMarks = ReturnType<typeof createPendingMarks>;

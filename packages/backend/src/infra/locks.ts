/**
 * The lock port: an in-process keyed mutex for embedded mode, Redlock across replicas in
 * production. A lock is an efficiency gate; conditional SQL updates are what prevent overselling
 * when a lock expires early (DESIGN.md, "Stock mutations and locking").
 */
import { LockTimeout } from "./errors";
import { DEFAULT_LOCK_WAIT_MS, KeyedMutex, SectionTracker, sortedUnique } from "./lock-queue";
import type { LockedSection } from "./locks-advisory";

export interface LockOptions {
  ttlMs?: number;
  waitMs?: number;
}

export type TryLockResult<T> = { acquired: true; value: T } | { acquired: false };

export interface LockPort {
  readonly kind: "redlock" | "memory" | "none";
  /**
   * Runs fn holding every key (deduplicated, taken in sorted order). Throws LockTimeout when not
   * acquired within waitMs (LocksUnavailable when Redis is away and the Postgres fallback could not
   * lock either). Releases on success and on throw. fn gets a transaction when the locks live in one
   * (the Postgres fallback): statements run on it share the lock's connection.
   */
  withLocks<T>(keys: readonly string[], fn: LockedSection<T>, opts?: LockOptions): Promise<T>;
  /** One attempt, no waiting: { acquired: false } when any key is held elsewhere (other replicas skip a store). */
  tryWithLocks<T>(keys: readonly string[], fn: LockedSection<T>, opts?: { ttlMs?: number }): Promise<TryLockResult<T>>;
  /** Refuses new sections and resolves once the running ones have released their locks. */
  close(): Promise<void>;
}

export function createMemoryLocks(): LockPort {
  const mutex = new KeyedMutex();
  const sections = new SectionTracker();
  // ttlMs has no meaning here: a holder cannot crash without taking the whole process with it.
  return {
    kind: "memory",
    withLocks: (keys, fn, opts = {}) =>
      sections.run(async () => {
        const sorted = sortedUnique(keys);
        const deadline = Date.now() + (opts.waitMs ?? DEFAULT_LOCK_WAIT_MS);
        if (!(await mutex.acquireAll(sorted, deadline))) throw new LockTimeout(sorted);
        try {
          return await fn();
        } finally {
          mutex.releaseAll(sorted);
        }
      }),
    tryWithLocks: <T>(keys: readonly string[], fn: LockedSection<T>) =>
      sections.run(async (): Promise<TryLockResult<T>> => {
        const sorted = sortedUnique(keys);
        if (!mutex.tryAcquireAll(sorted)) return { acquired: false };
        try {
          return { acquired: true, value: await fn() };
        } finally {
          mutex.releaseAll(sorted);
        }
      }),
    close: () => sections.close(),
  };
}

/**
 * No locking at all: every section runs at once (STOCK_LOCKS=off, refused in production). What
 * is left is what the design says must suffice alone: conditional updates and CHECK constraints.
 */
export function createNoLocks(): LockPort {
  const sections = new SectionTracker();
  return {
    kind: "none",
    withLocks: (_keys, fn) => sections.run(fn),
    tryWithLocks: <T>(_keys: readonly string[], fn: LockedSection<T>) =>
      sections.run(async (): Promise<TryLockResult<T>> => ({ acquired: true, value: await fn() })),
    close: () => sections.close(),
  };
}

export { DEFAULT_LOCK_TTL_MS, DEFAULT_LOCK_WAIT_MS, KeyedMutex } from "./lock-queue";
export { createRedlockLocks, type RedlockLocksOptions } from "./locks-redlock";
export { createAdvisoryLocks, type AdvisoryLocks, type LockedSection } from "./locks-advisory";

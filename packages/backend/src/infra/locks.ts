/**
 * The lock port: an in-process keyed mutex for embedded mode, Redlock across replicas in
 * production. A lock is an efficiency gate; conditional SQL updates are what prevent overselling
 * when a lock expires early (DESIGN.md, "Stock mutations and locking").
 */
import Redlock, { ExecutionError, ResourceLockedError, type Lock } from "redlock";
import type { Redis } from "ioredis";
import { LockTimeout, ServiceUnavailable } from "./errors";
import type { Logger } from "./logger";
import { throttledWarn } from "./redis";

export interface LockOptions {
  ttlMs?: number;
  waitMs?: number;
}

export type TryLockResult<T> = { acquired: true; value: T } | { acquired: false };

export interface LockPort {
  readonly kind: "redlock" | "memory";
  /** Runs fn holding every key (deduplicated, taken in sorted order). Throws LockTimeout when not acquired within waitMs. Releases on success and on throw. */
  withLocks<T>(keys: readonly string[], fn: () => Promise<T>, opts?: LockOptions): Promise<T>;
  /** One attempt, no waiting: { acquired: false } when any key is held elsewhere (other replicas skip a store). */
  tryWithLocks<T>(keys: readonly string[], fn: () => Promise<T>, opts?: { ttlMs?: number }): Promise<TryLockResult<T>>;
  /** Refuses new sections and resolves once the running ones have released their locks. */
  close(): Promise<void>;
}

export const DEFAULT_LOCK_TTL_MS = 10_000;
export const DEFAULT_LOCK_WAIT_MS = 5_000;

/** Sorted, so every caller takes keys in one global order and two callers cannot deadlock. */
function sortedUnique(keys: readonly string[]): string[] {
  return [...new Set(keys)].sort();
}

interface Waiter {
  grant(): void;
}
const HOLDER: Waiter = { grant() {} };

/** FIFO mutex per key: the head of a key's queue holds it, the rest wait in arrival order. */
export class KeyedMutex {
  private readonly queues = new Map<string, Waiter[]>();

  /** Keys currently held or waited on; empty when idle, so the map cannot leak. */
  get activeKeys(): number {
    return this.queues.size;
  }

  /** All or nothing, no waiting. */
  tryAcquireAll(sortedKeys: readonly string[]): boolean {
    if (sortedKeys.some((key) => this.queues.has(key))) return false;
    for (const key of sortedKeys) this.queues.set(key, [HOLDER]);
    return true;
  }

  /** Takes keys one by one in the given (sorted) order; on timeout gives back what it took and returns false. */
  async acquireAll(sortedKeys: readonly string[], deadline: number): Promise<boolean> {
    const taken: string[] = [];
    for (const key of sortedKeys) {
      if (!(await this.acquire(key, deadline))) {
        this.releaseAll(taken);
        return false;
      }
      taken.push(key);
    }
    return true;
  }

  releaseAll(keys: readonly string[]): void {
    for (const key of keys) this.release(key);
  }

  private acquire(key: string, deadline: number): Promise<boolean> {
    const queue = this.queues.get(key);
    if (!queue) {
      this.queues.set(key, [HOLDER]);
      return Promise.resolve(true);
    }
    const remaining = deadline - Date.now();
    if (remaining <= 0) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const waiter: Waiter = {
        grant() {
          clearTimeout(timer);
          resolve(true);
        },
      };
      timer = setTimeout(() => {
        // Still waiting (a granted waiter's timer is cleared): leave the queue.
        queue.splice(queue.indexOf(waiter), 1);
        resolve(false);
      }, remaining);
      queue.push(waiter);
    });
  }

  private release(key: string): void {
    const queue = this.queues.get(key);
    if (!queue) return;
    queue.shift();
    const next = queue[0];
    if (next) next.grant();
    else this.queues.delete(key);
  }
}

/** Counts running critical sections so close() can wait for their locks to be released. */
class SectionTracker {
  private running = 0;
  private closed = false;
  private readonly idleWaiters: Array<() => void> = [];

  async run<T>(section: () => Promise<T>): Promise<T> {
    if (this.closed) throw new ServiceUnavailable("SHUTTING_DOWN", "The service is shutting down");
    this.running += 1;
    try {
      return await section();
    } finally {
      this.running -= 1;
      if (this.running === 0) for (const wake of this.idleWaiters.splice(0)) wake();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.running > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }
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
    tryWithLocks: <T>(keys: readonly string[], fn: () => Promise<T>) =>
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

export interface RedlockLocksOptions {
  /** Key prefix; resources are `${prefix}lock:${key}`. */
  prefix: string;
  /** Pause between attempts while another process holds a key; redlock's 200 ms default adds latency to every contended sale. */
  retryDelayMs?: number;
  log: Logger;
}

const LOG_INTERVAL_MS = 10_000;

export function createRedlockLocks(clients: Redis[], options: RedlockLocksOptions): LockPort {
  // redlock 5.0.0-beta.2 decides an attempt when either side reaches the quorum; with an even
  // number of nodes a tie reaches neither and acquire/release never settle.
  if (clients.length === 0 || (clients.length > 1 && clients.length % 2 === 0)) {
    throw new Error(`Redlock needs 1 or an odd number of independent Redis nodes, got ${clients.length}`);
  }
  const retryDelay = options.retryDelayMs ?? 25;
  const redlock = new Redlock(clients, {
    retryCount: 0,
    retryDelay,
    retryJitter: Math.floor(retryDelay / 2),
  });
  const log = options.log.child({ component: "locks" });
  const warn = throttledWarn(log, LOG_INTERVAL_MS);
  // Every contended attempt emits ResourceLockedError; only other errors (a node away) are news.
  redlock.on("error", (err: unknown) => {
    if (err instanceof ResourceLockedError) return;
    warn({ err: err instanceof Error ? err.message : String(err) }, "redlock node error");
  });

  const local = new KeyedMutex();
  const sections = new SectionTracker();
  const resources = (sorted: readonly string[]) => sorted.map((key) => `${options.prefix}lock:${key}`);

  /** Extends the lock at half its ttl for as long as fn runs; stop() returns the latest lock to release. */
  function keepExtended(initial: Lock, ttlMs: number): { stop(): Promise<Lock> } {
    let lock = initial;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let extension: Promise<void> | undefined;
    const schedule = (delayMs: number) => {
      timer = setTimeout(() => {
        extension = extend();
      }, Math.max(0, delayMs));
    };
    const extend = async () => {
      try {
        lock = await redlock.extend(lock, ttlMs, { retryCount: 2 });
        schedule(lock.expiration - Date.now() - ttlMs / 2);
      } catch (err) {
        // The holder keeps running: SQL guards stay correct, but another replica may now enter.
        warn({ keys: lock.resources, err: err instanceof Error ? err.message : String(err) }, "lock extension failed");
        if (lock.expiration > Date.now()) schedule(retryDelay);
      }
    };
    schedule(lock.expiration - Date.now() - ttlMs / 2);
    return {
      async stop() {
        clearTimeout(timer);
        await extension;
        clearTimeout(timer);
        return lock;
      },
    };
  }

  async function release(lock: Lock): Promise<void> {
    try {
      await redlock.release(lock, { retryCount: 2 });
    } catch (err) {
      // Not fatal: it expires by itself. Usually it had expired already (fn outlived a failed extension).
      warn({ keys: lock.resources, err: err instanceof Error ? err.message : String(err) }, "lock release failed");
    }
  }

  async function holdInRedis<T>(sorted: string[], fn: () => Promise<T>, ttlMs: number, retryCount: number): Promise<TryLockResult<T>> {
    if (sorted.length === 0) return { acquired: true, value: await fn() };
    let lock: Lock;
    try {
      lock = await redlock.acquire(resources(sorted), Math.ceil(ttlMs), { retryCount });
    } catch (err) {
      if (err instanceof ExecutionError) return { acquired: false };
      throw err;
    }
    const keeper = keepExtended(lock, Math.ceil(ttlMs));
    try {
      return { acquired: true, value: await fn() };
    } finally {
      await release(await keeper.stop());
    }
  }

  return {
    kind: "redlock",
    // The local mutex first: Redis then sees one contender per process, not one per request.
    withLocks: (keys, fn, opts = {}) =>
      sections.run(async () => {
        const sorted = sortedUnique(keys);
        const deadline = Date.now() + (opts.waitMs ?? DEFAULT_LOCK_WAIT_MS);
        if (!(await local.acquireAll(sorted, deadline))) throw new LockTimeout(sorted);
        try {
          const retryCount = Math.ceil(Math.max(0, deadline - Date.now()) / retryDelay);
          const outcome = await holdInRedis(sorted, fn, opts.ttlMs ?? DEFAULT_LOCK_TTL_MS, retryCount);
          if (!outcome.acquired) throw new LockTimeout(sorted);
          return outcome.value;
        } finally {
          local.releaseAll(sorted);
        }
      }),
    tryWithLocks: <T>(keys: readonly string[], fn: () => Promise<T>, opts: { ttlMs?: number } = {}) =>
      sections.run(async (): Promise<TryLockResult<T>> => {
        const sorted = sortedUnique(keys);
        if (!local.tryAcquireAll(sorted)) return { acquired: false };
        try {
          return await holdInRedis(sorted, fn, opts.ttlMs ?? DEFAULT_LOCK_TTL_MS, 0);
        } finally {
          local.releaseAll(sorted);
        }
      }),
    // The clients stay open: whoever created them closes them (closeRedis), after this resolves.
    close: () => sections.close(),
  };
}

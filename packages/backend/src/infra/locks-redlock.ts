/**
 * The lock port across replicas: Redlock (redlock 5.0.0-beta.2) over one or an odd number of
 * independent Redis nodes, behind an in-process queue per key. While a quorum of nodes cannot be
 * reached, sections take Postgres advisory locks instead (locks-advisory.ts): Redis being away
 * must not stop sales, and the SQL guards never depended on it.
 */
import { spanEnd, spanStart } from "./bench-spans";
import Redlock, { ExecutionError, ResourceLockedError, type Lock } from "redlock";
import type { Redis } from "ioredis";
import { LockTimeout } from "./errors";
import { DEFAULT_LOCK_TTL_MS, DEFAULT_LOCK_WAIT_MS, KeyedMutex, SectionTracker, sortedUnique } from "./lock-queue";
import type { LockPort, TryLockResult } from "./locks";
import type { AdvisoryLocks, LockedSection } from "./locks-advisory";
import type { Logger } from "./logger";
import { isReady, throttledWarn } from "./redis";
import { TimeoutError, withTimeout } from "./timeout";

export interface RedlockLocksOptions {
  /** Key prefix; resources are `${prefix}lock:${key}`. */
  prefix: string;
  /** Pause between attempts while another process holds a key; redlock's 200 ms default adds latency to every contended sale. */
  retryDelayMs?: number;
  /** Default wait of withLocks (LOCK_WAIT_MS). */
  waitMs?: number;
  /** Where sections lock while Redis is unreachable; without it they fail LockTimeout as before. */
  fallback?: AdvisoryLocks;
  log: Logger;
}

/** Not acquired: held elsewhere ("busy"), or no quorum of nodes answered ("unreachable"). */
type RedisOutcome<T> = { acquired: true; value: T } | { acquired: false; unreachable: boolean };

const LOG_INTERVAL_MS = 10_000;
/** Even waitMs 0 or tryWithLocks gets this long for its one round trip to the nodes. */
const ATTEMPT_BUDGET_MS = 250;
/** A release or extension that a node away cannot answer must not hold up the caller. */
const RELEASE_TIMEOUT_MS = 1_000;

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

export function createRedlockLocks(clients: Redis[], options: RedlockLocksOptions): LockPort {
  // redlock 5.0.0-beta.2 decides an attempt when either side reaches the quorum; with an even
  // number of nodes a tie reaches neither and acquire/release never settle.
  if (clients.length === 0 || (clients.length > 1 && clients.length % 2 === 0)) {
    throw new Error(`Redlock needs 1 or an odd number of independent Redis nodes, got ${clients.length}`);
  }
  const retryDelay = options.retryDelayMs ?? 25;
  const defaultWaitMs = options.waitMs ?? DEFAULT_LOCK_WAIT_MS;
  const quorum = Math.floor(clients.length / 2) + 1;
  // Without a connection a command fails at once (redis.ts), so this is what an attempt would learn.
  const redisUsable = () => clients.filter(isReady).length >= quorum;
  const redlock = new Redlock(clients, { retryCount: 0, retryDelay, retryJitter: Math.floor(retryDelay / 2) });
  const warn = throttledWarn(options.log.child({ component: "locks" }), LOG_INTERVAL_MS);
  // Every contended attempt emits ResourceLockedError; only other errors (a node away) are news.
  redlock.on("error", (err: unknown) => {
    if (!(err instanceof ResourceLockedError)) warn({ err: message(err) }, "redlock node error");
  });

  const onFallback = (sorted: readonly string[]) =>
    warn({ keys: sorted.length }, "redis unreachable: taking locks as Postgres advisory locks");

  const local = new KeyedMutex();
  const releases = new Set<Promise<void>>();
  const sections = new SectionTracker();
  const resources = (sorted: readonly string[]) => sorted.map((key) => `${options.prefix}lock:${key}`);

  async function release(lock: Lock): Promise<void> {
    try {
      await withTimeout(redlock.release(lock, { retryCount: 2 }), RELEASE_TIMEOUT_MS, "lock release");
    } catch (err) {
      // Not fatal: the lock expires by itself within its ttl.
      warn({ keys: lock.resources, err: message(err) }, "lock release failed");
    }
  }

  /** True when the failed attempt's last round lost its quorum to node errors rather than to holders. */
  async function lostToNodes(err: ExecutionError): Promise<boolean> {
    const last = err.attempts[err.attempts.length - 1];
    if (!last) return !redisUsable();
    const stats = await last;
    let failures = 0;
    for (const vote of stats.votesAgainst.values()) if (!(vote instanceof ResourceLockedError)) failures += 1;
    return stats.membershipSize - failures < stats.quorumSize;
  }

  /** One redlock acquire with its own retries, abandoned (and freed if it lands late) after budgetMs. */
  async function attempt(sorted: string[], ttlMs: number, retryCount: number, budgetMs: number): Promise<Lock | "busy" | "unreachable"> {
    const acquiring = redlock.acquire(resources(sorted), ttlMs, { retryCount }).catch(async (err: unknown) => {
      if (err instanceof ExecutionError) return (await lostToNodes(err)) ? ("unreachable" as const) : ("busy" as const);
      throw err;
    });
    try {
      return await withTimeout(acquiring, budgetMs, "lock acquire");
    } catch (err) {
      if (!(err instanceof TimeoutError)) throw err;
      acquiring.then(
        (late) => {
          if (typeof late === "object") void release(late);
        },
        () => undefined,
      );
      return redisUsable() ? "busy" : "unreachable";
    }
  }

  /**
   * Undefined when the keys stay held elsewhere, or the nodes do not answer, until the deadline.
   * Redlock counts retries, not time: jitter can end them early, and a node that is away can hold
   * each one for seconds, so the deadline is enforced here.
   */
  async function acquireBefore(sorted: string[], ttlMs: number, deadline: number): Promise<Lock | "busy" | "unreachable"> {
    for (;;) {
      const remaining = deadline - Date.now();
      const retryCount = Math.floor(Math.max(0, remaining) / retryDelay);
      const lock = await attempt(sorted, ttlMs, retryCount, Math.max(remaining, ATTEMPT_BUDGET_MS));
      if (lock !== "busy" || deadline - Date.now() < retryDelay) return lock;
      await new Promise((resolve) => setTimeout(resolve, retryDelay));
    }
  }

  /** Extends the lock at half its ttl while fn runs; stop() returns the latest lock, for release. */
  function keepExtended(initial: Lock, ttlMs: number): { stop(): Promise<Lock>; stopNow(): Lock | undefined } {
    let lock = initial;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let extension: Promise<void> = Promise.resolve();
    let extending = false;
    const schedule = (delayMs: number) => {
      timer = setTimeout(() => {
        extending = true;
        extension = extend().finally(() => {
          extending = false;
        });
      }, Math.max(0, delayMs));
    };
    const extend = async () => {
      try {
        lock = await withTimeout(redlock.extend(lock, ttlMs, { retryCount: 2 }), RELEASE_TIMEOUT_MS, "lock extension");
        schedule(lock.expiration - Date.now() - ttlMs / 2);
      } catch (err) {
        // The holder keeps running: SQL guards stay correct, but another replica may now enter.
        warn({ keys: lock.resources, err: message(err) }, "lock extension failed");
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
      /** The lock at once when no extension is on its way (the usual case); undefined otherwise. */
      stopNow() {
        if (extending) return undefined;
        clearTimeout(timer);
        return lock;
      },
    };
  }

  async function holdInRedis<T>(sorted: string[], fn: LockedSection<T>, ttlMs: number, deadline: number): Promise<RedisOutcome<T>> {
    if (sorted.length === 0) return { acquired: true, value: await fn() };
    if (options.fallback && !redisUsable()) return { acquired: false, unreachable: true };
    const ttl = Math.ceil(ttlMs);
    const acquiring = spanStart();
    const lock = await acquireBefore(sorted, ttl, deadline);
    spanEnd("lock: Redis acquire", acquiring);
    if (typeof lock === "string") return { acquired: false, unreachable: lock === "unreachable" };
    const keeper = keepExtended(lock, ttl);
    try {
      return { acquired: true, value: await fn() };
    } finally {
      // The release command is sent now (before the next local waiter's acquire, on the same
      // connection, so Redis sees them in that order) but its reply is not waited for: on a hot
      // key that wait was a third of each holder's time. close() waits for releases in flight.
      const now = keeper.stopNow();
      const releasing = now ? release(now) : keeper.stop().then(release);
      releases.add(releasing);
      void releasing.finally(() => releases.delete(releasing));
    }
  }

  return {
    kind: "redlock",
    // The local queue first: Redis then sees one contender per process, not one per request.
    withLocks: (keys, fn, opts = {}) =>
      sections.run(async () => {
        const sorted = sortedUnique(keys);
        const waitMs = opts.waitMs ?? defaultWaitMs;
        const deadline = Date.now() + waitMs;
        const queued = spanStart();
        if (!(await local.acquireAll(sorted, deadline))) throw new LockTimeout(sorted);
        spanEnd("lock: local queue", queued);
        try {
          const outcome = await holdInRedis(sorted, fn, opts.ttlMs ?? DEFAULT_LOCK_TTL_MS, deadline);
          if (outcome.acquired) return outcome.value;
          if (!outcome.unreachable || !options.fallback) throw new LockTimeout(sorted);
          onFallback(sorted);
          // A failed Redis attempt may have used the wait up: the fallback gets one short attempt at least.
          return await options.fallback.withLocks(sorted, fn, Math.max(deadline, Date.now() + ATTEMPT_BUDGET_MS), waitMs);
        } finally {
          local.releaseAll(sorted);
        }
      }),
    tryWithLocks: <T>(keys: readonly string[], fn: LockedSection<T>, opts: { ttlMs?: number } = {}) =>
      sections.run(async (): Promise<TryLockResult<T>> => {
        const sorted = sortedUnique(keys);
        if (!local.tryAcquireAll(sorted)) return { acquired: false };
        try {
          const outcome = await holdInRedis(sorted, fn, opts.ttlMs ?? DEFAULT_LOCK_TTL_MS, Date.now());
          if (outcome.acquired || !outcome.unreachable || !options.fallback) return outcome.acquired ? outcome : { acquired: false };
          onFallback(sorted);
          return await options.fallback.tryWithLocks(sorted, fn);
        } finally {
          local.releaseAll(sorted);
        }
      }),
    // The clients stay open: whoever created them closes them (closeRedis), after this resolves.
    close: async () => {
      await sections.close();
      await Promise.all([...releases]);
    },
  };
}

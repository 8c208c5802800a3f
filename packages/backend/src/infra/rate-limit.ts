import { createMemoryKeyValue, defineScript, parseInteger, type KeyValueStore } from "./kv";
import type { Logger } from "./logger";
import { throttledWarn } from "./redis";
import { withTimeout } from "./timeout";

export interface RateLimitRule {
  /** Part of the counter's key; one name per rule. */
  name: string;
  limit: number;
  windowMs: number;
}

export interface RateLimitDecision {
  allowed: boolean;
  count: number;
  retryAfterSeconds: number;
  /** Seconds until the window (and the count) resets. */
  resetSeconds: number;
}

export interface RateLimiter {
  /** Counts one attempt by `subject` against the rule (fixed window) and says whether it may go on. */
  hit(rule: RateLimitRule, subject: string): Promise<RateLimitDecision>;
  /**
   * Takes one hit back (never below zero, the window unchanged): for rules that count only failures,
   * an attempt is charged before it runs, so concurrent attempts cannot slip past the limit, and
   * refunded when it turns out to have succeeded.
   */
  refund(rule: RateLimitRule, subject: string): Promise<void>;
}

/** DECR that keeps the key's expiry and never goes below zero or creates a key. */
const decrementInWindow = defineScript<number>({
  name: "decrementInWindow",
  lua: `
local count = tonumber(redis.call("GET", KEYS[1]) or "0")
if count > 0 then
  return redis.call("DECR", KEYS[1])
end
return 0
`,
  local(data, keys) {
    const [key] = keys;
    if (key === undefined) throw new Error("decrementInWindow needs one key");
    const count = Number(data.get(key) ?? "0");
    const ttlMs = data.pttl(key);
    if (!(count > 0) || ttlMs <= 0) return 0;
    data.set(key, String(count - 1), { ttlMs });
    return count - 1;
  },
  parse: (raw) => parseInteger(raw, "decrementInWindow"),
});

// A limiter must answer fast even when Redis is slow to fail.
const SHARED_STORE_TIMEOUT_MS = 300;
// After a failure, stay on in-process counters this long before asking the shared store again.
const SHARED_STORE_RETRY_MS = 5_000;

/**
 * Counters live in the shared store (Redis), so every replica sees the same count. While it is
 * unreachable, counting goes on in-process: limits then hold per replica instead of globally,
 * which is weaker but never "no limit at all".
 */
export function createRateLimiter(options: { kv: KeyValueStore; log: Logger }): RateLimiter {
  const fallback = options.kv.kind === "memory" ? options.kv : createMemoryKeyValue({ prefix: "fallback:" });
  const warn = throttledWarn(options.log.child({ component: "rate-limit" }), 10_000);

  let sharedDownUntil = 0;

  /** On the shared store, or on the in-process one while the shared store is unreachable. */
  async function onStore<T>(run: (kv: KeyValueStore) => Promise<T>): Promise<T> {
    if (fallback === options.kv || Date.now() < sharedDownUntil) return run(fallback);
    try {
      return await withTimeout(run(options.kv), SHARED_STORE_TIMEOUT_MS, "rate limit store");
    } catch (error) {
      sharedDownUntil = Date.now() + SHARED_STORE_RETRY_MS;
      warn(
        { err: error instanceof Error ? error.message : String(error) },
        "rate limiter falling back to in-process counters: shared store unreachable",
      );
      return run(fallback);
    }
  }

  const count = (key: string, windowMs: number) => onStore((kv) => kv.incrWithExpiry(key, windowMs));

  return {
    async hit(rule, subject) {
      const { count: n, ttlMs } = await count(`rl:${rule.name}:${subject}`, rule.windowMs);
      const allowed = n <= rule.limit;
      const resetSeconds = Math.max(1, Math.ceil(ttlMs / 1000));
      return { allowed, count: n, retryAfterSeconds: allowed ? 0 : resetSeconds, resetSeconds };
    },
    async refund(rule, subject) {
      await onStore((kv) => kv.runScript(decrementInWindow, [`rl:${rule.name}:${subject}`], []));
    },
  };
}

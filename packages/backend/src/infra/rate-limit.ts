import { createMemoryKeyValue, type KeyValueStore } from "./kv";
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
}

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

  async function count(key: string, windowMs: number): Promise<{ count: number; ttlMs: number }> {
    if (fallback === options.kv || Date.now() < sharedDownUntil) return fallback.incrWithExpiry(key, windowMs);
    try {
      return await withTimeout(options.kv.incrWithExpiry(key, windowMs), SHARED_STORE_TIMEOUT_MS, "rate limit store");
    } catch (error) {
      sharedDownUntil = Date.now() + SHARED_STORE_RETRY_MS;
      warn(
        { err: error instanceof Error ? error.message : String(error) },
        "rate limiter falling back to in-process counters: shared store unreachable",
      );
      return fallback.incrWithExpiry(key, windowMs);
    }
  }

  return {
    async hit(rule, subject) {
      const { count: n, ttlMs } = await count(`rl:${rule.name}:${subject}`, rule.windowMs);
      const allowed = n <= rule.limit;
      const resetSeconds = Math.max(1, Math.ceil(ttlMs / 1000));
      return { allowed, count: n, retryAfterSeconds: allowed ? 0 : resetSeconds, resetSeconds };
    },
  };
}

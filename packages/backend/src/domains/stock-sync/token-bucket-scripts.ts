/**
 * The token bucket's atomic step, written once as Lua (Redis) and once over MemoryData
 * (embedded). Both sides do the same double arithmetic in the same order, and a bucket's state
 * is stored as "{tokens}:{lastRefillMs}" with tokens printed so they read back exactly
 * (Lua %.17g, JS String()), so the two implementations answer identically.
 *
 * A missing key is a full bucket: the key's TTL is the time it takes to refill completely, so
 * an idle bucket vanishes exactly when forgetting it changes nothing.
 */
import { defineScript, parseInteger, type MemoryData } from "../../infra/kv";

/** Added to every bucket's TTL so a bucket never expires a hair before it is really full. */
const BUCKET_TTL_SLACK_MS = 1_000;
const WAIT_EPSILON_MS = 1e-6;

interface BucketLevel {
  tokens: number;
  /** The time the tokens were counted at: never moved backwards (see refill). */
  stamp: number;
}

/**
 * Continuous refill since the stored stamp. A replica whose clock is behind the stamp another
 * replica wrote gets no refill and keeps the later stamp, so clock skew between replicas can
 * never create tokens (it can only delay refill by the skew).
 */
export function refill(raw: string | null, capacity: number, refillPerSecond: number, now: number): BucketLevel {
  const match = raw === null ? null : /^([^:]+):([^:]+)$/.exec(raw);
  const tokens = match ? Number(match[1]) : Number.NaN;
  const stamp = match ? Number(match[2]) : Number.NaN;
  // Unreadable state counts as a full bucket, as a missing key does.
  if (!Number.isFinite(tokens) || !Number.isFinite(stamp)) return { tokens: capacity, stamp: now };
  return {
    tokens: Math.min(capacity, tokens + (Math.max(0, now - stamp) * refillPerSecond) / 1000),
    stamp: Math.max(stamp, now),
  };
}

/**
 * Milliseconds until `tokens` grows to `cost`; at least 1 when it is short at all. The epsilon
 * drops floating-point dust (1 - 0.998 is not 0.002) that would round a 1 ms wait up to 2.
 */
export function waitFor(tokens: number, cost: number, refillPerSecond: number): number {
  return tokens >= cost ? 0 : Math.max(1, Math.ceil(((cost - tokens) * 1000) / refillPerSecond - WAIT_EPSILON_MS));
}

function bucketTtlMs(tokens: number, capacity: number, refillPerSecond: number): number {
  return Math.ceil(((capacity - tokens) * 1000) / refillPerSecond) + BUCKET_TTL_SLACK_MS;
}

function param(args: string[], index: number): number {
  const value = Number(args[index]);
  if (args[index] === undefined || !Number.isFinite(value)) throw new Error(`rateLimit.take needs a number at argument ${index + 1}`);
  return value;
}

/**
 * KEYS: one per bucket. ARGV: now, cost, then capacity and refillPerSecond per bucket.
 * All or nothing: when any bucket is short nothing is written and the reply is
 * { 0, ms until the scarcest bucket holds `cost` }; otherwise every bucket pays and { 1, 0 }.
 */
export const takeTokens = defineScript<{ granted: boolean; waitMs: number }>({
  name: "rateLimit.take",
  lua: `
local now = tonumber(ARGV[1])
local cost = tonumber(ARGV[2])
local levels, stamps, wait = {}, {}, 0
for i = 1, #KEYS do
  local capacity, rate = tonumber(ARGV[1 + 2 * i]), tonumber(ARGV[2 + 2 * i])
  local tokens, stamp = capacity, now
  local raw = redis.call("GET", KEYS[i])
  if raw then
    local t, s = string.match(raw, "^([^:]+):([^:]+)$")
    t, s = tonumber(t), tonumber(s)
    if t and s then
      tokens = math.min(capacity, t + (math.max(0, now - s) * rate) / 1000)
      stamp = math.max(s, now)
    end
  end
  levels[i], stamps[i] = tokens, stamp
  if tokens < cost then
    wait = math.max(wait, 1, math.ceil(((cost - tokens) * 1000) / rate - ${WAIT_EPSILON_MS}))
  end
end
if wait > 0 then return { 0, wait } end
for i = 1, #KEYS do
  local capacity, rate = tonumber(ARGV[1 + 2 * i]), tonumber(ARGV[2 + 2 * i])
  local left = levels[i] - cost
  local ttl = math.ceil(((capacity - left) * 1000) / rate) + ${BUCKET_TTL_SLACK_MS}
  redis.call("SET", KEYS[i], string.format("%.17g:%.0f", left, stamps[i]), "PX", ttl)
end
return { 1, 0 }
`,
  local(data: MemoryData, keys, args) {
    const now = param(args, 0);
    const cost = param(args, 1);
    const buckets = keys.map((key, i) => {
      const capacity = param(args, 2 + 2 * i);
      const rate = param(args, 3 + 2 * i);
      return { key, capacity, rate, level: refill(data.get(key), capacity, rate, now) };
    });
    const wait = Math.max(0, ...buckets.map((b) => waitFor(b.level.tokens, cost, b.rate)));
    if (wait > 0) return { granted: false, waitMs: wait };
    for (const { key, capacity, rate, level } of buckets) {
      const left = level.tokens - cost;
      data.set(key, `${left}:${level.stamp}`, { ttlMs: bucketTtlMs(left, capacity, rate) });
    }
    return { granted: true, waitMs: 0 };
  },
  parse(raw) {
    if (Array.isArray(raw) && raw.length === 2) {
      return { granted: parseInteger(raw[0], "rateLimit.take") === 1, waitMs: parseInteger(raw[1], "rateLimit.take") };
    }
    throw new Error(`script rateLimit.take returned ${JSON.stringify(raw)}`);
  },
});

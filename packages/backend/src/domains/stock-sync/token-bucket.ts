/**
 * Rate-limit buckets for marketplace calls (DESIGN "Stock sync", MARKETPLACES "What this means
 * for the adapters" 4): token buckets keyed by (marketplace, store credentials, endpoint group),
 * kept in the KeyValueStore so replicas sharing Redis share one budget. A store that is refused
 * keeps its marks for the next tick instead of sending and eating a 429.
 *
 * Times come from the injected clock (passed to the script, as the dirty buffer does); replicas'
 * clocks only need to agree roughly, and skew can delay refill but never create tokens.
 */
import type { KeyValueStore } from "../../infra/kv";
import type { AdapterProfile } from "../marketplace/types";
import { refill, takeTokens } from "./token-bucket-scripts";

export interface BucketSpec {
  key: string;
  /** The most tokens the bucket holds: the largest burst it grants. */
  capacity: number;
  /** Continuous refill rate. */
  refillPerSecond: number;
}

interface BucketReading {
  key: string;
  tokens: number;
  capacity: number;
}

export interface RateLimiter {
  /**
   * All or nothing across the buckets (a push needs both its endpoint's and its tier's budget):
   * when any bucket is short nothing is consumed, and waitMs says when the scarcest one will
   * hold `cost` tokens (if nobody else takes them meanwhile). Cost defaults to 1.
   */
  tryTake(buckets: readonly BucketSpec[], cost?: number): Promise<{ granted: boolean; waitMs: number }>;
  /** The tokens each bucket holds now, without taking any (for the status endpoint). */
  peek(buckets: readonly BucketSpec[]): Promise<BucketReading[]>;
}

function assertPositive(name: string, value: number): void {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive number, got ${value}`);
}

function assertSpecs(buckets: readonly BucketSpec[]): void {
  const keys = new Set<string>();
  for (const { key, capacity, refillPerSecond } of buckets) {
    if (key.length === 0) throw new RangeError("a bucket needs a key");
    // The script reads every bucket before writing any; a key listed twice would be paid once.
    if (keys.has(key)) throw new RangeError(`bucket ${key} is listed twice`);
    keys.add(key);
    assertPositive(`capacity of ${key}`, capacity);
    assertPositive(`refillPerSecond of ${key}`, refillPerSecond);
  }
}

export function createRateLimiter(kv: KeyValueStore, options: { now?: () => number } = {}): RateLimiter {
  const clock = options.now ?? Date.now;
  // Stamps are stored as integers; a fractional clock must not make Lua and memory disagree.
  const now = () => Math.floor(clock());

  return {
    async tryTake(buckets, cost = 1) {
      assertSpecs(buckets);
      assertPositive("cost", cost);
      const tooBig = buckets.find((b) => b.capacity < cost);
      if (tooBig) throw new RangeError(`cost ${cost} exceeds the capacity of ${tooBig.key}: it could never be granted`);
      if (buckets.length === 0) return { granted: true, waitMs: 0 };
      const args = buckets.flatMap((b) => [b.capacity, b.refillPerSecond]);
      return kv.runScript(takeTokens, buckets.map((b) => b.key), [now(), cost, ...args]);
    },

    async peek(buckets) {
      assertSpecs(buckets);
      const at = now();
      return Promise.all(
        buckets.map(async ({ key, capacity, refillPerSecond }) => ({
          key,
          capacity,
          tokens: refill(await kv.get(key), capacity, refillPerSecond, at).tokens,
        })),
      );
    },
  };
}

interface BucketsForArgs {
  marketplace: string;
  /** A stable id for the store's credentials (the store id): the marketplace counts per credentials. */
  storeKey: string;
  profile: AdapterProfile;
  /** The endpoint group, as named in profile.rateLimits. */
  group: string;
  /** The store's tier quota for this group (Trendyol "Inventory & Price Write"), when it has one. */
  writeQuotaPerMinute?: number | null;
  /** Share of the tier quota we use (MARKETPLACES: "aim at about 70%"). Default 0.7. */
  share?: number;
  /**
   * Share of a per-endpoint limit we use. Default 0.9: the marketplace counts by arrival time and
   * our grants are spread by network latency, and other tools may use the same credentials.
   */
  endpointShare?: number;
  /** How much refill one bucket may hold as a burst: about one sync tick. Default 5000. */
  burstMs?: number;
}

const DEFAULT_TIER_SHARE = 0.7;
const DEFAULT_ENDPOINT_SHARE = 0.9;
const DEFAULT_BURST_MS = 5_000;
const MINUTE_MS = 60_000;

/**
 * A bucket grants at most capacity + refill x W in any window of length W, wherever that window
 * starts. So a limit of L per W, used at `share`, becomes capacity + refill x W = floor(L x share):
 * never over the limit in a sliding window or in a fixed one that straddles our clock, which a
 * bucket of capacity L refilling L per W is not (it can grant 2L in one window). The capacity is
 * what refills in about one tick, so each tick can spend what the last one refilled.
 */
function bucketFor(key: string, limit: number, windowMs: number, share: number, burstMs: number): BucketSpec {
  assertPositive(`limit of ${key}`, limit);
  assertPositive(`window of ${key}`, windowMs);
  if (!(share > 0 && share <= 1)) throw new RangeError(`share must be in (0, 1], got ${share}`);
  assertPositive("burstMs", burstMs);
  // The epsilon keeps 350 x 0.7 (244.99999999999997 in floating point) at 245.
  const budget = Math.max(1, Math.floor(limit * share + 1e-9));
  const capacity = Math.max(1, Math.floor((budget * burstMs) / (burstMs + windowMs)));
  // A budget of one request per window cannot be split: one token, refilled once per window.
  const perWindow = budget > capacity ? budget - capacity : 1;
  return { key, capacity, refillPerSecond: (perWindow * 1000) / windowMs };
}

/** The buckets one request to `group` of one store must pay into; empty when nothing limits it. */
export function bucketsFor(args: BucketsForArgs): BucketSpec[] {
  const { marketplace, storeKey, profile, group, writeQuotaPerMinute } = args;
  const burstMs = args.burstMs ?? DEFAULT_BURST_MS;
  const prefix = `ratelimit:${marketplace}:${storeKey}:${group}:`;
  const buckets = profile.rateLimits
    .filter((limit) => limit.group === group)
    .map((limit) =>
      bucketFor(`${prefix}endpoint-${limit.perMs}ms`, limit.requests, limit.perMs, args.endpointShare ?? DEFAULT_ENDPOINT_SHARE, burstMs),
    );
  if (writeQuotaPerMinute !== undefined && writeQuotaPerMinute !== null) {
    buckets.push(bucketFor(`${prefix}tier`, writeQuotaPerMinute, MINUTE_MS, args.share ?? DEFAULT_TIER_SHARE, burstMs));
  }
  return buckets;
}

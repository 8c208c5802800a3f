import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Redis } from "ioredis";
import { createMemoryKeyValue, createRedisKeyValue, MemoryDataStore, type KeyValueStore } from "../../src/infra/kv";
import { createLogger } from "../../src/infra/logger";
import { closeRedis, createRedisClient } from "../../src/infra/redis";
import { trendyolProfile } from "../../src/domains/marketplace/trendyol/adapter";
import { bucketsFor, createRateLimiter, type BucketSpec, type RateLimiter } from "../../src/domains/stock-sync/token-bucket";
import { redisUrl, skipReason, uniquePrefix } from "../support/env";

interface Harness {
  /** Two handles on one fresh namespace, as two replicas share one Redis. */
  replicas(): [KeyValueStore, KeyValueStore];
  /** The injected clock: both modes use it, so waits are exact and nobody sleeps. */
  clock: { now: number };
}

const bucket = (key: string, capacity: number, refillPerSecond: number): BucketSpec => ({ key, capacity, refillPerSecond });

async function takeMany(limiter: RateLimiter, buckets: BucketSpec[], n: number): Promise<number> {
  let granted = 0;
  for (let i = 0; i < n; i += 1) if ((await limiter.tryTake(buckets)).granted) granted += 1;
  return granted;
}

function rateLimiterSuite(setup: () => Harness) {
  let h: Harness;
  let limiter: (kv: KeyValueStore) => RateLimiter;
  beforeAll(() => {
    h = setup();
    limiter = (kv) => createRateLimiter(kv, { now: () => h.clock.now });
  });

  test("a full bucket grants its capacity in a burst, then refuses with the wait for one token", async () => {
    const rl = limiter(h.replicas()[0]);
    const spec = [bucket("b", 5, 2)];
    expect(await takeMany(rl, spec, 5)).toBe(5);
    expect(await rl.tryTake(spec)).toEqual({ granted: false, waitMs: 500 });
  });

  test("tokens refill continuously with time and never past the capacity", async () => {
    const rl = limiter(h.replicas()[0]);
    const spec = [bucket("b", 5, 2)];
    await takeMany(rl, spec, 5);
    h.clock.now += 499;
    expect(await rl.tryTake(spec)).toEqual({ granted: false, waitMs: 1 });
    h.clock.now += 1;
    expect((await rl.tryTake(spec)).granted).toBe(true);
    h.clock.now += 60_000;
    expect(await takeMany(rl, spec, 7)).toBe(5);
  });

  test("a request that needs two buckets takes from both or from neither", async () => {
    const rl = limiter(h.replicas()[0]);
    const endpoint = bucket("endpoint", 10, 1);
    const tier = bucket("tier", 2, 0.5);
    expect(await takeMany(rl, [endpoint, tier], 2)).toBe(2);
    expect(await rl.tryTake([endpoint, tier])).toEqual({ granted: false, waitMs: 2_000 });
    const [endpointLeft, tierLeft] = await rl.peek([endpoint, tier]);
    expect(endpointLeft).toEqual({ key: "endpoint", capacity: 10, tokens: 8 });
    expect(tierLeft?.tokens).toBe(0);
    expect(await takeMany(rl, [endpoint], 8)).toBe(8);
  });

  test("waitMs is the wait of the scarcest bucket for the whole cost", async () => {
    const rl = limiter(h.replicas()[0]);
    const fast = bucket("fast", 4, 4);
    const slow = bucket("slow", 4, 1);
    expect((await rl.tryTake([fast, slow], 4)).granted).toBe(true);
    expect(await rl.tryTake([fast, slow], 2)).toEqual({ granted: false, waitMs: 2_000 });
    h.clock.now += 1_999;
    expect((await rl.tryTake([fast, slow], 2)).granted).toBe(false);
    h.clock.now += 1;
    expect((await rl.tryTake([fast, slow], 2)).granted).toBe(true);
  });

  test("two replicas on the same store share one budget", async () => {
    const [a, b] = h.replicas().map(limiter) as [RateLimiter, RateLimiter];
    const spec = [bucket("shared", 5, 1)];
    expect(await takeMany(a, spec, 3)).toBe(3);
    expect(await takeMany(b, spec, 5)).toBe(2);
    expect((await a.tryTake(spec)).granted).toBe(false);
  });

  test("200 concurrent requests from two replicas are granted exactly the capacity", async () => {
    const [a, b] = h.replicas().map(limiter) as [RateLimiter, RateLimiter];
    const spec = [bucket("endpoint", 45, 3), bucket("tier", 60, 1)];
    const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? a : b).tryTake(spec)));
    expect(answers.filter((x) => x.granted)).toHaveLength(45);
    const [endpoint, tier] = await a.peek(spec);
    expect(endpoint?.tokens).toBe(0);
    expect(tier?.tokens).toBe(15);
  });

  test("a replica whose clock lags gets no extra tokens from the skew", async () => {
    const [kvA, kvB] = h.replicas();
    const ahead = limiter(kvA);
    const behind = createRateLimiter(kvB, { now: () => h.clock.now - 5_000 });
    const spec = [bucket("b", 3, 1)];
    expect(await takeMany(ahead, spec, 3)).toBe(3);
    expect((await behind.tryTake(spec)).granted).toBe(false);
    // A second later by the leading clock: one token for whoever asks, none made by the lag.
    h.clock.now += 1_000;
    expect((await behind.tryTake(spec)).granted).toBe(false);
    expect(await takeMany(ahead, spec, 2)).toBe(1);
  });

  test("a bucket's key expires once it would be full again", async () => {
    const [kv] = h.replicas();
    const rl = limiter(kv);
    await rl.tryTake([bucket("idle", 5, 2)], 2);
    const ttl = await kv.pttl("idle");
    expect(ttl).toBeGreaterThan(1_000);
    // 2 tokens at 2 per second refill in 1 s; the rest is a small slack.
    expect(ttl).toBeLessThanOrEqual(2_000);
  });

  test("a cost no bucket could ever hold, or a bucket listed twice, is refused", async () => {
    const rl = limiter(h.replicas()[0]);
    await expect(rl.tryTake([bucket("small", 3, 1)], 4)).rejects.toThrow(RangeError);
    await expect(rl.tryTake([bucket("twice", 3, 1), bucket("twice", 3, 1)])).rejects.toThrow(RangeError);
    await expect(rl.tryTake([bucket("zero", 3, 0)])).rejects.toThrow(RangeError);
    await expect(rl.tryTake([bucket("small", 3, 1)], 0)).rejects.toThrow(RangeError);
    expect(await rl.tryTake([])).toEqual({ granted: true, waitMs: 0 });
  });
}

describe("rate limiter in memory", () => {
  const clock = { now: 1_700_000_000_000 };
  const data = new MemoryDataStore(() => clock.now);
  let n = 0;
  rateLimiterSuite(() => ({
    clock,
    replicas: () => {
      const prefix = `t${(n += 1)}:`;
      return [createMemoryKeyValue({ prefix, data }), createMemoryKeyValue({ prefix, data })];
    },
  }));
});

describe.skipIf(!!skipReason("redis"))("rate limiter on redis", () => {
  const log = createLogger({ level: "silent", pretty: false });
  const prefix = uniquePrefix("token-bucket");
  const clock = { now: Date.now() };
  let clients: [Redis, Redis];
  let n = 0;

  beforeAll(() => {
    clients = [createRedisClient(redisUrl as string, log, "token-bucket-a"), createRedisClient(redisUrl as string, log, "token-bucket-b")];
  });

  afterAll(async () => {
    const stream = clients[0].scanStream({ match: `${prefix}*`, count: 200 });
    for await (const keys of stream) if (Array.isArray(keys) && keys.length > 0) await clients[0].del(...keys.map(String));
    await Promise.all(clients.map(closeRedis));
  });

  rateLimiterSuite(() => ({
    clock,
    replicas: () => {
      const own = `${prefix}t${(n += 1)}:`;
      return [createRedisKeyValue(clients[0], { prefix: own }), createRedisKeyValue(clients[1], { prefix: own })];
    },
  }));
});

describe("bucketsFor", () => {
  const trendyolWrite = (extra: Partial<Parameters<typeof bucketsFor>[0]> = {}) =>
    bucketsFor({ marketplace: "TRENDYOL", storeKey: "store-1", profile: trendyolProfile, group: "price-and-inventory", ...extra });
  /** What a bucket can grant in any window of `windowMs`: its burst plus its refill. */
  const perWindow = (spec: BucketSpec | undefined, windowMs: number) => (spec ? spec.capacity + (spec.refillPerSecond * windowMs) / 1000 : NaN);

  test("a Trendyol write with a tier quota pays into the endpoint bucket and the tier bucket at 70%", () => {
    const [endpoint, tier, extra] = trendyolWrite({ writeQuotaPerMinute: 350 });
    expect(extra).toBeUndefined();
    expect(endpoint?.key).toBe("ratelimit:TRENDYOL:store-1:price-and-inventory:endpoint-10000ms");
    expect(perWindow(endpoint, 10_000)).toBeCloseTo(45, 9);
    expect(tier?.key).toBe("ratelimit:TRENDYOL:store-1:price-and-inventory:tier");
    expect(perWindow(tier, 60_000)).toBeCloseTo(245, 9);
  });

  test("the shares are adjustable and the burst holds about one tick of refill", () => {
    const [endpoint, tier] = trendyolWrite({ writeQuotaPerMinute: 1000, share: 0.5, endpointShare: 1, burstMs: 10_000 });
    expect(endpoint).toMatchObject({ capacity: 25, refillPerSecond: 2.5 });
    expect(perWindow(tier, 60_000)).toBeCloseTo(500, 9);
    expect(tier?.capacity).toBe(Math.floor((500 * 10_000) / 70_000));
  });

  test("without a tier quota only the endpoint limit applies, and other groups and stores get other keys", () => {
    const own = trendyolWrite({ writeQuotaPerMinute: null });
    expect(own).toHaveLength(1);
    const other = bucketsFor({ marketplace: "TRENDYOL", storeKey: "store-2", profile: trendyolProfile, group: "batch-requests" });
    expect(other.map((b) => b.key)).toEqual(["ratelimit:TRENDYOL:store-2:batch-requests:endpoint-10000ms"]);
    expect(bucketsFor({ marketplace: "TRENDYOL", storeKey: "s", profile: trendyolProfile, group: "no-such-group" })).toEqual([]);
  });

  test("a quota or share that makes no sense is refused", () => {
    expect(() => trendyolWrite({ writeQuotaPerMinute: 0 })).toThrow(RangeError);
    expect(() => trendyolWrite({ writeQuotaPerMinute: 350, share: 1.5 })).toThrow(RangeError);
  });

  test("a caller asking every 10 ms never gets more than the budget in any window", async () => {
    const clock = { now: 1_700_000_000_000 };
    const limiter = createRateLimiter(createMemoryKeyValue({ prefix: "window:", now: () => clock.now }), { now: () => clock.now });
    const buckets = trendyolWrite({ writeQuotaPerMinute: 350 });
    const grants: number[] = [];
    for (let at = 0; at < 150_000; at += 10) {
      clock.now = 1_700_000_000_000 + at;
      if ((await limiter.tryTake(buckets)).granted) grants.push(at);
    }
    const most = (windowMs: number) => Math.max(...grants.map((start) => grants.filter((t) => t >= start && t < start + windowMs).length));
    expect(most(10_000)).toBeLessThanOrEqual(45);
    expect(most(60_000)).toBeLessThanOrEqual(245);
    // The budget is used, not just respected: the tier's refill is the sustained rate.
    expect(grants.length).toBeGreaterThan(450);
  });
});

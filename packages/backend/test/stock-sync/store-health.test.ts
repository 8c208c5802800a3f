import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Redis } from "ioredis";
import { createMemoryKeyValue, createRedisKeyValue, MemoryDataStore, type KeyValueStore } from "../../src/infra/kv";
import { createLogger } from "../../src/infra/logger";
import { closeRedis, createRedisClient } from "../../src/infra/redis";
import { createStoreHealth, type StoreHealth, type StoreHealthOptions } from "../../src/domains/stock-sync/store-health";
import { redisUrl, skipReason, uniquePrefix } from "../support/env";

interface Harness {
  /** Two handles on one fresh namespace, as two replicas share one Redis. */
  replicas(): [KeyValueStore, KeyValueStore];
  /** The injected clock: both modes use it, so nobody sleeps. */
  clock: { now: number };
}

const failure = { error: "MARKETPLACE_UNAVAILABLE: 503" };

function storeHealthSuite(setup: () => Harness) {
  let h: Harness;
  /** The jitter draw every health instance of this suite sees; tests set it. */
  let draw = 0.5;
  let health: (kv: KeyValueStore, options?: StoreHealthOptions) => StoreHealth;
  beforeAll(() => {
    h = setup();
    health = (kv, options = {}) => createStoreHealth(kv, { now: () => h.clock.now, random: () => draw, ...options });
  });

  /** Fails `n` times in a row and returns the last answer. */
  async function failTimes(store: StoreHealth, n: number, info = failure) {
    let last = await store.recordFailure("s1", info);
    for (let i = 1; i < n; i += 1) last = await store.recordFailure("s1", info);
    return last;
  }

  test("an unknown store is closed, allowed, and has nothing recorded", async () => {
    const store = health(h.replicas()[0]);
    expect(await store.canAttempt("s1")).toEqual({ allowed: true, state: "closed", retryAt: null });
    expect(await store.snapshot("s1")).toEqual({ state: "closed", failures: 0, retryAt: null, lastError: null, lastFailureAt: null });
  });

  test("the backoff ceiling doubles with each failure in a row, up to the maximum, jittered by the draw", async () => {
    const store = health(h.replicas()[0], { baseDelayMs: 1_000, maxDelayMs: 8_000, openAfterFailures: 10 });
    draw = 0.5;
    const waits: number[] = [];
    for (let i = 0; i < 6; i += 1) waits.push((await store.recordFailure("s1", failure)).retryAt - h.clock.now);
    expect(waits).toEqual([500, 1_000, 2_000, 4_000, 4_000, 4_000]);
    draw = 0.999;
    expect((await store.recordFailure("s1", failure)).retryAt - h.clock.now).toBe(7_992);
    draw = 0;
    expect((await store.recordFailure("s1", failure)).retryAt).toBe(h.clock.now);
    draw = 0.5;
  });

  test("a store in backoff is refused until its retry time, then allowed", async () => {
    const store = health(h.replicas()[0], { baseDelayMs: 1_000 });
    const { retryAt, state, failures } = await store.recordFailure("s1", failure);
    expect({ state, failures, retryAt: retryAt - h.clock.now }).toEqual({ state: "closed", failures: 1, retryAt: 500 });
    expect(await store.canAttempt("s1")).toEqual({ allowed: false, state: "closed", retryAt });
    h.clock.now += 499;
    expect((await store.canAttempt("s1")).allowed).toBe(false);
    h.clock.now += 1;
    expect(await store.canAttempt("s1")).toEqual({ allowed: true, state: "closed", retryAt: null });
  });

  test("Retry-After wins when it is longer than the backoff, and not when it is shorter", async () => {
    const store = health(h.replicas()[0], { baseDelayMs: 1_000 });
    expect((await store.recordFailure("s1", { ...failure, retryAfterMs: 30_000 })).retryAt - h.clock.now).toBe(30_000);
    // Second failure: ceiling 2000, draw 0.5 -> 1000 beats a 100 ms Retry-After.
    expect((await store.recordFailure("s1", { ...failure, retryAfterMs: 100 })).retryAt - h.clock.now).toBe(1_000);
    expect((await store.recordFailure("s1", { ...failure, retryAfterMs: -5 })).retryAt - h.clock.now).toBe(2_000);
  });

  test("the circuit opens after the set number of failures in a row and refuses until its open time has passed", async () => {
    const store = health(h.replicas()[0], { openAfterFailures: 3, openForMs: 60_000 });
    await failTimes(store, 2);
    const opened = await store.recordFailure("s1", { error: "TRENDYOL_UNAVAILABLE: 502" });
    expect(opened).toEqual({ state: "open", retryAt: h.clock.now + 60_000, failures: 3 });
    expect(await store.canAttempt("s1")).toEqual({ allowed: false, state: "open", retryAt: opened.retryAt });
    expect(await store.snapshot("s1")).toEqual({
      state: "open",
      failures: 3,
      retryAt: opened.retryAt,
      lastError: "TRENDYOL_UNAVAILABLE: 502",
      lastFailureAt: h.clock.now,
    });
    h.clock.now += 59_999;
    expect((await store.canAttempt("s1")).allowed).toBe(false);
  });

  test("a Retry-After longer than the open time keeps the circuit open that long", async () => {
    const store = health(h.replicas()[0], { openAfterFailures: 2, openForMs: 60_000 });
    await failTimes(store, 1);
    const opened = await store.recordFailure("s1", { ...failure, retryAfterMs: 120_000 });
    expect(opened.retryAt - h.clock.now).toBe(120_000);
  });

  test("once the open time has passed, exactly one caller across two replicas gets the half-open trial", async () => {
    const [a, b] = h.replicas().map((kv) => health(kv, { openAfterFailures: 2, openForMs: 10_000 })) as [StoreHealth, StoreHealth];
    await failTimes(a, 2);
    h.clock.now += 10_000;
    expect((await b.snapshot("s1")).state).toBe("half-open");
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? a : b).canAttempt("s1")));
    expect(answers.filter((x) => x.allowed)).toEqual([{ allowed: true, state: "half-open", retryAt: null }]);
    expect(answers.every((x) => x.state === "half-open")).toBe(true);
    expect((await a.snapshot("s1")).retryAt).toBeGreaterThan(h.clock.now);
  });

  test("a successful trial closes the circuit and clears the failures, keeping the last error", async () => {
    const [a, b] = h.replicas().map((kv) => health(kv, { openAfterFailures: 2, openForMs: 10_000 })) as [StoreHealth, StoreHealth];
    const failedAt = h.clock.now;
    await failTimes(a, 2);
    h.clock.now += 10_000;
    expect((await a.canAttempt("s1")).allowed).toBe(true);
    await a.recordSuccess("s1");
    expect(await b.canAttempt("s1")).toEqual({ allowed: true, state: "closed", retryAt: null });
    expect(await b.snapshot("s1")).toEqual({ state: "closed", failures: 0, retryAt: null, lastError: failure.error, lastFailureAt: failedAt });
    // Counting starts again: one failure is a backoff, not a reopened circuit.
    expect((await b.recordFailure("s1", failure)).state).toBe("closed");
  });

  test("a failed trial reopens the circuit for another open period", async () => {
    const store = health(h.replicas()[0], { openAfterFailures: 2, openForMs: 10_000 });
    await failTimes(store, 2);
    h.clock.now += 10_000;
    expect((await store.canAttempt("s1")).allowed).toBe(true);
    h.clock.now += 3_000;
    expect(await store.recordFailure("s1", failure)).toEqual({ state: "open", retryAt: h.clock.now + 10_000, failures: 3 });
    expect(await store.canAttempt("s1")).toEqual({ allowed: false, state: "open", retryAt: h.clock.now + 10_000 });
  });

  test("a trial that never reports frees the store for a new trial when its lease runs out", async () => {
    const [a, b] = h.replicas().map((kv) => health(kv, { openAfterFailures: 1, openForMs: 10_000, trialLeaseMs: 5_000 })) as [StoreHealth, StoreHealth];
    await failTimes(a, 1);
    h.clock.now += 10_000;
    expect((await a.canAttempt("s1")).allowed).toBe(true);
    h.clock.now += 4_999;
    expect(await b.canAttempt("s1")).toEqual({ allowed: false, state: "half-open", retryAt: h.clock.now + 1 });
    h.clock.now += 1;
    expect((await b.canAttempt("s1")).allowed).toBe(true);
    expect((await a.canAttempt("s1")).allowed).toBe(false);
  });

  test("stores are independent, and a snapshot never claims the trial", async () => {
    const store = health(h.replicas()[0], { openAfterFailures: 1, openForMs: 1_000 });
    await store.recordFailure("s1", failure);
    expect((await store.canAttempt("s2")).allowed).toBe(true);
    h.clock.now += 1_000;
    expect(await store.snapshot("s1")).toMatchObject({ state: "half-open", retryAt: null });
    expect((await store.canAttempt("s1")).allowed).toBe(true);
  });

  test("a very long error is cut for the record", async () => {
    const store = health(h.replicas()[0]);
    await store.recordFailure("s1", { error: "ğ".repeat(2_000) });
    expect((await store.snapshot("s1")).lastError).toBe("ğ".repeat(500));
  });

  test("options that make no sense are refused", () => {
    const [kv] = h.replicas();
    expect(() => createStoreHealth(kv, { openAfterFailures: 0 })).toThrow(RangeError);
    expect(() => createStoreHealth(kv, { baseDelayMs: 5_000, maxDelayMs: 1_000 })).toThrow(RangeError);
  });
}

describe("store health in memory", () => {
  const clock = { now: 1_700_000_000_000 };
  const data = new MemoryDataStore(() => clock.now);
  let n = 0;
  storeHealthSuite(() => ({
    clock,
    replicas: () => {
      const prefix = `t${(n += 1)}:`;
      return [createMemoryKeyValue({ prefix, data }), createMemoryKeyValue({ prefix, data })];
    },
  }));
});

describe.skipIf(!!skipReason("redis"))("store health on redis", () => {
  const log = createLogger({ level: "silent", pretty: false });
  const prefix = uniquePrefix("store-health");
  const clock = { now: Date.now() };
  let clients: [Redis, Redis];
  let n = 0;

  beforeAll(() => {
    clients = [createRedisClient(redisUrl as string, log, "store-health-a"), createRedisClient(redisUrl as string, log, "store-health-b")];
  });

  afterAll(async () => {
    const stream = clients[0].scanStream({ match: `${prefix}*`, count: 200 });
    for await (const keys of stream) if (Array.isArray(keys) && keys.length > 0) await clients[0].del(...keys.map(String));
    await Promise.all(clients.map(closeRedis));
  });

  storeHealthSuite(() => ({
    clock,
    replicas: () => {
      const own = `${prefix}t${(n += 1)}:`;
      return [createRedisKeyValue(clients[0], { prefix: own }), createRedisKeyValue(clients[1], { prefix: own })];
    },
  }));
});

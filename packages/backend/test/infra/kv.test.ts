import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Redis } from "ioredis";
import {
  compareAndDelete,
  createMemoryKeyValue,
  createRedisKeyValue,
  defineScript,
  MemoryDataStore,
  type KeyValueStore,
} from "../../src/infra/kv";
import { createLogger } from "../../src/infra/logger";
import { closeRedis, createRedisClient } from "../../src/infra/redis";
import { redisUrl, skipReason, uniquePrefix } from "../support/env";

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface Harness {
  kv: KeyValueStore;
  /** Same storage, another prefix: what a second app or another environment would see. */
  sibling: KeyValueStore;
  /** Lets time pass: the injected clock in memory, real time on Redis. */
  elapse(ms: number): Promise<void>;
  /** Short enough to wait for on Redis, long enough not to expire between two commands. */
  ttlMs: number;
}

/** Pops the lowest-scored member: exercises nil and string replies through parse. */
const popLowest = defineScript<string | null>({
  name: "popLowest",
  lua: `
local first = redis.call("ZRANGEBYSCORE", KEYS[1], "-inf", "+inf", "LIMIT", 0, 1)[1]
if not first then return false end
redis.call("ZREM", KEYS[1], first)
return first
`,
  local(data, keys) {
    const key = keys[0] as string;
    const first = data.zrangeByScore(key, -Infinity, Infinity, 1)[0];
    if (!first) return null;
    data.zrem(key, first.member);
    return first.member;
  },
  parse: (raw) => (typeof raw === "string" ? raw : null),
});

function keyValueSuite(setup: () => Harness) {
  let h: Harness;
  beforeAll(() => {
    h = setup();
  });

  test("get answers null for a missing key and the value once set", async () => {
    expect(await h.kv.get("greeting")).toBeNull();
    expect(await h.kv.set("greeting", "merhaba")).toBe(true);
    expect(await h.kv.get("greeting")).toBe("merhaba");
  });

  test("onlyIfAbsent refuses to overwrite and keeps the first value", async () => {
    expect(await h.kv.set("nx", "first", { onlyIfAbsent: true })).toBe(true);
    expect(await h.kv.set("nx", "second", { onlyIfAbsent: true })).toBe(false);
    expect(await h.kv.get("nx")).toBe("first");
    expect(await h.kv.set("nx", "third")).toBe(true);
    expect(await h.kv.get("nx")).toBe("third");
  });

  test("del counts only the keys that existed and exists follows it", async () => {
    await h.kv.set("del:a", "1");
    await h.kv.set("del:b", "2");
    expect(await h.kv.exists("del:a")).toBe(true);
    expect(await h.kv.del("del:a", "del:b", "del:never")).toBe(2);
    expect(await h.kv.exists("del:a")).toBe(false);
    expect(await h.kv.del()).toBe(0);
  });

  test("pttl answers -2 when missing, -1 without expiry, the remaining time otherwise", async () => {
    expect(await h.kv.pttl("pttl:missing")).toBe(-2);
    await h.kv.set("pttl:forever", "x");
    expect(await h.kv.pttl("pttl:forever")).toBe(-1);
    await h.kv.set("pttl:short", "x", { ttlMs: 10_000 });
    const left = await h.kv.pttl("pttl:short");
    expect(left).toBeGreaterThan(9_000);
    expect(left).toBeLessThanOrEqual(10_000);
  });

  test("a key set with a ttl is gone after it, and NX can take it again", async () => {
    await h.kv.set("ttl:lease", "owner-1", { ttlMs: h.ttlMs, onlyIfAbsent: true });
    expect(await h.kv.set("ttl:lease", "owner-2", { ttlMs: h.ttlMs, onlyIfAbsent: true })).toBe(false);
    await h.elapse(h.ttlMs + 60);
    expect(await h.kv.get("ttl:lease")).toBeNull();
    expect(await h.kv.exists("ttl:lease")).toBe(false);
    expect(await h.kv.pttl("ttl:lease")).toBe(-2);
    expect(await h.kv.set("ttl:lease", "owner-2", { ttlMs: h.ttlMs, onlyIfAbsent: true })).toBe(true);
  });

  test("incrWithExpiry counts within a fixed window that later hits do not extend", async () => {
    const first = await h.kv.incrWithExpiry("rate:ip", h.ttlMs);
    expect(first.count).toBe(1);
    expect(first.ttlMs).toBeGreaterThan(0);
    expect(first.ttlMs).toBeLessThanOrEqual(h.ttlMs);
    await h.elapse(Math.floor(h.ttlMs / 2));
    const second = await h.kv.incrWithExpiry("rate:ip", h.ttlMs);
    expect(second.count).toBe(2);
    expect(second.ttlMs).toBeLessThan(first.ttlMs);
    expect(await h.kv.pttl("rate:ip")).toBeLessThanOrEqual(second.ttlMs);
    await h.elapse(h.ttlMs);
    const nextWindow = await h.kv.incrWithExpiry("rate:ip", h.ttlMs);
    expect(nextWindow.count).toBe(1);
  });

  test("incrWithExpiry on a value that is not an integer rejects", async () => {
    await h.kv.set("rate:text", "abc");
    await expect(h.kv.incrWithExpiry("rate:text", 1_000)).rejects.toThrow(/not an integer/);
  });

  test("zadd counts new members and updates scores unless onlyIfAbsent", async () => {
    expect(await h.kv.zadd("z:add", [{ member: "p1", score: 10 }, { member: "p2", score: 20 }])).toBe(2);
    expect(await h.kv.zadd("z:add", [{ member: "p1", score: 15 }, { member: "p3", score: 30 }])).toBe(1);
    expect(await h.kv.zscore("z:add", "p1")).toBe(15);
    expect(await h.kv.zadd("z:add", [])).toBe(0);
  });

  test("zadd onlyIfAbsent keeps the score of the first mark", async () => {
    expect(await h.kv.zadd("z:dirty", [{ member: "product-7", score: 1_700_000_000_001 }], { onlyIfAbsent: true })).toBe(1);
    expect(await h.kv.zadd("z:dirty", [{ member: "product-7", score: 1_700_000_000_999 }], { onlyIfAbsent: true })).toBe(0);
    expect(await h.kv.zscore("z:dirty", "product-7")).toBe(1_700_000_000_001);
  });

  test("zrangeByScore returns ascending scores, ties by member, bounds inclusive, limited", async () => {
    await h.kv.zadd("z:range", [
      { member: "c", score: 3 },
      { member: "a", score: 1 },
      { member: "b2", score: 2 },
      { member: "b1", score: 2 },
      { member: "d", score: 4.5 },
    ]);
    const all = await h.kv.zrangeByScore("z:range", -Infinity, Infinity);
    expect(all.map((m) => m.member)).toEqual(["a", "b1", "b2", "c", "d"]);
    expect(all[4]).toEqual({ member: "d", score: 4.5 });
    expect((await h.kv.zrangeByScore("z:range", 2, 3)).map((m) => m.member)).toEqual(["b1", "b2", "c"]);
    expect((await h.kv.zrangeByScore("z:range", -Infinity, Infinity, 2)).map((m) => m.member)).toEqual(["a", "b1"]);
    expect(await h.kv.zrangeByScore("z:range", 5, 9)).toEqual([]);
    expect(await h.kv.zrangeByScore("z:missing", 0, 9)).toEqual([]);
  });

  test("zrem removes members and the key goes with its last member", async () => {
    await h.kv.zadd("z:rem", [{ member: "x", score: 1 }, { member: "y", score: 2 }]);
    expect(await h.kv.zcard("z:rem")).toBe(2);
    expect(await h.kv.zrem("z:rem", "x", "nope")).toBe(1);
    expect(await h.kv.zcard("z:rem")).toBe(1);
    expect(await h.kv.zscore("z:rem", "x")).toBeNull();
    expect(await h.kv.zrem("z:rem", "y")).toBe(1);
    expect(await h.kv.exists("z:rem")).toBe(false);
    expect(await h.kv.zcard("z:rem")).toBe(0);
  });

  test("a string operation on a sorted set rejects with WRONGTYPE", async () => {
    await h.kv.zadd("z:typed", [{ member: "x", score: 1 }]);
    await expect(h.kv.get("z:typed")).rejects.toThrow(/WRONGTYPE/);
  });

  test("stores with different prefixes do not see each other's keys", async () => {
    await h.kv.set("shared-name", "mine");
    await h.kv.zadd("shared-set", [{ member: "m", score: 1 }]);
    expect(await h.sibling.get("shared-name")).toBeNull();
    expect(await h.sibling.zcard("shared-set")).toBe(0);
    await h.sibling.set("shared-name", "theirs");
    expect(await h.sibling.del("shared-name")).toBe(1);
    expect(await h.kv.get("shared-name")).toBe("mine");
  });

  test("compareAndDelete deletes only while the key holds the expected value", async () => {
    await h.kv.set("lease:store-1", "worker-a");
    expect(await h.kv.runScript(compareAndDelete, ["lease:store-1"], ["worker-b"])).toBe(0);
    expect(await h.kv.get("lease:store-1")).toBe("worker-a");
    expect(await h.sibling.runScript(compareAndDelete, ["lease:store-1"], ["worker-a"])).toBe(0);
    expect(await h.kv.runScript(compareAndDelete, ["lease:store-1"], ["worker-a"])).toBe(1);
    expect(await h.kv.exists("lease:store-1")).toBe(false);
    expect(await h.kv.runScript(compareAndDelete, ["lease:store-1"], ["worker-a"])).toBe(0);
  });

  test("a script defined once behaves the same on both stores", async () => {
    await h.kv.zadd("z:queue", [{ member: "late", score: 9 }, { member: "early", score: 1 }]);
    expect(await h.kv.runScript(popLowest, ["z:queue"], [])).toBe("early");
    expect(await h.kv.runScript(popLowest, ["z:queue"], [])).toBe("late");
    expect(await h.kv.runScript(popLowest, ["z:queue"], [])).toBeNull();
  });

  test("ping answers", async () => {
    await h.kv.ping();
  });
}

describe("memory key-value store", () => {
  let clock = 1_700_000_000_000;
  const now = () => clock;
  const data = new MemoryDataStore(now);
  const elapse = async (ms: number) => {
    clock += ms;
  };
  keyValueSuite(() => ({
    kv: createMemoryKeyValue({ prefix: "a:", data }),
    sibling: createMemoryKeyValue({ prefix: "b:", data }),
    elapse,
    ttlMs: 1_000,
  }));

  test("expired keys that are never read again are swept, so counters per window do not pile up", async () => {
    const store = new MemoryDataStore(now);
    const kv = createMemoryKeyValue({ prefix: "sweep:", data: store });
    for (let window = 0; window < 50; window += 1) await kv.incrWithExpiry(`hits:${window}`, 500);
    expect(store.size).toBe(50);
    await elapse(1_500);
    await kv.set("trigger", "write");
    expect(store.size).toBe(1);
  });
});

describe.skipIf(!!skipReason("redis"))("redis key-value store", () => {
  const log = createLogger({ level: "silent", pretty: false });
  const prefix = uniquePrefix("kv");
  const siblingPrefix = uniquePrefix("kv-sibling");
  let client: Redis;

  beforeAll(() => {
    client = createRedisClient(redisUrl as string, log, "kv-test");
  });

  afterAll(async () => {
    for (const p of [prefix, siblingPrefix]) {
      const stream = client.scanStream({ match: `${p}*`, count: 200 });
      for await (const keys of stream) if (Array.isArray(keys) && keys.length > 0) await client.del(...keys.map(String));
    }
    await closeRedis(client);
  });

  keyValueSuite(() => ({
    kv: createRedisKeyValue(client, { prefix }),
    sibling: createRedisKeyValue(client, { prefix: siblingPrefix }),
    elapse: sleep,
    ttlMs: 150,
  }));

  test("keys carry the prefix on the server, script keys included", async () => {
    const kv = createRedisKeyValue(client, { prefix });
    await kv.set("visible", "1");
    expect(await client.get(`${prefix}visible`)).toBe("1");
    expect(await kv.runScript(compareAndDelete, ["visible"], ["1"])).toBe(1);
    expect(await client.exists(`${prefix}visible`)).toBe(0);
  });

  test("a script still runs after the server forgot its cached scripts (NOSCRIPT falls back to EVAL)", async () => {
    const kv = createRedisKeyValue(client, { prefix });
    await kv.set("flushed", "v");
    await client.script("FLUSH");
    expect(await kv.runScript(compareAndDelete, ["flushed"], ["v"])).toBe(1);
    expect(await kv.incrWithExpiry("flushed-counter", 1_000)).toEqual({ count: 1, ttlMs: 1_000 });
  });
});

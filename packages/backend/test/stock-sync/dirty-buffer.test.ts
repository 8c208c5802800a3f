import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Redis } from "ioredis";
import { createMemoryKeyValue, createRedisKeyValue, MemoryDataStore } from "../../src/infra/kv";
import { createLogger } from "../../src/infra/logger";
import { closeRedis, createRedisClient } from "../../src/infra/redis";
import { createDirtyBuffer, type Claim, type DirtyBuffer } from "../../src/domains/stock-sync/dirty-buffer";
import { redisUrl, skipReason, uniquePrefix } from "../support/env";

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface Harness {
  /** A fresh buffer on its own prefix, so tests do not see each other's stores. */
  buffer(): DirtyBuffer;
  now(): number;
  /** Lets time pass: the injected clock in memory, real time on Redis. */
  elapse(ms: number): Promise<void>;
  /** Short enough to wait for on Redis. */
  leaseMs: number;
}

const pairs = (storeId: string, ...productIds: string[]) => productIds.map((productId) => ({ storeId, productId }));
const ids = (n: number, label = "p") => Array.from({ length: n }, (_, i) => `${label}-${String(i).padStart(5, "0")}`);

/** Claims and insists something was claimed, so a test reads its items without null checks. */
async function mustClaim(buffer: DirtyBuffer, storeId: string, limit: number, leaseMs = 60_000): Promise<Claim> {
  const claim = await buffer.claim(storeId, limit, leaseMs);
  if (!claim) throw new Error(`nothing to claim for ${storeId}`);
  return claim;
}

function dirtyBufferSuite(setup: () => Harness) {
  let h: Harness;
  beforeAll(() => {
    h = setup();
  });

  test("100 marks of one product coalesce into one item that keeps the first time", async () => {
    const buffer = h.buffer();
    const first = h.now();
    await buffer.markDirty(pairs("s1", "coat"));
    const afterFirst = h.now();
    await h.elapse(5);
    for (let i = 0; i < 99; i += 1) await buffer.markDirty(pairs("s1", "coat"));
    const claim = await buffer.claim("s1", 1000, 60_000);
    expect(claim?.items).toHaveLength(1);
    expect(claim?.items[0]?.productId).toBe("coat");
    expect(claim?.items[0]?.firstMarkedAt).toBeGreaterThanOrEqual(first);
    expect(claim?.items[0]?.firstMarkedAt).toBeLessThanOrEqual(afterFirst);
  });

  test("a claim takes the oldest marks first, up to the limit", async () => {
    const buffer = h.buffer();
    await buffer.markDirty(pairs("s1", "b"));
    await h.elapse(3);
    await buffer.markDirty(pairs("s1", "a"));
    await h.elapse(3);
    await buffer.markDirty(pairs("s1", "c"));
    const claim = await buffer.claim("s1", 2, 60_000);
    expect(claim?.items.map((i) => i.productId)).toEqual(["b", "a"]);
    expect((await buffer.claim("s1", 2, 60_000))?.items.map((i) => i.productId)).toEqual(["c"]);
  });

  test("2500 marks are claimed as 1000, 1000 and 500, then nothing", async () => {
    const buffer = h.buffer();
    await buffer.markDirty(pairs("s1", ...ids(2500)));
    const sizes: number[] = [];
    const seen = new Set<string>();
    for (let claim = await buffer.claim("s1", 1000, 60_000); claim; claim = await buffer.claim("s1", 1000, 60_000)) {
      sizes.push(claim.items.length);
      for (const item of claim.items) seen.add(item.productId);
    }
    expect(sizes).toEqual([1000, 1000, 500]);
    expect(seen.size).toBe(2500);
  });

  test("a product that dropped to zero is claimed before older changes and keeps its first time", async () => {
    const buffer = h.buffer();
    await buffer.markDirty(pairs("s1", "old", "scarf"));
    const scarfFirst = (await buffer.backlog("s1")).oldestMarkedAt as number;
    await h.elapse(5);
    await buffer.markDirty(pairs("s1", "newer"));
    await buffer.markZero(pairs("s1", "gloves", "scarf"));
    const claim = await buffer.claim("s1", 2, 60_000);
    expect(claim?.items.map((i) => i.productId).sort()).toEqual(["gloves", "scarf"]);
    expect(claim?.items.every((i) => i.zero)).toBe(true);
    expect(claim?.items.find((i) => i.productId === "scarf")?.firstMarkedAt).toBe(scarfFirst);
    const rest = await buffer.claim("s1", 10, 60_000);
    expect(rest?.items.map((i) => [i.productId, i.zero])).toEqual([["old", false], ["newer", false]]);
  });

  test("an acked claim is gone and the store drops out of the stores with marks", async () => {
    const buffer = h.buffer();
    await buffer.markDirty(pairs("s1", "a", "b"));
    const claim = await mustClaim(buffer, "s1", 10);
    expect(await buffer.storesWithMarks()).toEqual(["s1"]);
    expect(await buffer.ack(claim)).toBe(true);
    expect(await buffer.claim("s1", 10, 60_000)).toBeNull();
    expect(await buffer.storesWithMarks()).toEqual([]);
    expect(await buffer.recoverExpired()).toBe(0);
  });

  test("a product marked again while claimed stays marked after the ack", async () => {
    const buffer = h.buffer();
    await buffer.markDirty(pairs("s1", "a"));
    const claim = await mustClaim(buffer, "s1", 10);
    await buffer.markDirty(pairs("s1", "a"));
    await buffer.ack(claim);
    expect((await buffer.claim("s1", 10, 60_000))?.items.map((i) => i.productId)).toEqual(["a"]);
  });

  test("putBack restores the original first-dirty times, even over a newer mark", async () => {
    const buffer = h.buffer();
    await buffer.markDirty(pairs("s1", "a", "b"));
    const claim = await mustClaim(buffer, "s1", 10);
    await h.elapse(5);
    await buffer.markDirty(pairs("s1", "a", "c"));
    expect(await buffer.putBack(claim)).toBe(2);
    const again = await mustClaim(buffer, "s1", 10);
    const times = Object.fromEntries(again.items.map((i) => [i.productId, i.firstMarkedAt]));
    const original = Object.fromEntries(claim.items.map((i) => [i.productId, i.firstMarkedAt]));
    expect(again.items.map((i) => i.productId)).toEqual(["a", "b", "c"]);
    expect(times).toMatchObject({ a: original.a, b: original.b });
    expect(times.c).toBeGreaterThan(original.a as number);
  });

  test("putBack of some items keeps the rest of the claim until it is acked", async () => {
    const buffer = h.buffer();
    await buffer.markDirty(pairs("s1", "ok", "failed"));
    const claim = await mustClaim(buffer, "s1", 10);
    expect(await buffer.putBack(claim, ["failed", "never-claimed"])).toBe(1);
    expect(await buffer.backlog("s1")).toMatchObject({ count: 1 });
    expect(await buffer.ack(claim)).toBe(true);
    expect((await buffer.claim("s1", 10, 60_000))?.items.map((i) => i.productId)).toEqual(["failed"]);
  });

  test("two concurrent claims never return the same item", async () => {
    const buffer = h.buffer();
    await buffer.markDirty(pairs("s1", ...ids(300)));
    const claims = await Promise.all(Array.from({ length: 4 }, () => buffer.claim("s1", 100, 60_000)));
    const taken = claims.flatMap((c) => c?.items.map((i) => i.productId) ?? []);
    expect(taken).toHaveLength(300);
    expect(new Set(taken).size).toBe(300);
    expect(claims.filter((c) => c === null)).toHaveLength(1);
  });

  test("an expired lease is recovered with the original times and can be claimed again", async () => {
    const buffer = h.buffer();
    await buffer.markDirty(pairs("s1", "a", "b"));
    const lost = await mustClaim(buffer, "s1", 10, h.leaseMs);
    expect(await buffer.recoverExpired()).toBe(0);
    await h.elapse(h.leaseMs + 20);
    expect(await buffer.recoverExpired()).toBe(2);
    const again = await mustClaim(buffer, "s1", 10);
    expect(again.items).toEqual(lost.items);
    expect(await buffer.ack(lost)).toBe(false);
    expect(await buffer.putBack(lost)).toBe(0);
    expect(await buffer.backlog("s1")).toEqual({ count: 0, oldestMarkedAt: null });
  });

  test("backlog counts unclaimed marks and reports the oldest first-dirty time", async () => {
    const buffer = h.buffer();
    expect(await buffer.backlog("s1")).toEqual({ count: 0, oldestMarkedAt: null });
    const before = h.now();
    await buffer.markDirty(pairs("s1", "a", "b"));
    const after = h.now();
    await h.elapse(5);
    await buffer.markZero(pairs("s1", "c"));
    await buffer.markDirty(pairs("s2", "x"));
    const backlog = await buffer.backlog("s1");
    expect(backlog.count).toBe(3);
    expect(backlog.oldestMarkedAt).toBeGreaterThanOrEqual(before);
    expect(backlog.oldestMarkedAt).toBeLessThanOrEqual(after);
    await buffer.claim("s1", 1, 60_000);
    expect((await buffer.backlog("s1")).count).toBe(2);
  });

  test("a store stays listed while a claim is in flight and drops out once it has neither", async () => {
    const buffer = h.buffer();
    await buffer.markDirty([...pairs("s1", "a"), ...pairs("s2", "b")]);
    expect((await buffer.storesWithMarks()).sort()).toEqual(["s1", "s2"]);
    const claim = await mustClaim(buffer, "s1", 10);
    expect((await buffer.storesWithMarks()).sort()).toEqual(["s1", "s2"]);
    await buffer.putBack(claim);
    expect((await buffer.storesWithMarks()).sort()).toEqual(["s1", "s2"]);
    await buffer.ack(await mustClaim(buffer, "s1", 10));
    expect(await buffer.storesWithMarks()).toEqual(["s2"]);
  });

  test("a claim with a limit that is not a positive integer is refused", async () => {
    const buffer = h.buffer();
    await expect(buffer.claim("s1", 0, 60_000)).rejects.toThrow(RangeError);
    await expect(buffer.claim("s1", 10, 1.5)).rejects.toThrow(RangeError);
  });
}

describe("dirty buffer in memory", () => {
  let clock = 1_700_000_000_000;
  const data = new MemoryDataStore(() => clock);
  let n = 0;
  dirtyBufferSuite(() => ({
    buffer: () => createDirtyBuffer(createMemoryKeyValue({ prefix: `t${(n += 1)}:`, data }), { now: () => clock }),
    now: () => clock,
    elapse: async (ms) => {
      clock += ms;
    },
    leaseMs: 1_000,
  }));
});

describe.skipIf(!!skipReason("redis"))("dirty buffer on redis", () => {
  const log = createLogger({ level: "silent", pretty: false });
  const prefix = uniquePrefix("dirty-buffer");
  let client: Redis;
  let n = 0;

  beforeAll(() => {
    client = createRedisClient(redisUrl as string, log, "dirty-buffer-test");
  });

  afterAll(async () => {
    const stream = client.scanStream({ match: `${prefix}*`, count: 200 });
    for await (const keys of stream) if (Array.isArray(keys) && keys.length > 0) await client.del(...keys.map(String));
    await closeRedis(client);
  });

  dirtyBufferSuite(() => ({
    buffer: () => createDirtyBuffer(createRedisKeyValue(client, { prefix: `${prefix}t${(n += 1)}:` })),
    now: () => Date.now(),
    elapse: sleep,
    leaseMs: 100,
  }));

  test("the keys live under the prefix and are all gone once every claim is acked", async () => {
    const own = `${prefix}keys:`;
    const buffer = createDirtyBuffer(createRedisKeyValue(client, { prefix: own }));
    await buffer.markDirty(pairs("s1", "a"));
    const claim = await mustClaim(buffer, "s1", 10);
    expect(await client.zscore(`${own}sync:processing:s1:${claim.id}`, "a")).not.toBeNull();
    expect(await client.zcard(`${own}sync:leases`)).toBe(1);
    await buffer.ack(claim);
    expect(await client.keys(`${own}*`)).toEqual([]);
  });
});

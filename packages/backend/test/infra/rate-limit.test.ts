import { afterAll, describe, expect, test } from "bun:test";
import { createMemoryKeyValue, createRedisKeyValue } from "../../src/infra/kv";
import { createLogger } from "../../src/infra/logger";
import { createRateLimiter } from "../../src/infra/rate-limit";
import { closeRedis, createRedisClient, type Redis } from "../../src/infra/redis";
import { redisUrl, skipReason, uniquePrefix } from "../support/env";
import { closedPort } from "../support/net";
import { capturingLogger } from "../support/logs";

const silent = createLogger({ level: "silent", pretty: false });
const rule = { name: "test", limit: 5, windowMs: 60_000 };
const clients: Redis[] = [];
afterAll(async () => {
  for (const client of clients) await closeRedis(client);
});


async function hits(limiter: ReturnType<typeof createRateLimiter>, subject: string, n: number): Promise<boolean[]> {
  const allowed: boolean[] = [];
  for (let i = 0; i < n; i++) allowed.push((await limiter.hit(rule, subject)).allowed);
  return allowed;
}

describe("rate limiter", () => {
  test("admits the limit and refuses beyond it, per subject", async () => {
    const limiter = createRateLimiter({ kv: createMemoryKeyValue({ prefix: "t:" }), log: silent });
    expect(await hits(limiter, "a", 6)).toEqual([true, true, true, true, true, false]);
    expect(await hits(limiter, "b", 1)).toEqual([true]);
  });

  test("with Redis unreachable it keeps limiting in-process, and says so in the log", async () => {
    const client = createRedisClient(`redis://127.0.0.1:${await closedPort()}`, silent, "down");
    clients.push(client);
    const { log, lines } = capturingLogger("warn");
    const limiter = createRateLimiter({ kv: createRedisKeyValue(client, { prefix: "t:" }), log });
    expect(await hits(limiter, "a", 6)).toEqual([true, true, true, true, true, false]);
    expect(lines.some((l) => String(l.msg).includes("falling back to in-process counters"))).toBe(true);
  });

  describe.skipIf(!!skipReason("redis"))("on a real Redis", () => {
    test("two replicas share one count", async () => {
      const prefix = uniquePrefix("rl");
      const [a, b] = [createRedisClient(redisUrl as string, silent, "a"), createRedisClient(redisUrl as string, silent, "b")];
      clients.push(a, b);
      const first = createRateLimiter({ kv: createRedisKeyValue(a, { prefix }), log: silent });
      const second = createRateLimiter({ kv: createRedisKeyValue(b, { prefix }), log: silent });
      expect(await hits(first, "x", 3)).toEqual([true, true, true]);
      expect(await hits(second, "x", 3)).toEqual([true, true, false]);
      await a.del(`${prefix}rl:test:x`);
    });
  });
});

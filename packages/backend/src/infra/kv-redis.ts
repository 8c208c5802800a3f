/**
 * The Redis KeyValueStore: what replicas share. The client belongs to whoever created it
 * (createRedisClient / closeRedis); this store only prefixes keys and shapes replies.
 */
import type { Redis } from "ioredis";
import type { AtomicScript, KeyValueStore, ScoredMember } from "./kv";
import { assertPositiveTtl, incrementInWindow } from "./kv-scripts";

export interface RedisKeyValueOptions {
  prefix: string;
}

/** Redis prints infinite scores as "inf" / "-inf", which Number() does not read. */
function parseScore(raw: string): number {
  if (raw === "inf" || raw === "+inf") return Infinity;
  if (raw === "-inf") return -Infinity;
  return Number(raw);
}

function scoreBound(value: number): string {
  if (value === Infinity) return "+inf";
  if (value === -Infinity) return "-inf";
  return String(value);
}

function isNoScript(err: unknown): boolean {
  return err instanceof Error && err.message.startsWith("NOSCRIPT");
}

export function createRedisKeyValue(client: Redis, options: RedisKeyValueOptions): KeyValueStore {
  const { prefix } = options;
  const full = (key: string) => prefix + key;

  async function runScript<T>(script: AtomicScript<T>, keys: string[], args: (string | number)[]): Promise<T> {
    const argv = [...keys.map(full), ...args.map(String)];
    try {
      return script.parse(await client.evalsha(script.sha, keys.length, ...argv));
    } catch (err) {
      // First use on this server (or after SCRIPT FLUSH / a restart): EVAL also caches it.
      if (!isNoScript(err)) throw err;
      return script.parse(await client.eval(script.lua, keys.length, ...argv));
    }
  }

  return {
    kind: "redis",

    get: (key) => client.get(full(key)),

    async set(key, value, opts = {}) {
      const k = full(key);
      const ttl = opts.ttlMs === undefined ? undefined : assertPositiveTtl(opts.ttlMs);
      let reply: string | null;
      if (ttl !== undefined && opts.onlyIfAbsent) reply = await client.set(k, value, "PX", ttl, "NX");
      else if (ttl !== undefined) reply = await client.set(k, value, "PX", ttl);
      else if (opts.onlyIfAbsent) reply = await client.set(k, value, "NX");
      else reply = await client.set(k, value);
      return reply === "OK";
    },

    async del(...keys) {
      if (keys.length === 0) return 0;
      return client.del(...keys.map(full));
    },

    async exists(key) {
      return (await client.exists(full(key))) === 1;
    },

    pttl: (key) => client.pttl(full(key)),

    incrWithExpiry: (key, ttlMs) => runScript(incrementInWindow, [key], [assertPositiveTtl(ttlMs)]),

    async zadd(key, members, opts = {}) {
      if (members.length === 0) return 0;
      const pairs = members.flatMap(({ member, score }) => [score, member]);
      if (opts.onlyIfAbsent) return client.zadd(full(key), "NX", ...pairs);
      return client.zadd(full(key), ...pairs);
    },

    async zrangeByScore(key, min, max, limit) {
      const k = full(key);
      const lo = scoreBound(min);
      const hi = scoreBound(max);
      const flat =
        limit === undefined
          ? await client.zrangebyscore(k, lo, hi, "WITHSCORES")
          : await client.zrangebyscore(k, lo, hi, "WITHSCORES", "LIMIT", 0, limit);
      const result: ScoredMember[] = [];
      for (let i = 0; i + 1 < flat.length; i += 2) {
        result.push({ member: flat[i] as string, score: parseScore(flat[i + 1] as string) });
      }
      return result;
    },

    async zrem(key, ...members) {
      if (members.length === 0) return 0;
      return client.zrem(full(key), ...members);
    },

    zcard: (key) => client.zcard(full(key)),

    async zscore(key, member) {
      const raw = await client.zscore(full(key), member);
      return raw === null ? null : parseScore(raw);
    },

    runScript,

    async ping() {
      await client.ping();
    },

    close: async () => undefined,
  };
}

import type Redis from "ioredis";
import type { Config } from "../config";
import { createMemoryBroadcast, createRedisBroadcast, type Broadcast } from "./broadcast";
import { openDatabase, type DatabaseHandle } from "./db";
import { createDependencyStats, type DependencyStats } from "./dependency-stats";
import { createMemoryKeyValue, createRedisKeyValue, type KeyValueStore } from "./kv";
import { createAdvisoryLocks, createMemoryLocks, createNoLocks, createRedlockLocks, type LockPort } from "./locks";
import type { Logger } from "./logger";
import { closeRedis, createRedisClient, pingWithTimeout } from "./redis";

export interface Infrastructure {
  database: DatabaseHandle;
  kv: KeyValueStore;
  /** The main Redis client, for libraries that take one (route rate limits); absent when embedded. */
  redis?: Redis;
  locks: LockPort;
  broadcast: Broadcast;
  /** Readiness probes, one per dependency the process cannot serve without. */
  probes: { name: string; driver: string; ping(timeoutMs: number): Promise<void> }[];
  /** Postgres pool and Redis memory readings for /metrics. */
  stats: DependencyStats;
  close(): Promise<void>;
}

/**
 * Redlock on the lock nodes (their clients are added to `clients`) with Postgres advisory locks
 * while they are unreachable, the in-process mutex without Redis, or no lock at all with
 * STOCK_LOCKS=off (a benchmark's baseline; refused in production).
 */
function createLocks(config: Config, log: Logger, database: DatabaseHandle, main: Redis | undefined, clients: Redis[]): LockPort {
  if (!config.stockLocks) return createNoLocks();
  if (!main) return createMemoryLocks();
  const lockClients = config.redlockUrls.map((url, i) =>
    url === config.redisUrl ? main : createRedisClient(url, log, `redlock-${i}`, config.redisCommandTimeoutMs),
  );
  clients.push(...lockClients.filter((c) => c !== main));
  // Advisory locks exist on Postgres only; PGlite is one process, where Redis adds nothing anyway.
  const fallback = database.kind === "postgres" ? createAdvisoryLocks(database.db, { poolMax: config.databasePoolMax }) : undefined;
  return createRedlockLocks(lockClients, { prefix: config.redisKeyPrefix, log, waitMs: config.lockWaitMs, fallback });
}

/**
 * Picks each port's implementation once, from the config: real servers when their URLs are
 * set, in-process ones otherwise (DESIGN: "two ways to run, one code path").
 */
export async function createInfrastructure(
  config: Config,
  log: Logger,
  overrides: { pgliteTemplate?: Blob; onQuery?: (query: string) => void } = {},
): Promise<Infrastructure> {
  const database = await openDatabase({
    url: config.databaseUrl,
    poolMax: config.databasePoolMax,
    bounds: { connectTimeoutMs: config.databaseConnectTimeoutMs, statementTimeoutMs: config.databaseStatementTimeoutMs },
    pgliteDataDir: config.pgliteDataDir,
    pgliteTemplate: overrides.pgliteTemplate,
    onQuery: overrides.onQuery,
    log,
  });
  const clients: Redis[] = [];
  let kv: KeyValueStore;
  let redis: Redis | undefined;
  let locks: LockPort;
  let broadcast: Broadcast;
  if (config.redisUrl) {
    const main = createRedisClient(config.redisUrl, log, "main", config.redisCommandTimeoutMs);
    clients.push(main);
    redis = main;
    kv = createRedisKeyValue(main, { prefix: config.redisKeyPrefix });
    locks = createLocks(config, log, database, main, clients);
    broadcast = createRedisBroadcast(main, { prefix: config.redisKeyPrefix, log });
  } else {
    broadcast = createMemoryBroadcast();
    kv = createMemoryKeyValue({ prefix: config.redisKeyPrefix });
    locks = createLocks(config, log, database, undefined, clients);
  }
  const redisProbe = config.redisUrl
    ? { name: "redis", driver: "redis", ping: (ms: number) => pingWithTimeout(clients[0] as Redis, ms) }
    : { name: "redis", driver: "memory", ping: () => kv.ping() };
  return {
    database,
    kv,
    redis,
    locks,
    broadcast,
    probes: [{ name: "postgres", driver: database.kind, ping: (ms) => database.ping(ms) }, redisProbe],
    stats: createDependencyStats({ databaseKind: database.kind, db: database.db, poolMax: config.databasePoolMax, redis: clients[0] }),
    async close() {
      await locks.close();
      await broadcast.close();
      await Promise.allSettled(clients.map((client) => closeRedis(client)));
      await database.close();
    },
  };
}

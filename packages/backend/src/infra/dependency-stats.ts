import { sql } from "drizzle-orm";
import type { Redis } from "ioredis";
import { POSTGRES_APPLICATION_NAME, queryRows, type Database } from "./db";

/**
 * Point-in-time readings of the dependencies for /metrics (Postgres pool, Redis memory).
 * Read on scrape (dependency-metrics.ts caches them), never on the request path.
 */
export interface PoolReading {
  driver: "postgres" | "pglite";
  max: number;
  /** Connections this process holds, by pg_stat_activity state (active, idle, idle in transaction ...). */
  connections: Record<string, number>;
}

export interface DependencyStats {
  postgresPool(): Promise<PoolReading>;
  /** Undefined in embedded mode: there is no Redis, the key-value store lives in the process heap. */
  redisMemory(): Promise<{ usedBytes: number; maxBytes: number } | undefined>;
}

/**
 * postgres.js exposes no pool counters, so the pool is read back from pg_stat_activity by the
 * application name db.ts gives this process's connections. The connection running this query is counted idle: it is busy only because of the scrape.
 * Filtered by database too, so test apps sharing one process and application name stay apart.
 */
async function readPostgresPool(db: Database, max: number): Promise<PoolReading> {
  const rows = await queryRows<{ state: string | null; n: number | string }>(
    db,
    sql`select case when pid = pg_backend_pid() then 'idle' else coalesce(state, 'unknown') end as state, count(*) as n
        from pg_stat_activity
        where application_name = ${POSTGRES_APPLICATION_NAME} and datname = current_database()
        group by 1`,
  );
  const connections: Record<string, number> = {};
  for (const row of rows) connections[row.state ?? "unknown"] = Number(row.n);
  return { driver: "postgres", max, connections };
}

/** Fields of INFO's text ("used_memory:1234\r\n...") by name. */
export function parseRedisInfo(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const at = line.indexOf(":");
    if (at > 0 && !line.startsWith("#")) fields.set(line.slice(0, at), line.slice(at + 1).trim());
  }
  return fields;
}

async function readRedisMemory(client: Redis): Promise<{ usedBytes: number; maxBytes: number }> {
  const info = parseRedisInfo(await client.info("memory"));
  return { usedBytes: Number(info.get("used_memory") ?? 0), maxBytes: Number(info.get("maxmemory") ?? 0) };
}

export function createDependencyStats(source: {
  databaseKind: "postgres" | "pglite";
  db: Database;
  poolMax: number;
  redis?: Redis;
}): DependencyStats {
  const { redis } = source;
  return {
    // PGlite is one connection inside this process: always open, never pooled.
    postgresPool: () =>
      source.databaseKind === "postgres"
        ? readPostgresPool(source.db, source.poolMax)
        : Promise.resolve({ driver: "pglite", max: 1, connections: { open: 1 } }),
    redisMemory: () => (redis ? readRedisMemory(redis) : Promise.resolve(undefined)),
  };
}

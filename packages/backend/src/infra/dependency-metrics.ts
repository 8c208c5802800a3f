import type { Registry } from "prom-client";
import type { DependencyStats, PoolReading } from "./dependency-stats";
import { cachedReading, scrapedGauge } from "./scraped-gauge";

export interface DependencyMetricsOptions {
  /** Two replicas scraped every 15 s plus a dashboard refresh must not each cost a query. */
  cacheMs?: number;
  /** A dependency that hangs must not hang /metrics: past this the series are left out. */
  timeoutMs?: number;
}

/**
 * Postgres pool and Redis memory gauges, collected when /metrics is scraped. Idempotent per
 * registry (createApp may run more than once on one registry in tests): the first stats win.
 * A reading that fails or times out drops the series rather than repeating a stale value.
 */
export function registerDependencyMetrics(registry: Registry, stats: DependencyStats, options: DependencyMetricsOptions = {}): void {
  if (registry.getSingleMetric("db_pool_max")) return;
  const cacheMs = options.cacheMs ?? 5000;
  const timeoutMs = options.timeoutMs ?? 1000;
  const pool = cachedReading<PoolReading>(() => stats.postgresPool(), cacheMs, timeoutMs, "postgres pool stats");
  const memory = cachedReading(() => stats.redisMemory(), cacheMs, timeoutMs, "redis memory stats");
  const gauge = scrapedGauge(registry);
  gauge("db_pool_max", "Most connections this process's Postgres pool may open (DATABASE_POOL_MAX; 1 for PGlite)", ["driver"], async () => {
    const reading = await pool();
    return reading ? [[{ driver: reading.driver }, reading.max]] : [];
  });
  gauge(
    "db_pool_connections",
    "Postgres connections this process holds, by state (pg_stat_activity); all active at db_pool_max means the pool is saturated",
    ["driver", "state"],
    async () => {
      const reading = await pool();
      return reading ? Object.entries(reading.connections).map(([state, n]) => [{ driver: reading.driver, state }, n]) : [];
    },
  );
  gauge("redis_memory_used_bytes", "Redis used_memory (INFO memory); absent in embedded mode", ["client"], async () => {
    const reading = await memory();
    return reading ? [[{ client: "main" }, reading.usedBytes]] : [];
  });
  gauge("redis_memory_max_bytes", "Redis maxmemory (0: no limit); absent in embedded mode", ["client"], async () => {
    const reading = await memory();
    return reading ? [[{ client: "main" }, reading.maxBytes]] : [];
  });
}

import { Gauge, type Registry } from "prom-client";
import type { DependencyStats, PoolReading } from "./dependency-stats";
import { withTimeout } from "./timeout";

export interface DependencyMetricsOptions {
  /** Two replicas scraped every 15 s plus a dashboard refresh must not each cost a query. */
  cacheMs?: number;
  /** A dependency that hangs must not hang /metrics: past this the series are left out. */
  timeoutMs?: number;
}

/** One reading shared by the gauges of a scrape (in flight or cached for cacheMs); failures are not cached. */
function cached<T>(read: () => Promise<T>, cacheMs: number, timeoutMs: number, what: string): () => Promise<T | undefined> {
  let last: { at: number; value: T } | undefined;
  let pending: Promise<T | undefined> | undefined;
  const refresh = async (): Promise<T | undefined> => {
    try {
      const value = await withTimeout(read(), timeoutMs, what);
      last = { at: Date.now(), value };
      return value;
    } catch {
      last = undefined;
      return undefined;
    } finally {
      pending = undefined;
    }
  };
  return () => {
    if (last && Date.now() - last.at < cacheMs) return Promise.resolve(last.value);
    pending ??= refresh();
    return pending;
  };
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
  const pool = cached<PoolReading>(() => stats.postgresPool(), cacheMs, timeoutMs, "postgres pool stats");
  const memory = cached(() => stats.redisMemory(), cacheMs, timeoutMs, "redis memory stats");
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

type Series<L extends string> = [Partial<Record<L, string>>, number][];

/** Gauges whose series are read when /metrics is scraped: each scrape starts empty, so a failed reading shows no series. */
function scrapedGauge(registry: Registry) {
  return <L extends string>(name: string, help: string, labelNames: readonly L[], read: () => Promise<Series<L>>): void => {
    new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        this.reset();
        for (const [labels, value] of await read()) this.set(labels, value);
      },
    });
  };
}

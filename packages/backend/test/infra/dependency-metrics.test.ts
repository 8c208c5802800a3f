import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { Registry } from "prom-client";
import { createApp } from "../../src/app";
import { createLogger } from "../../src/infra/logger";
import { registerDependencyMetrics } from "../../src/infra/dependency-metrics";
import { parseRedisInfo, type DependencyStats, type PoolReading } from "../../src/infra/dependency-stats";
import { noErrorReporter } from "../../src/infra/sentry";
import { createTestApp, type TestApp } from "../support/app";
import { skipReason } from "../support/env";
import { waitUntil } from "../support/wait";

/** One sample's value from Prometheus text, or undefined when the series is absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) return Number(line.split(" ").at(-1));
  }
  return undefined;
}

const scrape = async (registry: Registry) => registry.metrics();

function fakeStats(pool: () => Promise<PoolReading>): DependencyStats & { poolCalls: number } {
  const stats = {
    poolCalls: 0,
    postgresPool: () => {
      stats.poolCalls += 1;
      return pool();
    },
    redisMemory: async () => ({ usedBytes: 2048, maxBytes: 0 }),
  };
  return stats;
}

const reading: PoolReading = { driver: "postgres", max: 10, connections: { active: 3, idle: 2 } };

describe("dependency gauges", () => {
  test("report the pool by state and Redis memory from one reading per scrape", async () => {
    const registry = new Registry();
    const stats = fakeStats(async () => reading);
    registerDependencyMetrics(registry, stats, { cacheMs: 0 });
    const text = await scrape(registry);
    expect(sample(text, "db_pool_max", { driver: "postgres" })).toBe(10);
    expect(sample(text, "db_pool_connections", { state: "active" })).toBe(3);
    expect(sample(text, "db_pool_connections", { state: "idle" })).toBe(2);
    expect(sample(text, "redis_memory_used_bytes", { client: "main" })).toBe(2048);
  });

  test("a reading is reused within the cache window, so scrapes do not each cost a query", async () => {
    const registry = new Registry();
    const stats = fakeStats(async () => reading);
    registerDependencyMetrics(registry, stats, { cacheMs: 60_000 });
    await scrape(registry);
    await scrape(registry);
    expect(stats.poolCalls).toBe(1);
  });

  test("a failing or hanging reading drops the series instead of repeating a stale value, and is retried", async () => {
    const registry = new Registry();
    let mode: "ok" | "fail" | "hang" = "ok";
    const stats = fakeStats(() =>
      mode === "ok" ? Promise.resolve(reading) : mode === "fail" ? Promise.reject(new Error("refused")) : new Promise(() => undefined),
    );
    registerDependencyMetrics(registry, stats, { cacheMs: 0, timeoutMs: 50 });
    expect(sample(await scrape(registry), "db_pool_max")).toBe(10);
    mode = "fail";
    expect(sample(await scrape(registry), "db_pool_max")).toBeUndefined();
    mode = "hang";
    const started = performance.now();
    expect(sample(await scrape(registry), "db_pool_connections")).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(1000);
    mode = "ok";
    expect(sample(await scrape(registry), "db_pool_max")).toBe(10);
  });

  test("INFO text is read field by field, section headers skipped", () => {
    const info = parseRedisInfo("# Memory\r\nused_memory:1048576\r\nused_memory_human:1.00M\r\nmaxmemory:0\r\n");
    expect(info.get("used_memory")).toBe("1048576");
    expect(info.get("maxmemory")).toBe("0");
    expect(info.has("# Memory")).toBe(false);
  });
});

describe("an app's /metrics", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ label: "dependency-metrics" });
  });
  afterAll(() => t.close());

  test("carries the pool of the driver in use and Redis memory only when there is a Redis", async () => {
    const text = await (await t.request("/metrics")).text();
    if (t.config.databaseUrl) {
      expect(sample(text, "db_pool_max", { driver: "postgres" })).toBe(t.config.databasePoolMax);
      expect(sample(text, "db_pool_connections", { driver: "postgres", state: "idle" })).toBeGreaterThanOrEqual(1);
    } else {
      expect(sample(text, "db_pool_max", { driver: "pglite" })).toBe(1);
    }
    if (t.config.redisUrl) expect(sample(text, "redis_memory_used_bytes", { client: "main" })).toBeGreaterThan(0);
    else expect(sample(text, "redis_memory_used_bytes")).toBeUndefined();
  });

  test("building the app again on the same registry registers nothing twice", () => {
    const again = () =>
      createApp({ config: t.config, log: createLogger({ level: "silent", pretty: false }), infra: t.infra, metrics: t.metrics, reporter: noErrorReporter });
    expect(again).not.toThrow();
  });

  test.skipIf(!!skipReason("postgres"))("transactions in flight show as active connections of this process", async () => {
    const fresh = new Registry();
    registerDependencyMetrics(fresh, t.infra.stats, { cacheMs: 0 });
    // Transactions each hold a connection of their own (plain queries may pipeline on one); they
    // stay active, waiting for an advisory lock another session holds, until the test lets go.
    const holder = postgres(t.config.databaseUrl as string, { max: 1, onnotice: () => undefined });
    const LOCK = 7_240_531_999;
    await holder`select pg_advisory_lock(${LOCK})`;
    const db = t.infra.database.db;
    const waiting = Array.from({ length: 3 }, () => db.transaction((tx) => tx.execute(sql`select pg_advisory_xact_lock(${LOCK})`)));
    try {
      const activeNow = async () => sample(await scrape(fresh), "db_pool_connections", { state: "active" }) ?? 0;
      const seen = await waitUntil(async () => (await activeNow()) >= 3, { what: "three active connections" }).catch(() => false);
      expect(seen).toBe(true);
    } finally {
      await holder`select pg_advisory_unlock(${LOCK})`;
      await holder.end();
      await Promise.all(waiting);
    }
    expect(sample(await scrape(fresh), "db_pool_connections", { state: "active" }) ?? 0).toBe(0);
  });
});

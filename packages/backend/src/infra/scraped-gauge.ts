/**
 * Gauges read when /metrics is scraped, from a reading shared by the gauges of one scrape: the
 * dependency gauges (dependency-metrics.ts) and the order domain's Postgres counts. Two replicas
 * scraped every 15 s plus a dashboard refresh must not each cost a query, and a dependency that
 * hangs must not hang /metrics: a reading that fails or times out drops the series rather than
 * repeating a stale value.
 */
import { Gauge, type Registry } from "prom-client";
import { withTimeout } from "./timeout";

/** One reading shared by the gauges of a scrape (in flight or cached for cacheMs); failures are not cached. */
export function cachedReading<T>(read: () => Promise<T>, cacheMs: number, timeoutMs: number, what: string): () => Promise<T | undefined> {
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

export type Series<L extends string> = [Partial<Record<L, string>>, number][];

/** Gauges whose series are read when /metrics is scraped: each scrape starts empty, so a failed reading shows no series. */
export function scrapedGauge(registry: Registry) {
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

import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import type { MarketplaceName } from "../marketplace/types";

/** Every marketplace (a record, so a new one cannot be forgotten here). */
const MARKETPLACES: Record<MarketplaceName, true> = { TRENDYOL: true, HEPSIBURADA: true, N11: true, PAZARAMA: true, PTTAVM: true };

/**
 * The sync engine's metrics: what an on-call engineer charts and alerts on. Registered
 * on the app's registry so /metrics shows them; a registry per app keeps two apps in one test apart.
 * Gauges that need a query (backlog, dead letters) are refreshed by the worker each tick, not on
 * scrape, so a scrape never waits on Redis or Postgres.
 */
/**
 * listing_drift_total, each marketplace's series there from the start at 0: Prometheus's
 * increase() cannot see a series' first sample, so the first check's drifts after a restart would
 * otherwise escape ListingDriftHigh.
 */
function driftCounter(registers: Registry[]): Counter<"marketplace"> {
  const counter = new Counter({
    name: "listing_drift_total",
    help: "Listings a drift check found showing another quantity than the marketplace was told and confirmed",
    labelNames: ["marketplace"] as const,
    registers,
  });
  for (const marketplace of Object.keys(MARKETPLACES)) counter.inc({ marketplace }, 0);
  return counter;
}

export function createSyncMetrics(registry: Registry) {
  const registers = [registry];
  return {
    backlog: new Gauge({
      name: "sync_dirty_backlog",
      help: "Marks waiting to be pushed, per store",
      labelNames: ["store"] as const,
      registers,
    }),
    oldestDirtyAge: new Gauge({
      name: "sync_oldest_dirty_age_seconds",
      help: "Age of the oldest waiting mark, per store",
      labelNames: ["store"] as const,
      registers,
    }),
    flushDuration: new Histogram({
      name: "sync_flush_duration_seconds",
      help: "One store's flush: claim, compute, send, record",
      labelNames: ["marketplace"] as const,
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    itemsSent: new Counter({
      name: "sync_items_sent_total",
      help: "Items sent to marketplaces",
      labelNames: ["marketplace"] as const,
      registers,
    }),
    itemsSkipped: new Counter({
      name: "sync_items_skipped_total",
      help: "Claimed items not sent, by reason (unchanged, not_listed, store_off)",
      labelNames: ["marketplace", "reason"] as const,
      registers,
    }),
    outcomes: new Counter({
      name: "sync_item_outcomes_total",
      help: "Per-item outcomes reported by marketplaces (or refused locally)",
      labelNames: ["marketplace", "outcome"] as const,
      registers,
    }),
    rateLimited: new Counter({
      name: "sync_rate_limited_total",
      help: "Flushes or polls that waited for a rate-limit token instead of sending",
      labelNames: ["marketplace", "group"] as const,
      registers,
    }),
    received429: new Counter({
      name: "marketplace_429_total",
      help: "429 answers received from marketplaces (goal: 0)",
      labelNames: ["marketplace"] as const,
      registers,
    }),
    failures: new Counter({
      name: "sync_push_failures_total",
      help: "Failed pushes by error code",
      labelNames: ["marketplace", "code"] as const,
      registers,
    }),
    deadLetters: new Gauge({
      name: "sync_dead_letters",
      help: "Open dead letters, per store",
      labelNames: ["store"] as const,
      registers,
    }),
    drifts: driftCounter(registers),
    latency: new Histogram({
      name: "sync_latency_seconds",
      help: "First dirty mark to the marketplace confirming the quantity",
      labelNames: ["marketplace"] as const,
      buckets: [0.5, 1, 2, 3, 5, 7.5, 10, 15, 20, 30, 60, 120, 300, 900],
      registers,
    }),
  };
}

export type SyncMetrics = ReturnType<typeof createSyncMetrics>;

/**
 * jobs_claimed_total and jobs_finished_total{kind, state} counted by the worker that saw it;
 * jobs_active{kind, state} (QUEUED, RUNNING) and the ages on-call is alerted from (a queued job
 * nobody claims, a lease that ran out and nobody took over: no worker is running) read from
 * Postgres on scrape in one statement, cached briefly and dropped when the read fails or is slow.
 * Every replica reads the same table: max, not sum.
 */
import { Counter, type Registry } from "prom-client";
import { cachedReading, scrapedGauge } from "../../infra/scraped-gauge";
import { JOB_KINDS, type JobKind, type JobState } from "./schema";
import type { JobService } from "./service";

export function createJobMetrics(registry: Registry, jobs: Pick<JobService, "activeCounts">) {
  const existing = registry.getSingleMetric("jobs_finished_total");
  const claimed =
    (registry.getSingleMetric("jobs_claimed_total") as Counter<"kind"> | undefined) ??
    new Counter({ name: "jobs_claimed_total", help: "Jobs claimed by a worker (each claim is an attempt), by kind", labelNames: ["kind"] as const, registers: [registry] });
  const finished =
    (existing as Counter<"kind" | "state"> | undefined) ??
    new Counter({
      name: "jobs_finished_total",
      help: "Jobs that ended, by kind and state: SUCCEEDED, or FAILED (a stable code, or their attempts ran out)",
      labelNames: ["kind", "state"] as const,
      registers: [registry],
    });
  if (!existing) {
    // Every kind's ends there from the start at 0: increase() cannot see a series' first sample,
    // so the first job to fail (or be claimed) after a restart would otherwise escape JobsFailed (JobsStuck).
    for (const kind of JOB_KINDS) {
      claimed.inc({ kind }, 0);
      for (const state of ["SUCCEEDED", "FAILED"] as const) finished.inc({ kind, state }, 0);
    }
    const read = cachedReading(() => jobs.activeCounts(), 5000, 1000, "active jobs");
    const gauge = scrapedGauge(registry);
    gauge("jobs_active", "Unfinished jobs by kind and state (QUEUED, RUNNING)", ["kind", "state"], async () =>
      ((await read()) ?? []).map((row) => [{ kind: row.kind, state: row.state }, row.count]),
    );
    // Kinds with nothing waiting show no series.
    gauge("jobs_oldest_queued_seconds", "Seconds the oldest QUEUED job of the kind has waited since it was queued (or queued again)", ["kind"], async () =>
      ((await read()) ?? []).flatMap((row) => (row.state === "QUEUED" && row.waitingSeconds !== null ? [[{ kind: row.kind }, row.waitingSeconds]] : [])),
    );
    gauge(
      "jobs_oldest_expired_lease_seconds",
      "Seconds since the lease of the oldest RUNNING job of the kind ran out without another worker taking it over",
      ["kind"],
      async () => ((await read()) ?? []).flatMap((row) => (row.state === "RUNNING" && row.leaseExpiredSeconds !== null ? [[{ kind: row.kind }, row.leaseExpiredSeconds]] : [])),
    );
  }
  return {
    claimed: (kind: JobKind) => claimed.inc({ kind }),
    finished: (kind: JobKind, state: Extract<JobState, "SUCCEEDED" | "FAILED">) => finished.inc({ kind, state }),
  };
}

export type JobMetrics = ReturnType<typeof createJobMetrics>;

/**
 * The job worker's settings (domains/jobs/worker.ts), read from the same environment as config.ts.
 * The lease is renewed every third of JOB_LEASE_MS while a runner works; a worker that dies has
 * its job taken over once the lease runs out.
 */
import type { JobWorkerSettings } from "./domains/jobs/worker";

/** Jobs one process runs at once: imports are paced by the marketplace's rate limits, not by us. */
const JOB_CONCURRENCY = 2;

export function jobProblems(raw: Record<string, string | undefined>): string[] {
  const problems: string[] = [];
  if (raw.JOB_POLL_MS !== undefined && Number(raw.JOB_POLL_MS) < 100) problems.push("JOB_POLL_MS must be at least 100");
  if (raw.JOB_LEASE_MS !== undefined && Number(raw.JOB_LEASE_MS) < 1000) problems.push("JOB_LEASE_MS must be at least 1000");
  return problems;
}

export function jobConfig(raw: Record<string, string | undefined>): JobWorkerSettings {
  const int = (value: string | undefined, fallback: number) => (value === undefined ? fallback : Number(value));
  return { pollMs: int(raw.JOB_POLL_MS, 5000), leaseMs: int(raw.JOB_LEASE_MS, 60_000), concurrency: JOB_CONCURRENCY };
}

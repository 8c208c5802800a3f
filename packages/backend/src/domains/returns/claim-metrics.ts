/**
 * The claims pull's health for dashboards: claims recorded per marketplace and outcome (CREATED,
 * UPDATED, UNCHANGED, STALE), and returns waiting for staff (NEEDS_ATTENTION: a claim naming an
 * order we do not know, a line we could not match) per store, read from Postgres after each run.
 */
import { Counter, Gauge, type Registry } from "prom-client";

export function createClaimMetrics(registry: Registry) {
  return {
    recorded: new Counter({
      name: "returns_claims_recorded_total",
      help: "Marketplace claims read by the claims pull, by marketplace and outcome: CREATED (a new return), UPDATED, UNCHANGED, STALE (an older reading)",
      labelNames: ["marketplace", "outcome"] as const,
      registers: [registry],
    }),
    needingAttention: new Gauge({
      name: "returns_needing_attention",
      help: "Returns in NEEDS_ATTENTION (unknown order or unmatched claim line) per store, waiting for staff",
      labelNames: ["store_id"] as const,
      registers: [registry],
    }),
  };
}

export type ClaimMetrics = ReturnType<typeof createClaimMetrics>;

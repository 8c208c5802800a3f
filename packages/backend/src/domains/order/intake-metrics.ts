import { Counter, Gauge, type Registry } from "prom-client";

/**
 * What became of each marketplace order taken in (created, duplicate, oversold, needs_attention,
 * cancelled, rejected), by source; and how many orders wait for an operator now. The gauge is what
 * on-call alerts on (a stock of open work, per store); the counter's needs_attention outcome says
 * how fast they arrive. Every replica sets the same per-store gauge from Postgres: max, not sum.
 */
export function createIntakeMetrics(registry: Registry) {
  return {
    orders: new Counter({
      name: "marketplace_orders_taken_in_total",
      help: "Marketplace orders fed to intake by the pull or a webhook, by outcome",
      labelNames: ["marketplace", "source", "outcome"] as const,
      registers: [registry],
    }),
    needingAttention: new Gauge({
      name: "marketplace_orders_needing_attention",
      help: "Marketplace orders in NEEDS_ATTENTION now (recorded, nothing reserved, waiting for an operator), per store",
      labelNames: ["marketplace", "store"] as const,
      registers: [registry],
    }),
  };
}

export type IntakeMetrics = ReturnType<typeof createIntakeMetrics>;

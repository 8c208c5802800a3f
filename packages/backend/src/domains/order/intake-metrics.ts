import { Counter, type Registry } from "prom-client";

/** What became of each marketplace order taken in (created, duplicate, oversold, cancelled, rejected), by source. */
export function createIntakeMetrics(registry: Registry) {
  return {
    orders: new Counter({
      name: "marketplace_orders_taken_in_total",
      help: "Marketplace orders fed to intake by the pull or a webhook, by outcome",
      labelNames: ["marketplace", "source", "outcome"] as const,
      registers: [registry],
    }),
  };
}

export type IntakeMetrics = ReturnType<typeof createIntakeMetrics>;

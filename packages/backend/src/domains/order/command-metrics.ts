/**
 * The outbox's health for dashboards and alerts: sends by outcome, dead letters open per store,
 * and how old the oldest open command is (a stuck order, or a marketplace that stopped answering).
 * The gauges are read from Postgres after each worker run, never on scrape.
 */
import { Counter, Gauge, type Registry } from "prom-client";

export type SendOutcome = "confirmed" | "accepted" | "refused" | "retried" | "unknown" | "observed_applied" | "observed_passed";

export function createCommandMetrics(registry: Registry) {
  return {
    sent: new Counter({
      name: "order_commands_sent_total",
      help: "Order commands sent to (or observed at) a marketplace, by outcome: confirmed, accepted, refused (dead letter), retried (429 or another retryable refusal), unknown (no answer: observed before it is sent again), observed_applied, observed_passed",
      labelNames: ["marketplace", "kind", "outcome"] as const,
      registers: [registry],
    }),
    failedOpen: new Gauge({
      name: "order_commands_failed_open",
      help: "FAILED order commands (dead letters) waiting for staff, per store",
      labelNames: ["store_id"] as const,
      registers: [registry],
    }),
    oldestOpen: new Gauge({
      name: "order_commands_oldest_open_seconds",
      help: "Age of the oldest order command not yet confirmed, failed or overtaken (0 when none is open)",
      registers: [registry],
    }),
  };
}

export type CommandMetrics = ReturnType<typeof createCommandMetrics>;

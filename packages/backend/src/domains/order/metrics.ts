/**
 * Order counters for the dashboard's order rate and oversell panels: orders recorded, and orders
 * refused (API, 409 OUT_OF_STOCK) or recorded OVERSOLD (marketplace) for want of stock. Replays of
 * an Idempotency-Key and repeated marketplace deliveries are not counted again.
 */
import { Counter, Gauge, type Registry } from "prom-client";

export function createOrderMetrics(registry: Registry) {
  return {
    placed: new Counter({
      name: "orders_placed_total",
      help: "Orders recorded with their stock reserved, by source (api: web and mobile; marketplace: intake)",
      labelNames: ["source"] as const,
      registers: [registry],
    }),
    outOfStock: new Counter({
      name: "orders_out_of_stock_total",
      help: "Orders short of stock: refused with 409 OUT_OF_STOCK (api) or recorded OVERSOLD (marketplace)",
      labelNames: ["source"] as const,
      registers: [registry],
    }),
  };
}

export type OrderMetrics = ReturnType<typeof createOrderMetrics>;

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

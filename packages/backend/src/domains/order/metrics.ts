/**
 * Order counters for the dashboard's order rate and oversell panels: orders recorded, and orders
 * refused (API, 409 OUT_OF_STOCK) or recorded OVERSOLD (marketplace) for want of stock. Replays of
 * an Idempotency-Key and repeated marketplace deliveries are not counted again.
 */
import { Counter, type Registry } from "prom-client";

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

/**
 * The order-pull schedule as operators see it, per store: when the next pull is due and the
 * interval it was set from (a quarter of its marketplace's after a fresh order, doubled back up to it while idle). Every replica
 * sets them from the shared schedule at each tick: read them with max, not sum.
 */
import { Gauge, type Registry } from "prom-client";
import type { StoreSchedule } from "./pull-schedule";

export function createPullScheduleMetrics(registry: Registry) {
  const nextDue = new Gauge({
    name: "marketplace_order_pull_next_due_timestamp_seconds",
    help: "When the store's next order pull is due (Unix time, seconds)",
    labelNames: ["marketplace", "store"] as const,
    registers: [registry],
  });
  const interval = new Gauge({
    name: "marketplace_order_pull_interval_seconds",
    help: "The store's current order-pull interval: a quarter of its marketplace's (at least 5 s) after a fresh order, doubled while idle up to the marketplace's",
    labelNames: ["marketplace", "store"] as const,
    registers: [registry],
  });

  function show(store: { id: string; type: string }, schedule: StoreSchedule): void {
    const labels = { marketplace: store.type, store: store.id };
    nextDue.set(labels, schedule.dueAt / 1000);
    interval.set(labels, schedule.intervalMs / 1000);
  }

  return {
    show,
    /** Every store's reading at once, dropping stores no longer pulled. */
    replace(entries: readonly { store: { id: string; type: string }; schedule: StoreSchedule }[]): void {
      nextDue.reset();
      interval.reset();
      for (const { store, schedule } of entries) show(store, schedule);
    },
  };
}

export type PullScheduleMetrics = ReturnType<typeof createPullScheduleMetrics>;

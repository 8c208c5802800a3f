/**
 * The order-pull worker's tick: every active marketplace store whose due time has come is
 * pulled, each under its lock with its schedule re-read there (pull-schedule.ts), so two
 * replicas ticking together pull a store once per slot. The tick itself is cheap (one store
 * list, one key read per store); main.ts runs it every ORDER_PULL_TICK_MS.
 */
import type { Logger } from "../../infra/logger";
import type { StoreService } from "../catalog/service";
import type { PullGuard, PullReport } from "./marketplace-pull";
import type { PullScheduleMetrics } from "./pull-schedule-metrics";
import { hasFresh, intervalAt, nextSchedule, outcomeOf, type PullSchedules, type StoreSchedule } from "./pull-schedule";

/** How often the worker looks for due stores: the most a due pull waits for its tick. */
export const ORDER_PULL_TICK_MS = 1_000;
/** Due stores pulled at once: marketplaces and stores are independent, the database is shared. */
const CONCURRENCY = 4;

export interface PullSchedulerDeps {
  log: Logger;
  now: () => number;
  stores: Pick<StoreService, "listStores">;
  schedules: PullSchedules;
  pullStore(storeId: string, guard: PullGuard): Promise<PullReport>;
  /** The store type's base interval (config-order-pull.ts). */
  baseMsFor(storeType: string): number;
  metrics: PullScheduleMetrics;
}

export function createPullScheduler(deps: PullSchedulerDeps) {
  const { schedules, now, log } = deps;

  /** Pulls one due store; its schedule is written under the lock (or here when the pull never got that far). */
  async function pullOne(store: { id: string; type: string }): Promise<PullReport | undefined> {
    const baseMs = deps.baseMsFor(store.type);
    let startedAt = now();
    let settled = false;
    const settle = async (result: { report: PullReport } | { error: unknown }) => {
      const outcome = outcomeOf(result);
      settled = true;
      if (!outcome) return;
      const report = "report" in result && result.report.pulled ? result.report : undefined;
      const next = nextSchedule({
        previous: await schedules.read(store.id),
        baseMs,
        startedAt,
        now: now(),
        outcome,
        fresh: report ? hasFresh(report.outcomes) : false,
        waitMs: report?.waitMs,
      });
      await schedules.write(store.id, next);
      deps.metrics.show(store, next);
    };
    const guard: PullGuard = {
      async due() {
        const schedule = await schedules.read(store.id);
        startedAt = now();
        return !schedule || schedule.dueAt <= startedAt;
      },
      settle,
    };
    try {
      const report = await deps.pullStore(store.id, guard);
      if (!settled) await settle({ report });
      return report;
    } catch (error) {
      log.warn({ err: error, storeId: store.id }, "order pull failed; the watermark stays and the store is read again later");
      if (!settled) await settle({ error }).catch((cause: unknown) => log.warn({ err: cause, storeId: store.id }, "order pull schedule not written"));
      return undefined;
    }
  }

  return {
    /** One tick: pulls every store that is due, at most CONCURRENCY at once; answers their reports. */
    async pullDue(): Promise<PullReport[]> {
      const at = now();
      const due: { id: string; type: string }[] = [];
      const shown = new Map<string, { store: { id: string; type: string }; schedule: StoreSchedule }>();
      for (const store of await deps.stores.listStores()) {
        if (store.type === "WEB" || !store.active) continue;
        const schedule = await schedules.read(store.id);
        if (schedule) shown.set(store.id, { store, schedule });
        if (!schedule || schedule.dueAt <= at) due.push(store);
      }
      // Stores deleted or switched off drop out of the gauges; the others show the shared schedule.
      deps.metrics.replace([...shown.values()]);
      const reports: PullReport[] = [];
      for (let i = 0; i < due.length; i += CONCURRENCY) {
        const batch = await Promise.all(due.slice(i, i + CONCURRENCY).map(pullOne));
        for (const report of batch) if (report) reports.push(report);
      }
      return reports;
    },

    /**
     * A pushed order was taken in for the store: its pulls go back to the active interval, and the
     * next one comes no later than one active interval from now (the pull stays the source of truth).
     */
    async freshOrder(store: { id: string; type: string }): Promise<void> {
      const schedule = await schedules.read(store.id);
      if (!schedule) return;
      const baseMs = deps.baseMsFor(store.type);
      const intervalMs = intervalAt(baseMs, 0);
      const next: StoreSchedule = { ...schedule, level: 0, baseMs, intervalMs, dueAt: Math.min(schedule.dueAt, now() + intervalMs) };
      await schedules.write(store.id, next);
      deps.metrics.show(store, next);
    },

    read: (storeId: string) => schedules.read(storeId),
  };
}

export type PullScheduler = ReturnType<typeof createPullScheduler>;

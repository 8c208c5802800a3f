/** The sync engine's recurring jobs, as main.ts starts them in every app process. */
import type { SyncConfig } from "../../config";
import type { Logger } from "../../infra/logger";
import { startKicker } from "./kicker";
import type { StockSync } from "./service";
import { realTimers, startWorker, type Scheduler, type Worker } from "./worker";

/** `schedule`: real timers in the app; a test passes one on a clock it steps. */
export function startSyncWorker(sync: StockSync, config: SyncConfig, log: Logger, schedule: Scheduler = realTimers): Worker {
  // Orders' changes go out soon after the order, beside the interval loop (kicker.ts).
  const kicker = startKicker(
    {
      flushOne: (storeId) => sync.flushOne(storeId),
      backlog: (storeId) => sync.buffer.backlog(storeId),
      storesWithMarks: () => sync.buffer.storesWithMarks(),
      listen: (listener) => sync.onKick(listener),
      now: sync.now,
    },
    { delayMs: config.kickDelayMs, intervalMs: config.intervalMs },
    log,
    schedule,
  );
  const loops = startWorker(
    [
      {
        name: "flush",
        everyMs: config.intervalMs,
        run: async () => {
          await sync.flushAll();
          await sync.refreshGauges();
        },
      },
      // Receipts are polled more often than flushes so a result is seen soon after it is ready.
      { name: "receipts", everyMs: Math.min(config.intervalMs, 1000), run: () => sync.pollReceipts() },
      // The first sweep at start: it reconciles when the buffer was lost (a restart of the in-process store).
      { name: "sweep", everyMs: config.sweepIntervalMs, runAtStart: true, run: () => sync.sweep() },
      { name: "reconcile", everyMs: config.reconcileIntervalMs, run: () => sync.reconcile("daily schedule") },
      { name: "purge", everyMs: 60 * 60_000, run: () => sync.purge() },
    ],
    log,
    schedule,
  );
  return {
    async stop() {
      await Promise.all([kicker.stop(), loops.stop()]);
    },
  };
}

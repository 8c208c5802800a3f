/**
 * The sync worker inside the app process (DESIGN "Stock sync"): an interval loop per job, each
 * run awaited before the next is scheduled so runs never overlap, errors logged and the loop
 * kept alive. Stopping waits for the run in flight, so shutdown never cuts a flush in half.
 */
import type { Logger } from "../../infra/logger";

interface Job {
  name: string;
  everyMs: number;
  /** Run once right after start instead of after the first interval. */
  runAtStart?: boolean;
  run(): Promise<unknown>;
}

export interface Worker {
  stop(): Promise<void>;
}

/**
 * Calls `run` once `delayMs` have passed (never before answering) and answers a cancel. `run`
 * answers the job's run, so a scheduler on a manual clock can await it before stepping further.
 */
export type Scheduler = (run: () => Promise<void>, delayMs: number) => () => void;

export const realTimers: Scheduler = (run, delayMs) => {
  const timer = setTimeout(() => void run(), delayMs);
  return () => clearTimeout(timer);
};

export function startWorker(jobs: readonly Job[], log: Logger, schedule: Scheduler = realTimers): Worker {
  let stopped = false;
  const cancels = new Set<() => void>();
  const running = new Set<Promise<void>>();

  function next(job: Job, delayMs: number): void {
    if (stopped) return;
    const cancel = schedule(() => {
      cancels.delete(cancel);
      const run = (async () => {
        try {
          await job.run();
        } catch (error) {
          log.error({ err: error, job: job.name }, "sync job failed");
        }
      })();
      running.add(run);
      return run.finally(() => {
        running.delete(run);
        next(job, job.everyMs);
      });
    }, delayMs);
    cancels.add(cancel);
  }

  for (const job of jobs) next(job, job.runAtStart ? 0 : job.everyMs);
  return {
    async stop() {
      stopped = true;
      for (const cancel of cancels) cancel();
      cancels.clear();
      await Promise.all([...running]);
    },
  };
}

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

export function startWorker(jobs: readonly Job[], log: Logger): Worker {
  let stopped = false;
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const running = new Set<Promise<void>>();

  function schedule(job: Job, delayMs: number): void {
    if (stopped) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      const run = (async () => {
        try {
          await job.run();
        } catch (error) {
          log.error({ err: error, job: job.name }, "sync job failed");
        }
      })();
      running.add(run);
      void run.finally(() => {
        running.delete(run);
        schedule(job, job.everyMs);
      });
    }, delayMs);
    timers.add(timer);
  }

  for (const job of jobs) schedule(job, job.runAtStart ? 0 : job.everyMs);
  return {
    async stop() {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await Promise.all([...running]);
    },
  };
}

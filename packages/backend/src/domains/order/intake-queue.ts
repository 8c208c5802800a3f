/**
 * Work accepted by a webhook and done after the answer went out. In process and not durable on
 * purpose: a delivery lost with the process is read again by the next pull (the source of truth).
 */
import type { Logger } from "../../infra/logger";

export function createIntakeQueue(log: Logger) {
  const running = new Set<Promise<void>>();
  return {
    /** Starts `work` on the next turn of the event loop; its failure is logged, never thrown. */
    enqueue(label: Record<string, unknown>, work: () => Promise<unknown>): void {
      const run = new Promise<void>((resolve) => setTimeout(resolve, 0))
        .then(work)
        .then(
          () => undefined,
          (error: unknown) => log.warn({ err: error, ...label }, "webhook order intake failed; the pull will take it in"),
        );
      running.add(run);
      void run.finally(() => running.delete(run));
    },
    /** Resolves once everything queued so far is done (tests, shutdown). */
    async drain(): Promise<void> {
      while (running.size > 0) await Promise.all([...running]);
    },
  };
}

export type IntakeQueue = ReturnType<typeof createIntakeQueue>;

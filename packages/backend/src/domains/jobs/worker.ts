/**
 * The job worker inside the app process (where the sync worker runs): kicked when a job is
 * created here, else looking every JOB_POLL_MS (another replica's jobs, a dead worker's lease
 * running out). It runs at most `concurrency` jobs at once, renews each lease while its runner
 * works, and turns the runner's end into the job's: finished, failed with a stable code, or
 * handed back when the process stops.
 */
import { hostname } from "node:os";
import { randomUUID } from "node:crypto";
import { AppError } from "../../infra/errors";
import { createPollLoop } from "../../infra/poll-loop";
import { scrubError, withoutQueryParameters } from "../../infra/error-scrub";
import type { Logger } from "../../infra/logger";
import { JobFailure } from "./errors";
import type { JobMetrics } from "./metrics";
import { JobLeaseLost, type JobRow, type JobRunContext, type JobRunners } from "./runner";
import type { JobKind } from "./schema";
import type { JobFailureRecord, JobService } from "./service";

export interface JobWorkerSettings {
  /** JOB_POLL_MS */
  pollMs: number;
  /** JOB_LEASE_MS: renewed every third of it while a runner works. */
  leaseMs: number;
  /** Jobs run at once by this process. */
  concurrency: number;
}

export interface JobWorkerDeps {
  jobs: JobService;
  runners: JobRunners;
  log: Logger;
  settings: JobWorkerSettings;
  metrics?: JobMetrics;
  /** Names this process in leases; unique per worker by default. */
  owner?: string;
}

/** Why a runner's signal was aborted. */
class WorkerStopping extends Error {
  constructor() {
    super("the job worker is stopping");
  }
}

/** The innermost cause's message: Drizzle's own is the whole query, the driver's under it says what went wrong. */
function rootMessage(error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current instanceof Error && current.cause instanceof Error; depth++) current = current.cause;
  return current instanceof Error ? current.message : String(current);
}

/** What an attempt's failure is recorded as: the runner's own code, a client-type refusal as it came, anything else JOB_FAILED and retried. */
export function failureOf(error: unknown): JobFailureRecord {
  if (error instanceof JobFailure) return { code: error.code, message: error.message, retry: error.retry };
  // A refusal of the store's settings is the seller's to fix: trying again changes nothing.
  if (error instanceof AppError && error.status < 500) return { code: error.code, message: error.message, retry: false };
  return { code: "JOB_FAILED", message: withoutQueryParameters(rootMessage(scrubError(error))) || "The job failed", retry: true };
}

export function createJobWorker(deps: JobWorkerDeps) {
  const { jobs, log, settings } = deps;
  const owner = deps.owner ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const kinds = Object.keys(deps.runners) as JobKind[];
  const runningJobs = new Map<string, { controller: AbortController; done: Promise<void> }>();

  function context(job: JobRow, controller: AbortController): JobRunContext {
    const lost = () => {
      const error = new JobLeaseLost(job.id);
      if (!controller.signal.aborted) controller.abort(error);
      return error;
    };
    return {
      job,
      signal: controller.signal,
      async save(cursor, progress) {
        if (!(await jobs.save(job.id, owner, cursor, progress))) throw lost();
      },
      step: (work, next) => jobs.step(job.id, owner, work, next, lost),
    };
  }

  async function execute(job: JobRow, controller: AbortController): Promise<void> {
    const runner = deps.runners[job.kind];
    const renewal = setInterval(() => {
      jobs.renew(job.id, owner, settings.leaseMs).then(
        (kept) => {
          if (!kept && !controller.signal.aborted) controller.abort(new JobLeaseLost(job.id));
        },
        (error: unknown) => log.warn({ err: error, jobId: job.id }, "job lease not renewed; trying again"),
      );
    }, Math.max(1, Math.floor(settings.leaseMs / 3)));
    try {
      if (!runner) throw new JobFailure("JOB_KIND_UNKNOWN", `No runner for ${job.kind} in this process`, true);
      const result = await runner(context(job, controller));
      if (controller.signal.reason instanceof JobLeaseLost || !(await jobs.finish(job.id, owner, result))) {
        log.warn({ jobId: job.id, kind: job.kind }, "job finished after its lease was lost: its result is not recorded");
        return;
      }
      deps.metrics?.finished(job.kind, "SUCCEEDED");
      log.info({ jobId: job.id, kind: job.kind, storeId: job.storeId }, "job succeeded");
    } catch (error) {
      const reason: unknown = controller.signal.reason;
      if (error instanceof JobLeaseLost || reason instanceof JobLeaseLost) {
        log.warn({ jobId: job.id, kind: job.kind }, "job lease lost: another worker has the job");
      } else if (reason instanceof WorkerStopping) {
        await jobs.release(job.id, owner);
        log.info({ jobId: job.id, kind: job.kind }, "job handed back: the worker is stopping");
      } else {
        const failure = failureOf(error);
        const state = await jobs.fail(job.id, owner, failure);
        if (state === "FAILED") deps.metrics?.finished(job.kind, "FAILED");
        log.warn({ jobId: job.id, kind: job.kind, code: failure.code, state, err: scrubError(error) }, "job attempt failed");
      }
    } finally {
      clearInterval(renewal);
    }
  }

  function launch(job: JobRow): void {
    const controller = new AbortController();
    const done = execute(job, controller)
      .catch((error: unknown) => log.error({ err: error, jobId: job.id }, "job outcome not recorded"))
      .finally(() => {
        runningJobs.delete(job.id);
        // A slot came free: look for the next job now rather than at the next poll.
        if (!loop.stopped()) kick();
      });
    runningJobs.set(job.id, { controller, done });
  }

  /** Claims jobs into free slots and starts their runners; answers how many started. */
  async function claimFree(): Promise<number> {
    let startedJobs = 0;
    while (!loop.stopped() && runningJobs.size < settings.concurrency) {
      const job = await jobs.claim(owner, settings.leaseMs, kinds);
      if (!job) break;
      deps.metrics?.claimed(job.kind);
      if (job.state === "FAILED") {
        deps.metrics?.finished(job.kind, "FAILED");
        log.error({ jobId: job.id, kind: job.kind, attempts: job.attempts }, "job failed: its attempts ran out");
        continue;
      }
      launch(job);
      startedJobs++;
    }
    return startedJobs;
  }

  const loop = createPollLoop(claimFree, {
    pollMs: settings.pollMs,
    onError(error) {
      log.error({ err: error }, "job claim failed");
      return "continue";
    },
  });
  const kick = loop.kick;

  return {
    owner,
    /** Claims into free slots once (tests drive the worker with it instead of the timer). */
    runOnce: loop.runOnce,
    kick,
    start: loop.start,
    /** Resolves when every runner started so far has ended. */
    async idle(): Promise<void> {
      while (runningJobs.size > 0 || loop.running()) {
        await loop.running();
        await Promise.all([...runningJobs.values()].map((r) => r.done));
      }
    },
    /** Stops claiming, aborts the runners and waits for them; their jobs go back to the queue. */
    async stop(): Promise<void> {
      await loop.stop();
      for (const { controller } of runningJobs.values()) controller.abort(new WorkerStopping());
      await Promise.all([...runningJobs.values()].map((r) => r.done));
    },
  };
}

export type JobWorker = ReturnType<typeof createJobWorker>;

/**
 * What a job's runner sees: the job as claimed, and `save` to record its cursor and progress
 * after each step (the step's own writes belong in the same transaction when they can; see
 * `step`). A runner that returns has finished the job; one that throws fails this attempt (the
 * job is claimed again until its attempts run out); a lost lease aborts `signal` and makes every
 * later save throw JobLeaseLost, so a replica that was presumed dead stops writing.
 */
import type { Database } from "../../infra/db";
import type { JobKind, JobProgress, jobs } from "./schema";

export type JobRow = typeof jobs.$inferSelect;

export interface JobRunContext {
  job: JobRow;
  /** Aborted when the lease is lost or the process stops. */
  signal: AbortSignal;
  /** Records where to resume and how far it got, only while this runner still holds the lease. */
  save(cursor: Record<string, unknown> | null, progress: JobProgress): Promise<void>;
  /**
   * Runs `work` and the save of cursor and progress in ONE transaction, under the lease: a crash
   * leaves either both or neither, so a resumed job never repeats or skips a step's effects.
   */
  step<T>(work: (tx: Database) => Promise<T>, next: (result: T) => { cursor: Record<string, unknown> | null; progress: JobProgress }): Promise<T>;
}

/** The runner of one kind of job: answers the job's result. */
export type JobRunner = (ctx: JobRunContext) => Promise<Record<string, unknown>>;

export type JobRunners = Partial<Record<JobKind, JobRunner>>;

/** The job's lease went to another runner (this one was presumed dead): stop without writing. */
export class JobLeaseLost extends Error {
  constructor(jobId: string) {
    super(`job ${jobId}: lease lost`);
  }
}

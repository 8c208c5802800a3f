import { Conflict, NotFound } from "../../infra/errors";

export class JobNotFound extends NotFound {
  static override readonly code = "JOB_NOT_FOUND";
  constructor(id: string) {
    super("No such job", { id });
  }
}

/** One unfinished job of a kind per store: the answer names the one already queued or running. */
export class JobAlreadyRunning extends Conflict {
  static override readonly code = "JOB_ALREADY_RUNNING";
  constructor(kind: string, storeId: string | null, jobId: string) {
    super(`A ${kind} job is already queued or running for this store`, { jobId, kind, storeId });
  }
}

/**
 * A runner's failure with a stable code: FAILED at once when it will not go away by trying again
 * (the store is gone, its marketplace cannot list), retried otherwise.
 */
export class JobFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly retry = false,
  ) {
    super(message);
    this.name = "JobFailure";
  }
}

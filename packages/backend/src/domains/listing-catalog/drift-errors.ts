import { Conflict } from "../../infra/errors";

/** A second check (or import) of the same kind while one is queued or running for the store. */
export class JobAlreadyRunning extends Conflict {
  static override readonly code = "JOB_ALREADY_RUNNING";
  constructor(jobId: string, kind: string) {
    super("A job of this kind is already queued or running for this store", { jobId, kind });
  }
}

/** Why a drift check cannot run for its store; the job fails with this code. */
export class DriftCheckNotPossible extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "DriftCheckNotPossible";
  }
}

/** Why a drift check cannot run for its store (the job fails with this code): not a client error, so not an AppError. */
export class DriftCheckNotPossible extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "DriftCheckNotPossible";
  }
}

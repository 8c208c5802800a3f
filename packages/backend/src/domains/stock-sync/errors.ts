import { NotFound } from "../../infra/errors";

/** Only an open dead letter can be retried; a resolved or unknown one answers the same. */
export class DeadLetterNotFound extends NotFound {
  static override readonly code = "DEAD_LETTER_NOT_FOUND";
  constructor(id: string) {
    super("No such open dead letter", { id });
  }
}

import { MarketplaceError } from "../errors";

/**
 * A command Trendyol documents but that we cannot send as given (a rejection whose reason needs
 * evidence files, a line id that is not a number, no package holding the lines): nothing was sent,
 * and sending it again unchanged cannot help. Staff see the reasons.
 */
export class TrendyolCommandUnsendable extends MarketplaceError {
  static override readonly code = "MARKETPLACE_COMMAND_UNSENDABLE";
  static override readonly status = 422;
  readonly fate = "REFUSED";
  readonly permanent = true;
  constructor(readonly reasons: string[]) {
    super(`TRENDYOL command not sent: ${reasons.join("; ")}`, "TRENDYOL", null);
  }
}

import { AppError, ValidationFailed } from "../../infra/errors";
import type { MarketplaceName, SubmissionReceipt } from "./types";

/**
 * What became of a write when a marketplace call failed (MARKETPLACES.md, "Retries"):
 * REFUSED  the marketplace provably did not process it (429, a documented 4xx): safe to send again;
 * UNKNOWN  it may have been processed (5xx, timeout, dropped connection): poll or recompute
 *          from current state before sending again, never blindly replay.
 */
export type WriteFate = "REFUSED" | "UNKNOWN";

/** How far a multi-batch push got before the failure, so no mark is lost. */
export interface PushProgress {
  /** Batches accepted before the failure: store and poll them like any receipt. */
  submitted: SubmissionReceipt[];
  /** Barcodes of the failed batch when its fate is UNKNOWN: they may or may not have been applied. */
  inDoubt: string[];
  /** Barcodes never processed: the failed batch when REFUSED, and every later batch. */
  unsent: string[];
}

/** A marketplace call failed; the class says what became of the write (its fate). */
export abstract class MarketplaceError extends AppError {
  abstract readonly fate: WriteFate;
  progress?: PushProgress;

  constructor(
    message: string,
    readonly marketplace: MarketplaceName,
    /** The marketplace's HTTP status; null when no answer came. */
    readonly httpStatus: number | null,
  ) {
    super(message, { marketplace, httpStatus });
  }
}

/** 429: refused before processing. Send again after retryAfterMs (when the marketplace said so). */
export class MarketplaceRateLimited extends MarketplaceError {
  static override readonly code = "MARKETPLACE_RATE_LIMITED";
  static override readonly status = 503;
  readonly fate = "REFUSED";
  constructor(marketplace: MarketplaceName, readonly retryAfterMs?: number) {
    super(`${marketplace} refused the request: too many requests`, marketplace, 429);
  }
}

/**
 * A documented 4xx: refused before processing. `permanent` means sending the same thing again
 * cannot help (bad credentials, a malformed batch) until something else changes.
 */
export class MarketplaceRefused extends MarketplaceError {
  static override readonly code: string = "MARKETPLACE_REFUSED";
  static override readonly status = 502;
  readonly fate = "REFUSED";
  constructor(
    marketplace: MarketplaceName,
    httpStatus: number,
    readonly reasons: string[],
    readonly permanent: boolean,
  ) {
    super(`${marketplace} refused the request (${httpStatus}): ${reasons.join("; ") || "no reason given"}`, marketplace, httpStatus);
  }
}

/** 401/403, or a token endpoint refusing the credentials: nothing will pass until the store's credentials change. */
export class MarketplaceAuthFailed extends MarketplaceRefused {
  static override readonly code = "MARKETPLACE_AUTH_FAILED";
  constructor(marketplace: MarketplaceName, httpStatus: number, reasons: string[]) {
    super(marketplace, httpStatus, reasons, true);
  }
}

/** 404: the endpoint or the seller account does not exist at this base URL. */
export class MarketplaceNotFound extends MarketplaceRefused {
  static override readonly code = "MARKETPLACE_NOT_FOUND";
  constructor(marketplace: MarketplaceName, httpStatus: number, reasons: string[]) {
    super(marketplace, httpStatus, reasons, true);
  }
}

/** A 200 whose body says the request was rejected (N11 reports refusals this way). */
export class MarketplaceRejected extends MarketplaceRefused {
  static override readonly code = "MARKETPLACE_REJECTED";
  constructor(marketplace: MarketplaceName, httpStatus: number, reasons: string[]) {
    super(marketplace, httpStatus, reasons, true);
  }
}

/**
 * The marketplace already took this exact body within its duplicate window (Trendyol: 15
 * minutes), so this request was refused and changed nothing. The earlier request holds the same
 * values: rely on its receipt, or recompute after retryAfterMs (by then the values either
 * changed, so the body differs, or equal the last confirmed ones and are not sent).
 */
export class MarketplaceDuplicateRequest extends MarketplaceError {
  static override readonly code = "MARKETPLACE_DUPLICATE_REQUEST";
  static override readonly status = 502;
  readonly fate = "REFUSED";
  constructor(marketplace: MarketplaceName, readonly retryAfterMs: number, readonly reasons: string[]) {
    super(`${marketplace} refused an identical repeat of a recent request`, marketplace, 400);
  }
}

/**
 * Trendyol keeps at most 15 webhooks per seller (PASSIVE ones included) and none of them is ours:
 * another can only be made by deleting one of the seller's, which is the seller's choice, never ours.
 * `httpStatus` is Trendyol's answer to a create (400), or null when the list showed the limit.
 */
export class MarketplaceWebhookLimitReached extends MarketplaceError {
  static override readonly code = "MARKETPLACE_WEBHOOK_LIMIT_REACHED";
  static override readonly status = 502;
  readonly fate = "REFUSED";
  constructor(marketplace: MarketplaceName, readonly limit: number, httpStatus: number | null, readonly reasons: string[] = []) {
    super(`${marketplace} already holds ${limit} webhooks for this seller, none of them ours; delete one in the seller's account to make room`, marketplace, httpStatus);
  }
}

/**
 * A command that lacks what the marketplace's call needs (Hepsiburada takes an invoice only as a
 * link, an in-transit step only with its tracking number): refused before a call is made, so nothing
 * was processed, and sending the same command again cannot help. No HTTP status: no call was made.
 */
export class MarketplaceCommandIncomplete extends MarketplaceError {
  static override readonly code = "MARKETPLACE_COMMAND_INCOMPLETE";
  static override readonly status = 422;
  readonly fate = "REFUSED";
  /** False when it may become sendable by itself (the marketplace has not listed the package yet): tried again later. */
  readonly permanent: boolean;
  constructor(marketplace: MarketplaceName, readonly reasons: string[], options: { permanent?: boolean } = {}) {
    super(`${marketplace} cannot take this command: ${reasons.join("; ")}`, marketplace, null);
    this.permanent = options.permanent ?? true;
  }
}

/**
 * The token call failed in a way that says nothing about our credentials (5xx, timeout, an answer
 * without a token). Nothing else was sent, so a write that needed it was provably not processed.
 */
export class PazaramaTokenUnavailable extends MarketplaceError {
  static override readonly code = "MARKETPLACE_TOKEN_UNAVAILABLE";
  static override readonly status = 502;
  readonly fate = "REFUSED";
  constructor(httpStatus: number | null, detail: string) {
    super(`PAZARAMA gave no access token (${detail}); the request was not sent`, "PAZARAMA", httpStatus);
  }
}

export type UnknownOutcomeCause = "SERVER_ERROR" | "TIMEOUT" | "CONNECTION" | "UNREADABLE_ANSWER";

/** 5xx, timeout, dropped connection or an answer we cannot read: the write may have happened. */
export class MarketplaceOutcomeUnknown extends MarketplaceError {
  static override readonly code = "MARKETPLACE_OUTCOME_UNKNOWN";
  static override readonly status = 502;
  readonly fate = "UNKNOWN";
  constructor(marketplace: MarketplaceName, readonly failure: UnknownOutcomeCause, httpStatus: number | null, detail: string) {
    super(`${marketplace} call ended without a usable answer (${failure}): ${detail}; poll or recompute before sending again`, marketplace, httpStatus);
  }
}

/** Refusals of ours, before any call: the store's settings or the caller's input cannot be used. */
export class MarketplaceNotSupported extends ValidationFailed {
  static override readonly code = "MARKETPLACE_NOT_SUPPORTED";
  constructor(type: string) {
    super(`No marketplace adapter for ${type} stores yet`, { type });
  }
}

export class MarketplaceSettingsMissing extends ValidationFailed {
  static override readonly code = "MARKETPLACE_SETTINGS_MISSING";
  constructor(type: string, missing: readonly string[]) {
    super(`A ${type} store needs ${missing.join(", ")} to reach its marketplace`, { missing: [...missing] });
  }
}

export class MarketplaceConfigInvalid extends ValidationFailed {
  static override readonly code = "MARKETPLACE_CONFIG_INVALID";
  /** `label`: the marketplace as sellers write it (PttAVM, Hepsiburada). */
  constructor(label: string, problems: readonly string[]) {
    super(`The ${label} settings are not usable`, { problems: [...problems] });
  }
}

/** A receipt handed to an adapter that did not issue it. */
export class MarketplaceMismatch extends ValidationFailed {
  static override readonly code = "MARKETPLACE_MISMATCH";
  constructor(message: string, details: { marketplace: string; batchId?: string }) {
    super(message, details);
  }
}

export class MarketplaceReceiptInvalid extends ValidationFailed {
  static override readonly code = "MARKETPLACE_RECEIPT_INVALID";
  constructor(message: string, batchId: string) {
    super(message, { batchId });
  }
}

/** An order page token we did not issue (or one from another marketplace). */
export class MarketplacePageInvalid extends ValidationFailed {
  static override readonly code = "MARKETPLACE_PAGE_INVALID";
  /** `label` names the marketplace in the message; without it the adapter speaks for itself. */
  constructor(page: string, label?: string) {
    super(label === undefined ? "The order page token is not one this adapter issued" : `This ${label} order page token is not one we issued`, { page });
  }
}

export class MarketplaceWindowInvalid extends ValidationFailed {
  static override readonly code = "MARKETPLACE_WINDOW_INVALID";
  constructor() {
    super("since and until must be dates");
  }
}

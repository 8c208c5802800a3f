import { AppError } from "../../infra/errors";
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

export abstract class MarketplaceError extends AppError {
  abstract readonly fate: WriteFate;
  progress?: PushProgress;

  constructor(
    code: string,
    status: number,
    message: string,
    readonly marketplace: MarketplaceName,
    /** The marketplace's HTTP status; null when no answer came. */
    readonly httpStatus: number | null,
  ) {
    super(code, status, message, { marketplace, httpStatus });
  }
}

/** 429: refused before processing. Send again after retryAfterMs (when the marketplace said so). */
export class MarketplaceRateLimited extends MarketplaceError {
  readonly fate = "REFUSED";
  constructor(marketplace: MarketplaceName, readonly retryAfterMs?: number) {
    super("MARKETPLACE_RATE_LIMITED", 503, `${marketplace} refused the request: too many requests`, marketplace, 429);
  }
}

/**
 * A documented 4xx: refused before processing. `permanent` means sending the same thing again
 * cannot help (bad credentials, a malformed batch) until something else changes.
 */
export class MarketplaceRefused extends MarketplaceError {
  readonly fate = "REFUSED";
  constructor(
    marketplace: MarketplaceName,
    httpStatus: number,
    readonly reasons: string[],
    readonly permanent: boolean,
    code = "MARKETPLACE_REFUSED",
  ) {
    super(code, 502, `${marketplace} refused the request (${httpStatus}): ${reasons.join("; ") || "no reason given"}`, marketplace, httpStatus);
  }
}

/**
 * The marketplace already took this exact body within its duplicate window (Trendyol: 15
 * minutes), so this request was refused and changed nothing. The earlier request holds the same
 * values: rely on its receipt, or recompute after retryAfterMs (by then the values either
 * changed, so the body differs, or equal the last confirmed ones and are not sent).
 */
export class MarketplaceDuplicateRequest extends MarketplaceError {
  readonly fate = "REFUSED";
  constructor(marketplace: MarketplaceName, readonly retryAfterMs: number, readonly reasons: string[]) {
    super("MARKETPLACE_DUPLICATE_REQUEST", 502, `${marketplace} refused an identical repeat of a recent request`, marketplace, 400);
  }
}

export type UnknownOutcomeCause = "SERVER_ERROR" | "TIMEOUT" | "CONNECTION" | "UNREADABLE_ANSWER";

/** 5xx, timeout, dropped connection or an answer we cannot read: the write may have happened. */
export class MarketplaceOutcomeUnknown extends MarketplaceError {
  readonly fate = "UNKNOWN";
  constructor(marketplace: MarketplaceName, readonly failure: UnknownOutcomeCause, httpStatus: number | null, detail: string) {
    super(
      "MARKETPLACE_OUTCOME_UNKNOWN",
      502,
      `${marketplace} call ended without a usable answer (${failure}): ${detail}; poll or recompute before sending again`,
      marketplace,
      httpStatus,
    );
  }
}

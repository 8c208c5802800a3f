/**
 * One claimed command, taken as far as it goes (FULFIL.md, "Command flow"):
 * PENDING is sent: CONFIRMED (the answer says done) or SENT (accepted, confirmed later by observe);
 * a permanent refusal is FAILED with the marketplace's reason (a dead letter for staff); a
 * retryable refusal (429, a duplicate window, a token call that failed before anything was sent)
 * goes back to PENDING with backoff until the budget is spent; no answer (5xx, timeout) stays
 * SENDING in doubt. SENDING (in doubt, or a worker that died holding it) is observed before a
 * resend: APPLIED -> CONFIRMED, PASSED -> OVERTAKEN, NOT_APPLIED -> sent, UNKNOWN -> sent only
 * when the step is repeatSafe, else observed again later. SENT is observed until APPLIED or PASSED.
 * Every call first takes a token from the store's buckets for the kind's rate-limit group.
 */
import type { Logger } from "../../infra/logger";
import type { CommandObservation, OrderCommand, OrderCommandPort } from "../marketplace/order-commands";
import { MarketplaceCommandIncomplete, MarketplaceDuplicateRequest, MarketplaceError, MarketplaceRateLimited, MarketplaceRefused, PazaramaTokenUnavailable } from "../marketplace/service";
import type { RateLimiter } from "../stock-sync/token-bucket";
import { bucketsFor } from "../stock-sync/token-bucket";
import type { CommandChannel } from "./command-ports";
import { type Claimed, type Outcome } from "./command-queue";
import type { CommandMetrics, SendOutcome } from "./command-metrics";

export type Failpoint = "after-commit" | "after-accept";

/** Thrown at a failpoint: the worker stops as if its process died there. */
export class FailpointReached extends Error {
  constructor(readonly failpoint: Failpoint) {
    super(`order command failpoint ${failpoint} reached`);
  }
}

export interface SendSettings {
  /** Sends of a command refused retryably before it is a dead letter. */
  attemptBudget: number;
  retryBaseMs: number;
  maxBackoffMs: number;
  failpoint?: Failpoint;
}

export interface SendDeps {
  limiter: Pick<RateLimiter, "tryTake">;
  metrics: CommandMetrics;
  log: Logger;
  settings: SendSettings;
  now(): number;
}

type Port = OrderCommandPort;

const backoff = (settings: SendSettings, attempt: number) => Math.min(settings.maxBackoffMs, settings.retryBaseMs * 2 ** Math.max(0, attempt));

/** A refusal sending again can help: rate limits, a duplicate window, a token call that failed before the write, a refusal the adapter calls passing. */
function retryable(error: MarketplaceError): boolean {
  if (error instanceof MarketplaceRateLimited || error instanceof MarketplaceDuplicateRequest || error instanceof PazaramaTokenUnavailable) return true;
  return (error instanceof MarketplaceRefused || error instanceof MarketplaceCommandIncomplete) && !error.permanent;
}

function retryAfter(error: MarketplaceError): number | undefined {
  if (error instanceof MarketplaceRateLimited || error instanceof MarketplaceDuplicateRequest) return error.retryAfterMs;
  return undefined;
}

function reasonOf(error: unknown): string {
  if ((error instanceof MarketplaceRefused || error instanceof MarketplaceCommandIncomplete) && error.reasons.length > 0) return error.reasons.join("; ");
  return error instanceof Error ? error.message : String(error);
}

/** The outcome for this claimed command (to be settled under its lease), or "wait" with when the buckets allow a call. */
export async function advance(deps: SendDeps, claimed: Claimed, channel: CommandChannel & { port: Port }, command: OrderCommand): Promise<Outcome> {
  const { port } = channel;
  const at = () => new Date(deps.now());
  const count = (outcome: SendOutcome) => deps.metrics.sent.inc({ marketplace: channel.marketplace, kind: command.kind, outcome });
  const token = async (): Promise<Outcome | undefined> => {
    const buckets = channel.profile ? bucketsFor({ marketplace: channel.marketplace, storeKey: channel.storeId, profile: channel.profile, group: port.groupOf(command.kind) }) : [];
    const { granted, waitMs } = await deps.limiter.tryTake(buckets);
    // Not our turn: the command goes back as it was, for when the buckets hold a token.
    return granted ? undefined : { state: claimed.prior, nextAttemptAt: new Date(deps.now() + Math.max(waitMs, 1)), leaseUntil: null };
  };

  if (claimed.prior !== "PENDING") {
    const wait = await token();
    if (wait) return wait;
    const seen = await observe(port, command, deps.log);
    if (seen === "APPLIED") {
      count("observed_applied");
      return { state: "CONFIRMED", confirmedAt: at() };
    }
    if (seen === "PASSED") {
      count("observed_passed");
      return { state: "OVERTAKEN", reason: "the marketplace's order was already past this step" };
    }
    const support = port.support(command.kind);
    const resend = claimed.prior === "SENDING" && (seen === "NOT_APPLIED" || (support.supported && support.repeatSafe));
    if (!resend) {
      const next = new Date(deps.now() + backoff(deps.settings, claimed.row.attempts));
      // Still in doubt: the lease runs to the next look so no one sends it meanwhile.
      return { state: claimed.prior, nextAttemptAt: next, leaseUntil: claimed.prior === "SENDING" ? next : null };
    }
    // Known not applied (or safe to repeat): if the send must wait for a token it waits as PENDING, so the
    // next claim sends without a second look. Else every look would eat the token the send needs, and a
    // store with more commands in doubt than its bucket holds would look at them forever.
    return send(deps, claimed, port, command, async () => {
      const wait = await token();
      return wait && { ...wait, state: "PENDING" };
    }, count);
  }
  return send(deps, claimed, port, command, token, count);
}

async function observe(port: Port, command: OrderCommand, log: Logger): Promise<CommandObservation> {
  try {
    return await port.observe(command);
  } catch (error) {
    log.warn({ err: error, kind: command.kind }, "an order command's state could not be read at the marketplace");
    return "UNKNOWN";
  }
}

async function send(
  deps: SendDeps,
  claimed: Claimed,
  port: Port,
  command: OrderCommand,
  token: () => Promise<Outcome | undefined>,
  count: (outcome: SendOutcome) => void,
): Promise<Outcome> {
  const { settings } = deps;
  if (settings.failpoint === "after-commit") throw new FailpointReached("after-commit");
  const wait = await token();
  if (wait) return wait;
  const attempts = claimed.row.attempts + 1;
  try {
    const answer = await port.send(command);
    if (settings.failpoint === "after-accept") throw new FailpointReached("after-accept");
    const sentAt = new Date(deps.now());
    if (answer.outcome === "CONFIRMED") {
      count("confirmed");
      return { state: "CONFIRMED", sentAt, confirmedAt: sentAt, reference: answer.reference ?? null, sent: true, httpStatus: null, reason: null };
    }
    count("accepted");
    return { state: "SENT", sentAt, reference: answer.reference ?? null, sent: true, nextAttemptAt: new Date(deps.now() + settings.retryBaseMs), httpStatus: null, reason: null };
  } catch (error) {
    if (error instanceof FailpointReached) throw error;
    const httpStatus = error instanceof MarketplaceError ? error.httpStatus : null;
    if (error instanceof MarketplaceError && error.fate === "REFUSED") {
      if (retryable(error) && attempts < settings.attemptBudget) {
        count("retried");
        const next = new Date(deps.now() + (retryAfter(error) ?? backoff(settings, attempts - 1)));
        return { state: "PENDING", nextAttemptAt: next, httpStatus, reason: reasonOf(error), sent: true };
      }
      count("refused");
      const spent = retryable(error) ? ` (after ${attempts} attempts)` : "";
      return { state: "FAILED", httpStatus, reason: `${reasonOf(error)}${spent}`, sent: true };
    }
    // No answer (or a failure of ours mid-call): it may have been applied; observed before it is sent again.
    count("unknown");
    deps.log.warn({ err: error, kind: command.kind, commandId: claimed.row.id }, "an order command got no usable answer: it is observed before it is sent again");
    const next = new Date(deps.now() + backoff(settings, attempts - 1));
    return { state: "SENDING", nextAttemptAt: next, leaseUntil: next, httpStatus, reason: reasonOf(error), sent: true };
  }
}

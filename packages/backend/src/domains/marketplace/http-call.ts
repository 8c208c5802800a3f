/**
 * The HTTP plumbing every adapter shares, so a fix to it lands for all five marketplaces: a fetch
 * with a deadline whose transport failures become OutcomeUnknown, the JSON answer read one way,
 * the status -> error ladder (MARKETPLACES.md, "Retries"), and exactly one ApiCall report per
 * call. What differs per marketplace (headers, reason formats, its own refusals) is passed in.
 */
import type { ApiCallHook } from "./adapter";
import { AnswerTooLarge, readCappedText, SAFE_FETCH } from "./answer-body";
import { MarketplaceAuthFailed, MarketplaceError, MarketplaceNotFound, MarketplaceOutcomeUnknown, MarketplaceRateLimited, MarketplaceRefused } from "./errors";
import { parseJson } from "./json";
import type { ApiCallType, MarketplaceName } from "./types";

/** An answer as it came off the wire. */
export interface RawAnswer {
  status: number;
  headers: Headers;
  text: string;
}

/** A 2xx answer whose body is JSON. */
export interface JsonAnswer {
  status: number;
  body: unknown;
}

/** What goes into the call log about one call. */
export interface LoggedCall {
  callType: ApiCallType;
  itemCount: number;
  batchId?: string;
  /** Reads the batch / task id out of a successful answer, for the call log. */
  batchIdFrom?: (body: unknown) => string | undefined;
}

/** Joined, not resolved: a base URL with a path prefix keeps it. */
export function joinUrl(baseUrl: string, path: string, query?: Record<string, string>): string {
  const url = `${baseUrl.replace(/\/+$/, "")}${path}`;
  const search = query ? new URLSearchParams(query).toString() : "";
  return search ? `${url}?${search}` : url;
}

/** The marketplace's own (auth) headers, then JSON accept, and a content type only when a body goes out. */
export function jsonHeaders(own: Record<string, string>, body: string | undefined): Record<string, string> {
  return { ...own, accept: "application/json", ...(body === undefined ? {} : { "content-type": "application/json" }) };
}

/** Retry-After as seconds or an HTTP date; most marketplaces document none, but one is honoured if it comes. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
}

/**
 * One request with a deadline, read to the end. No answer (timeout, dropped connection, a body
 * cut off) means the write may or may not have happened: OutcomeUnknown, never a refusal.
 */
export async function sendWithDeadline(
  marketplace: MarketplaceName,
  wire: { fetch: typeof fetch; timeoutMs: number },
  url: string,
  request: { method: string; headers: Record<string, string>; body?: string },
): Promise<RawAnswer> {
  try {
    const response = await wire.fetch(url, { ...SAFE_FETCH, method: request.method, headers: request.headers, body: request.body, signal: AbortSignal.timeout(wire.timeoutMs) });
    return { status: response.status, headers: response.headers, text: await readCappedText(response) };
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    if (error instanceof AnswerTooLarge) throw new MarketplaceOutcomeUnknown(marketplace, "UNREADABLE_ANSWER", null, detail);
    throw new MarketplaceOutcomeUnknown(marketplace, isTimeout(error) ? "TIMEOUT" : "CONNECTION", null, detail);
  }
}

/**
 * A non-2xx answer -> the error thrown for it; a 2xx whose body is not JSON -> OutcomeUnknown;
 * `refusalIn` finds a refusal a marketplace sends with HTTP 200 (N11's REJECT, `success:false`).
 */
export function readJsonAnswer(
  marketplace: MarketplaceName,
  raw: RawAnswer,
  errorFor: (raw: RawAnswer, body: unknown) => MarketplaceError,
  refusalIn?: (body: unknown) => MarketplaceError | undefined,
): JsonAnswer {
  const body = parseJson(raw.text);
  if (raw.status < 200 || raw.status > 299) throw errorFor(raw, body);
  if (body === undefined) throw new MarketplaceOutcomeUnknown(marketplace, "UNREADABLE_ANSWER", raw.status, "the answer is not JSON");
  const refusal = refusalIn?.(body);
  if (refusal) throw refusal;
  return { status: raw.status, body };
}

export interface StatusRules {
  /** The wait a 429 names, read only for a 429; undefined when it names none. */
  retryAfterMs: () => number | undefined;
  /** The marketplace's own reading (a duplicate body, a spacing rule, a limit sent as 403), tried after 429 and 5xx. */
  own?: () => MarketplaceError | undefined;
}

/**
 * 429 -> RateLimited; 5xx -> OutcomeUnknown; the marketplace's own rules; 401/403 -> Refused
 * MARKETPLACE_AUTH_FAILED; 404 -> MARKETPLACE_NOT_FOUND; another 4xx, or a refusal sent with HTTP
 * 200, -> Refused, permanent (the same request again cannot help); anything else is unreadable.
 */
export function errorForStatus(marketplace: MarketplaceName, status: number, reasons: string[], rules: StatusRules): MarketplaceError {
  if (status === 429) return new MarketplaceRateLimited(marketplace, rules.retryAfterMs());
  if (status >= 500) return new MarketplaceOutcomeUnknown(marketplace, "SERVER_ERROR", status, reasons.join("; ") || `HTTP ${status}`);
  const own = rules.own?.();
  if (own) return own;
  if (status === 401 || status === 403) return new MarketplaceAuthFailed(marketplace, status, reasons);
  if (status === 404) return new MarketplaceNotFound(marketplace, status, reasons);
  if (status >= 400 || status === 200) return new MarketplaceRefused(marketplace, status, reasons, true);
  return new MarketplaceOutcomeUnknown(marketplace, "UNREADABLE_ANSWER", status, `unexpected HTTP ${status}`);
}

/** The call log of one call, its clock started now. */
export function callReport(marketplace: MarketplaceName, onCall: ApiCallHook | undefined, call: LoggedCall) {
  const started = performance.now();
  const report = (httpStatus: number | null, error?: string, batchId = call.batchId): void => {
    try {
      onCall?.({
        marketplace,
        callType: call.callType,
        httpStatus,
        durationMs: Math.round(performance.now() - started),
        itemCount: call.itemCount,
        ...(batchId === undefined ? {} : { batchId }),
        ...(error === undefined ? {} : { error }),
      });
    } catch {
      // The log hook is an observer: its failure must not turn a sent request into an unknown one.
    }
  };
  return {
    report,
    answered: (answer: JsonAnswer) => report(answer.status, undefined, call.batchIdFrom?.(answer.body) ?? call.batchId),
    /** `answeredStatus`: the status the marketplace sent, when the error carries another one. */
    failed(error: unknown, answeredStatus: number | null = null): void {
      if (error instanceof MarketplaceError) report(answeredStatus ?? error.httpStatus, error.code);
      else report(null, error instanceof Error ? error.name : "UNKNOWN");
    },
  };
}

/** Runs one exchange and reports it exactly once, answered or failed; the failure is rethrown. */
export async function reportedCall(
  marketplace: MarketplaceName,
  onCall: ApiCallHook | undefined,
  call: LoggedCall,
  exchange: () => Promise<JsonAnswer>,
  answeredStatus: () => number | null = () => null,
): Promise<JsonAnswer> {
  const log = callReport(marketplace, onCall, call);
  try {
    const answer = await exchange();
    log.answered(answer);
    return answer;
  } catch (error) {
    log.failed(error, answeredStatus());
    throw error;
  }
}

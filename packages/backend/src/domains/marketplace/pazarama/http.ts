import type { ApiCallHook } from "../adapter";
import { MarketplaceError, MarketplaceOutcomeUnknown, MarketplaceRateLimited, MarketplaceRefused } from "../errors";
import type { ApiCallType } from "../types";
import type { PazaramaTokens } from "./token";
import { isRecord, parseJson, reasonsOf, retryAfterMs } from "./wire";

export interface PazaramaCall {
  method: "GET" | "POST";
  /** Relative to the API host. */
  path: string;
  query?: Record<string, string>;
  body?: string;
  callType: ApiCallType;
  itemCount: number;
  batchId?: string;
  batchIdFrom?: (body: unknown) => string | undefined;
}

export interface PazaramaTransport {
  apiBaseUrl: string;
  timeoutMs: number;
  /** What a write refused for spacing waits when the answer names no time. */
  writeSpacingMs: number;
  fetch: typeof fetch;
  onCall?: ApiCallHook;
  tokens: PazaramaTokens;
}

interface RawAnswer {
  status: number;
  headers: Headers;
  text: string;
}

/** The write-spacing rule's answer is undocumented: recognised by wording when it comes as HTTP 200 success:false. */
const SPACING = /10 saniye|saniye bekle|çok fazla istek|too many requests|rate limit/i;

/**
 * HTTP status (or an HTTP-200 `success:false`) -> error:
 * 429 or a spacing message -> RateLimited (REFUSED); 5xx -> OutcomeUnknown; 401/403 -> Refused
 * permanent MARKETPLACE_AUTH_FAILED; 404 -> MARKETPLACE_NOT_FOUND; other 4xx and success:false ->
 * Refused permanent (sending the same body again cannot help).
 */
export function refusalFor(answer: RawAnswer, body: unknown, spacingMs: number): MarketplaceError {
  const { status } = answer;
  const reasons = reasonsOf(body, answer.text);
  if (status === 429) return new MarketplaceRateLimited("PAZARAMA", retryAfterMs(answer.headers.get("retry-after")) ?? spacingMs);
  if (status >= 500) return new MarketplaceOutcomeUnknown("PAZARAMA", "SERVER_ERROR", status, reasons.join("; ") || `HTTP ${status}`);
  if (reasons.some((r) => SPACING.test(r))) return new MarketplaceRateLimited("PAZARAMA", spacingMs);
  if (status === 401 || status === 403) return new MarketplaceRefused("PAZARAMA", status, reasons, true, "MARKETPLACE_AUTH_FAILED");
  if (status === 404) return new MarketplaceRefused("PAZARAMA", status, reasons, true, "MARKETPLACE_NOT_FOUND");
  if (status >= 400 || status === 200) return new MarketplaceRefused("PAZARAMA", status, reasons, true);
  return new MarketplaceOutcomeUnknown("PAZARAMA", "UNREADABLE_ANSWER", status, `unexpected HTTP ${status}`);
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
}

function urlOf(transport: PazaramaTransport, call: PazaramaCall): string {
  const url = `${transport.apiBaseUrl.replace(/\/+$/, "")}${call.path}`;
  const query = call.query ? new URLSearchParams(call.query).toString() : "";
  return query ? `${url}?${query}` : url;
}

async function send(transport: PazaramaTransport, call: PazaramaCall, token: string): Promise<RawAnswer> {
  try {
    const response = await transport.fetch(urlOf(transport, call), {
      method: call.method,
      headers: {
        authorization: `Bearer ${token}`,
        accept: "application/json",
        ...(call.body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: call.body,
      signal: AbortSignal.timeout(transport.timeoutMs),
    });
    return { status: response.status, headers: response.headers, text: await response.text() };
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new MarketplaceOutcomeUnknown("PAZARAMA", isTimeout(error) ? "TIMEOUT" : "CONNECTION", null, detail);
  }
}

function interpret(transport: PazaramaTransport, answer: RawAnswer): { status: number; body: unknown } {
  const body = parseJson(answer.text);
  if (answer.status < 200 || answer.status > 299) throw refusalFor(answer, body, transport.writeSpacingMs);
  if (body === undefined) throw new MarketplaceOutcomeUnknown("PAZARAMA", "UNREADABLE_ANSWER", answer.status, "the answer is not JSON");
  // HTTP 200 with success:false is a refusal before processing, not an acceptance.
  if (isRecord(body) && body.success === false) throw refusalFor({ ...answer, status: 200 }, body, transport.writeSpacingMs);
  return { status: answer.status, body };
}

/** One HTTP exchange, reported once through onCall; a 401 comes back raw so the caller can refresh. */
async function exchange(transport: PazaramaTransport, call: PazaramaCall, token: string, lastTry: boolean): Promise<{ status: number; body: unknown } | "UNAUTHORISED"> {
  const started = performance.now();
  const report = (httpStatus: number | null, error?: string, batchId = call.batchId) => {
    try {
      transport.onCall?.({
        marketplace: "PAZARAMA",
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
  try {
    const raw = await send(transport, call, token);
    if (raw.status === 401 && !lastTry) {
      report(401, "MARKETPLACE_TOKEN_REJECTED");
      return "UNAUTHORISED";
    }
    const answer = interpret(transport, raw);
    report(answer.status, undefined, call.batchIdFrom?.(answer.body) ?? call.batchId);
    return answer;
  } catch (error) {
    if (error instanceof MarketplaceError) report(error.httpStatus, error.code);
    else report(null, error instanceof Error ? error.name : "UNKNOWN");
    throw error;
  }
}

/**
 * One API call with a Bearer token and a deadline. A 401 means the token was refused before the
 * request was looked at (expired or revoked early): the token is refreshed once and the request
 * sent once more; a second 401 is final. Failures become MarketplaceErrors.
 */
export async function pazaramaRequest(transport: PazaramaTransport, call: PazaramaCall): Promise<{ status: number; body: unknown }> {
  const token = await transport.tokens.get();
  const first = await exchange(transport, call, token, false);
  if (first !== "UNAUTHORISED") return first;
  transport.tokens.invalidate(token);
  const second = await exchange(transport, call, await transport.tokens.get(), true);
  if (second === "UNAUTHORISED") throw new Error("unreachable: the last try maps 401 to an error");
  return second;
}

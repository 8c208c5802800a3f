import type { ApiCallHook } from "../adapter";
import { type MarketplaceError, MarketplaceRateLimited } from "../errors";
import { callReport, errorForStatus, joinUrl, jsonHeaders, type LoggedCall, type RawAnswer, readJsonAnswer, retryAfterMs, sendWithDeadline } from "../http-call";
import { isRecord } from "../json";
import type { PazaramaTokens } from "./token";
import { reasonsOf } from "./wire";

export interface PazaramaCall extends LoggedCall {
  method: "GET" | "POST" | "PUT";
  /** Relative to the API host. */
  path: string;
  query?: Record<string, string>;
  body?: string;
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

/** The write-spacing rule's answer is undocumented: recognised by wording when it comes as HTTP 200 success:false. */
const SPACING = /10 saniye|saniye bekle|çok fazla istek|too many requests|rate limit/i;

/**
 * HTTP status (or an HTTP-200 `success:false`) -> error:
 * 429 or a spacing message -> RateLimited (REFUSED); 5xx -> OutcomeUnknown; 401/403 -> Refused
 * permanent MARKETPLACE_AUTH_FAILED; 404 -> MARKETPLACE_NOT_FOUND; other 4xx and success:false ->
 * Refused permanent (sending the same body again cannot help).
 */
export function refusalFor(answer: RawAnswer, body: unknown, spacingMs: number): MarketplaceError {
  const reasons = reasonsOf(body, answer.text);
  return errorForStatus("PAZARAMA", answer.status, reasons, {
    retryAfterMs: () => retryAfterMs(answer.headers.get("retry-after")) ?? spacingMs,
    own: () => (reasons.some((r) => SPACING.test(r)) ? new MarketplaceRateLimited("PAZARAMA", spacingMs) : undefined),
  });
}

function interpret(transport: PazaramaTransport, answer: RawAnswer): { status: number; body: unknown } {
  return readJsonAnswer(
    "PAZARAMA",
    answer,
    (raw, body) => refusalFor(raw, body, transport.writeSpacingMs),
    // HTTP 200 with success:false is a refusal before processing, not an acceptance.
    (body) => (isRecord(body) && body.success === false ? refusalFor({ ...answer, status: 200 }, body, transport.writeSpacingMs) : undefined),
  );
}

/** One HTTP exchange, reported once through onCall; a 401 comes back raw so the caller can refresh. */
async function exchange(transport: PazaramaTransport, call: PazaramaCall, token: string, lastTry: boolean): Promise<{ status: number; body: unknown } | "UNAUTHORISED"> {
  const log = callReport("PAZARAMA", transport.onCall, call);
  try {
    const raw = await sendWithDeadline("PAZARAMA", transport, joinUrl(transport.apiBaseUrl, call.path, call.query), {
      method: call.method,
      headers: jsonHeaders({ authorization: `Bearer ${token}` }, call.body),
      body: call.body,
    });
    if (raw.status === 401 && !lastTry) {
      log.report(401, "MARKETPLACE_TOKEN_REJECTED");
      return "UNAUTHORISED";
    }
    const answer = interpret(transport, raw);
    log.answered(answer);
    return answer;
  } catch (error) {
    log.failed(error);
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

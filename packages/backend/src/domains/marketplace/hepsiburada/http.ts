import type { ApiCallHook } from "../adapter";
import { MarketplaceError, MarketplaceOutcomeUnknown, MarketplaceRateLimited, MarketplaceRefused } from "../errors";
import type { ApiCallType } from "../types";

/** Hepsiburada serves listings and orders from different hosts, with different limit answers. */
export type HepsiburadaService = "listing" | "orders";

export interface HepsiburadaCall {
  service: HepsiburadaService;
  method: "GET" | "POST";
  /** Path with its query string already written. */
  path: string;
  body?: string;
  callType: ApiCallType;
  itemCount: number;
  batchId?: string;
  /** Reads the upload id out of a successful answer, for the call log. */
  batchIdFrom?: (body: unknown) => string | undefined;
}

export interface HepsiburadaTransport {
  listingBaseUrl: string;
  ordersBaseUrl: string;
  authorization: string;
  userAgent: string;
  timeoutMs: number;
  fetch: typeof fetch;
  onCall?: ApiCallHook;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function textOf(reason: unknown): string {
  if (typeof reason === "string") return reason;
  if (isRecord(reason)) {
    const text = reason.message ?? reason.description ?? reason.code ?? reason.key;
    if (typeof text === "string") return text;
  }
  return JSON.stringify(reason);
}

/** Error answers come as `{ errors: [...] }`, problem-details `{ title, detail }`, `{ message }` or plain text. */
export function reasonsOf(text: string): string[] {
  const body = parseJson(text);
  const reasons: string[] = [];
  if (isRecord(body)) {
    if (Array.isArray(body.errors)) reasons.push(...body.errors.map(textOf));
    for (const key of ["detail", "title", "message"] as const) {
      const value = body[key];
      if (reasons.length === 0 && typeof value === "string" && value.length > 0) reasons.push(value);
    }
  }
  if (reasons.length === 0 && body === undefined && text.trim()) reasons.push(text.trim().slice(0, 500));
  return reasons.filter((r) => r.length > 0);
}

/** X-RateLimit-Reset is in seconds (official, order API); Retry-After as seconds or a date if one comes. */
export function retryAfterMs(headers: Headers, now = Date.now()): number | undefined {
  const reset = headers.get("x-ratelimit-reset")?.trim();
  if (reset && /^\d+(\.\d+)?$/.test(reset)) return Math.ceil(Number(reset) * 1000);
  const header = headers.get("retry-after")?.trim();
  if (!header) return undefined;
  if (/^\d+$/.test(header)) return Number(header) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function errorForStatus(service: HepsiburadaService, status: number, text: string, headers: Headers): MarketplaceError {
  const reasons = reasonsOf(text);
  if (status === 429) return new MarketplaceRateLimited("HEPSIBURADA", retryAfterMs(headers));
  // The catalog API answers over-limit calls with 403 (and may block the IP): a limit, not bad credentials.
  if (status === 403 && service === "listing") return new MarketplaceRateLimited("HEPSIBURADA", retryAfterMs(headers));
  if (status >= 500) return new MarketplaceOutcomeUnknown("HEPSIBURADA", "SERVER_ERROR", status, reasons.join("; ") || `HTTP ${status}`);
  if (status === 401 || status === 403) return new MarketplaceRefused("HEPSIBURADA", status, reasons, true, "MARKETPLACE_AUTH_FAILED");
  if (status === 404) return new MarketplaceRefused("HEPSIBURADA", status, reasons, true, "MARKETPLACE_NOT_FOUND");
  if (status >= 400) return new MarketplaceRefused("HEPSIBURADA", status, reasons, true);
  return new MarketplaceOutcomeUnknown("HEPSIBURADA", "UNREADABLE_ANSWER", status, `unexpected HTTP ${status}`);
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
}

async function exchange(transport: HepsiburadaTransport, call: HepsiburadaCall, seen: { status: number | null }): Promise<{ status: number; body: unknown }> {
  const base = call.service === "listing" ? transport.listingBaseUrl : transport.ordersBaseUrl;
  let response: Response;
  let text: string;
  try {
    // Joined, not resolved: a base URL with a path prefix keeps it.
    response = await transport.fetch(`${base.replace(/\/+$/, "")}${call.path}`, {
      method: call.method,
      headers: {
        authorization: transport.authorization,
        "user-agent": transport.userAgent,
        accept: "application/json",
        ...(call.body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: call.body,
      signal: AbortSignal.timeout(transport.timeoutMs),
    });
    text = await response.text();
    seen.status = response.status;
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new MarketplaceOutcomeUnknown("HEPSIBURADA", isTimeout(error) ? "TIMEOUT" : "CONNECTION", null, detail);
  }
  if (response.status < 200 || response.status > 299) throw errorForStatus(call.service, response.status, text, response.headers);
  const body = parseJson(text);
  if (body === undefined) throw new MarketplaceOutcomeUnknown("HEPSIBURADA", "UNREADABLE_ANSWER", response.status, "the answer is not JSON");
  return { status: response.status, body };
}

/** One HTTP call with Basic auth, the User-Agent and a deadline; failures become MarketplaceErrors; every call is reported once. */
export async function hepsiburadaRequest(transport: HepsiburadaTransport, call: HepsiburadaCall): Promise<{ status: number; body: unknown }> {
  const started = performance.now();
  const report = (httpStatus: number | null, error?: string, batchId = call.batchId) => {
    try {
      transport.onCall?.({
        marketplace: "HEPSIBURADA",
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
  // The status as answered: a catalog 403 is thrown as a rate limit but logged as the 403 it was.
  const seen: { status: number | null } = { status: null };
  try {
    const answer = await exchange(transport, call, seen);
    report(answer.status, undefined, call.batchIdFrom?.(answer.body) ?? call.batchId);
    return answer;
  } catch (error) {
    if (error instanceof MarketplaceError) report(seen.status ?? error.httpStatus, error.code);
    else report(null, error instanceof Error ? error.name : "UNKNOWN");
    throw error;
  }
}

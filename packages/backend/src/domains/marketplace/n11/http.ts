import type { ApiCallHook } from "../adapter";
import { MarketplaceError, MarketplaceOutcomeUnknown, MarketplaceRateLimited, MarketplaceRefused } from "../errors";
import type { ApiCallType } from "../types";
import { N11_HEADERS } from "./facts";

export interface N11Call {
  method: "GET" | "POST";
  path: string;
  query?: Record<string, string>;
  body?: string;
  callType: ApiCallType;
  itemCount: number;
  batchId?: string;
  /** Reads the task id out of a successful answer, for the call log. */
  batchIdFrom?: (body: unknown) => string | undefined;
  /** A refusal that arrives with HTTP 200 (N11's REJECT): thrown, and reported as this call's error. */
  refusalIn?: (body: unknown) => MarketplaceError | undefined;
}

export interface N11Transport {
  baseUrl: string;
  appKey: string;
  appSecret: string;
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
    const text = reason.message ?? reason.description ?? reason.reason ?? reason.code;
    if (typeof text === "string") return text;
  }
  return JSON.stringify(reason);
}

/** N11 answers `reasons[]`, `errors[]`, or a Spring-style `{ message, error }`; sometimes plain text. */
export function reasonsOf(body: unknown, text = ""): string[] {
  const reasons: string[] = [];
  if (isRecord(body)) {
    for (const key of ["reasons", "errors"] as const) {
      const list = body[key];
      if (Array.isArray(list)) reasons.push(...list.map(textOf));
    }
    // Spring's `error` is only the status text: the message says more.
    const message = [body.message, body.errorMessage, body.error].find((value) => typeof value === "string" && value.length > 0);
    if (reasons.length === 0 && typeof message === "string") reasons.push(message);
  }
  if (reasons.length === 0 && body === undefined && text.trim()) reasons.push(text.trim().slice(0, 500));
  return reasons.filter((r) => r.length > 0);
}

/** Retry-After as seconds or an HTTP date; N11 documents none, but honour one if it comes. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export function errorForStatus(status: number, body: unknown, text: string, headers: Headers): MarketplaceError {
  const reasons = reasonsOf(body, text);
  if (status === 429) return new MarketplaceRateLimited("N11", retryAfterMs(headers.get("retry-after")));
  if (status >= 500) return new MarketplaceOutcomeUnknown("N11", "SERVER_ERROR", status, reasons.join("; ") || `HTTP ${status}`);
  if (status === 401 || status === 403) return new MarketplaceRefused("N11", status, reasons, true, "MARKETPLACE_AUTH_FAILED");
  if (status === 404) return new MarketplaceRefused("N11", status, reasons, true, "MARKETPLACE_NOT_FOUND");
  if (status >= 400) return new MarketplaceRefused("N11", status, reasons, true);
  return new MarketplaceOutcomeUnknown("N11", "UNREADABLE_ANSWER", status, `unexpected HTTP ${status}`);
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
}

function urlOf(transport: N11Transport, call: N11Call): string {
  // Joined, not resolved: a base URL with a path prefix keeps it.
  const url = `${transport.baseUrl.replace(/\/+$/, "")}${call.path}`;
  const query = call.query ? new URLSearchParams(call.query).toString() : "";
  return query ? `${url}?${query}` : url;
}

async function exchange(transport: N11Transport, call: N11Call): Promise<{ status: number; body: unknown }> {
  let response: Response;
  let text: string;
  try {
    response = await transport.fetch(urlOf(transport, call), {
      method: call.method,
      headers: {
        [N11_HEADERS.appKey]: transport.appKey,
        [N11_HEADERS.appSecret]: transport.appSecret,
        accept: "application/json",
        ...(call.body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: call.body,
      signal: AbortSignal.timeout(transport.timeoutMs),
    });
    text = await response.text();
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new MarketplaceOutcomeUnknown("N11", isTimeout(error) ? "TIMEOUT" : "CONNECTION", null, detail);
  }
  const body = parseJson(text);
  if (response.status < 200 || response.status > 299) throw errorForStatus(response.status, body, text, response.headers);
  if (body === undefined) throw new MarketplaceOutcomeUnknown("N11", "UNREADABLE_ANSWER", response.status, "the answer is not JSON");
  const refusal = call.refusalIn?.(body);
  if (refusal) throw refusal;
  return { status: response.status, body };
}

/** One HTTP call with appkey / appsecret and a deadline; failures become MarketplaceErrors; every call is reported once. */
export async function n11Request(transport: N11Transport, call: N11Call): Promise<{ status: number; body: unknown }> {
  const started = performance.now();
  const report = (httpStatus: number | null, error?: string, batchId = call.batchId) => {
    try {
      transport.onCall?.({
        marketplace: "N11",
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
    const answer = await exchange(transport, call);
    report(answer.status, undefined, call.batchIdFrom?.(answer.body) ?? call.batchId);
    return answer;
  } catch (error) {
    if (error instanceof MarketplaceError) report(error.httpStatus, error.code);
    else report(null, error instanceof Error ? error.name : "UNKNOWN");
    throw error;
  }
}

import type { ApiCallHook } from "../adapter";
import {
  MarketplaceDuplicateRequest,
  MarketplaceError,
  MarketplaceOutcomeUnknown,
  MarketplaceRateLimited,
  MarketplaceRefused,
} from "../errors";
import type { ApiCallType } from "../types";
import { TRENDYOL } from "./facts";

export interface TrendyolCall {
  method: "GET" | "POST";
  path: string;
  body?: string;
  callType: ApiCallType;
  itemCount: number;
  batchId?: string;
  /** Reads the batch id out of a successful answer, for the call log. */
  batchIdFrom?: (body: unknown) => string | undefined;
}

export interface TrendyolTransport {
  baseUrl: string;
  authorization: string;
  userAgent: string;
  timeoutMs: number;
  duplicateWindowMs: number;
  fetch: typeof fetch;
  onCall?: ApiCallHook;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Trendyol answers errors as `{ errors: [{ key, message }] }` or `{ message }`, sometimes plain text. */
export function reasonsOf(text: string): string[] {
  const body = parseJson(text);
  if (isRecord(body) && Array.isArray(body.errors)) {
    const reasons = body.errors.flatMap((e) => (isRecord(e) ? [String(e.message ?? e.key ?? "")] : [String(e)]));
    if (reasons.length > 0) return reasons;
  }
  if (isRecord(body) && typeof body.message === "string") return [body.message];
  return text.trim() ? [text.trim().slice(0, 500)] : [];
}

/** Retry-After as seconds or an HTTP date; Trendyol documents none, but honour one if it comes. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function errorForStatus(status: number, text: string, headers: Headers, duplicateWindowMs: number): MarketplaceError {
  const reasons = reasonsOf(text);
  if (status === 429) return new MarketplaceRateLimited("TRENDYOL", retryAfterMs(headers.get("retry-after")));
  if (status >= 500) return new MarketplaceOutcomeUnknown("TRENDYOL", "SERVER_ERROR", status, reasons.join("; ") || `HTTP ${status}`);
  if (status === 400 && reasons.some((r) => r.includes(TRENDYOL.duplicateMessage) || /15 dakika/i.test(r))) {
    return new MarketplaceDuplicateRequest("TRENDYOL", duplicateWindowMs, reasons);
  }
  if (status === 401 || status === 403) return new MarketplaceRefused("TRENDYOL", status, reasons, true, "MARKETPLACE_AUTH_FAILED");
  if (status === 404) return new MarketplaceRefused("TRENDYOL", status, reasons, true, "MARKETPLACE_NOT_FOUND");
  if (status >= 400) return new MarketplaceRefused("TRENDYOL", status, reasons, true);
  return new MarketplaceOutcomeUnknown("TRENDYOL", "UNREADABLE_ANSWER", status, `unexpected HTTP ${status}`);
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
}

async function exchange(transport: TrendyolTransport, call: TrendyolCall): Promise<{ status: number; body: unknown }> {
  let response: Response;
  let text: string;
  try {
    // Joined, not resolved: a base URL with a path prefix keeps it.
    response = await transport.fetch(`${transport.baseUrl.replace(/\/+$/, "")}${call.path}`, {
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
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new MarketplaceOutcomeUnknown("TRENDYOL", isTimeout(error) ? "TIMEOUT" : "CONNECTION", null, detail);
  }
  if (response.status < 200 || response.status > 299) {
    throw errorForStatus(response.status, text, response.headers, transport.duplicateWindowMs);
  }
  const body = parseJson(text);
  if (body === undefined) throw new MarketplaceOutcomeUnknown("TRENDYOL", "UNREADABLE_ANSWER", response.status, "the answer is not JSON");
  return { status: response.status, body };
}

/** One HTTP call with auth, User-Agent and a deadline; failures become MarketplaceErrors; every call is reported. */
export async function trendyolRequest(transport: TrendyolTransport, call: TrendyolCall): Promise<{ status: number; body: unknown }> {
  const started = performance.now();
  const report = (httpStatus: number | null, error?: string, batchId = call.batchId) => {
    try {
      transport.onCall?.({
        marketplace: "TRENDYOL",
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

import { randomUUID } from "node:crypto";
import type { ApiCallHook } from "../adapter";
import {
  MarketplaceDuplicateRequest,
  MarketplaceError,
  MarketplaceOutcomeUnknown,
  MarketplaceRateLimited,
  MarketplaceRefused,
} from "../errors";
import type { ApiCallType } from "../types";
import { PTTAVM, PTTAVM_HEADERS } from "./facts";

export interface PttavmCall {
  method: "GET" | "POST";
  /** Relative to the REST base (which ends in /api/v1). */
  path: string;
  query?: Record<string, string>;
  body?: string;
  callType: ApiCallType;
  itemCount: number;
  batchId?: string;
  batchIdFrom?: (body: unknown) => string | undefined;
}

export interface PttavmTransport {
  baseUrl: string;
  apiKey: string;
  accessToken: string;
  timeoutMs: number;
  duplicateWindowMs: number;
  fetch: typeof fetch;
  onCall?: ApiCallHook;
  correlationId?: () => string;
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

/** PttAVM error bodies seen in clients: `{ success:false, message, errors:[...] }`, sometimes plain text. */
export function reasonsOf(body: unknown, text = ""): string[] {
  const reasons: string[] = [];
  if (isRecord(body)) {
    if (typeof body.message === "string" && body.message) reasons.push(body.message);
    if (Array.isArray(body.errors)) {
      for (const e of body.errors) reasons.push(typeof e === "string" ? e : isRecord(e) ? String(e.message ?? e.code ?? "") : String(e));
    }
    if (reasons.length === 0 && typeof body.errorCode === "string") reasons.push(body.errorCode);
  }
  if (reasons.length === 0 && text.trim()) reasons.push(text.trim().slice(0, 500));
  return reasons.filter((r) => r.length > 0);
}

/**
 * The 5-minute identical-request rule: its answer is undocumented, so we recognise it by code or
 * wording, whether it comes as a 4xx or as HTTP 200 with success:false.
 */
function isDuplicate(body: unknown, reasons: readonly string[]): boolean {
  if (isRecord(body) && body.errorCode === PTTAVM.duplicateCode) return true;
  return reasons.some((r) => /5 dakika|aynı istek|identical request|duplicate request/i.test(r));
}

export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** A refusal that arrived with HTTP 200 (`success: false`), or an error status. */
export function refusalFor(status: number, body: unknown, text: string, headers: Headers, duplicateWindowMs: number): MarketplaceError {
  const reasons = reasonsOf(body, text);
  if (status === 429) return new MarketplaceRateLimited("PTTAVM", retryAfterMs(headers.get("retry-after")));
  if (status >= 500) return new MarketplaceOutcomeUnknown("PTTAVM", "SERVER_ERROR", status, reasons.join("; ") || `HTTP ${status}`);
  if (isDuplicate(body, reasons)) return new MarketplaceDuplicateRequest("PTTAVM", duplicateWindowMs, reasons);
  if (status === 401 || status === 403) return new MarketplaceRefused("PTTAVM", status, reasons, true, "MARKETPLACE_AUTH_FAILED");
  if (status === 404) return new MarketplaceRefused("PTTAVM", status, reasons, true, "MARKETPLACE_NOT_FOUND");
  if (status >= 400 || status === 200) return new MarketplaceRefused("PTTAVM", status, reasons, true);
  return new MarketplaceOutcomeUnknown("PTTAVM", "UNREADABLE_ANSWER", status, `unexpected HTTP ${status}`);
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
}

function urlOf(transport: PttavmTransport, call: PttavmCall): string {
  // Joined, not resolved: the base keeps its /api/v1 prefix.
  const url = `${transport.baseUrl.replace(/\/+$/, "")}${call.path}`;
  const query = call.query ? new URLSearchParams(call.query).toString() : "";
  return query ? `${url}?${query}` : url;
}

async function exchange(transport: PttavmTransport, call: PttavmCall): Promise<{ status: number; body: unknown }> {
  let response: Response;
  let text: string;
  try {
    response = await transport.fetch(urlOf(transport, call), {
      method: call.method,
      headers: {
        [PTTAVM_HEADERS.apiKey]: transport.apiKey,
        [PTTAVM_HEADERS.accessToken]: transport.accessToken,
        [PTTAVM_HEADERS.correlationId]: (transport.correlationId ?? randomUUID)(),
        accept: "application/json",
        ...(call.body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: call.body,
      signal: AbortSignal.timeout(transport.timeoutMs),
    });
    text = await response.text();
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new MarketplaceOutcomeUnknown("PTTAVM", isTimeout(error) ? "TIMEOUT" : "CONNECTION", null, detail);
  }
  const body = parseJson(text);
  if (response.status < 200 || response.status > 299) throw refusalFor(response.status, body, text, response.headers, transport.duplicateWindowMs);
  if (body === undefined) throw new MarketplaceOutcomeUnknown("PTTAVM", "UNREADABLE_ANSWER", response.status, "the answer is not JSON");
  // HTTP 200 with success:false is a refusal before processing, not an acceptance.
  if (isRecord(body) && body.success === false) throw refusalFor(200, body, text, response.headers, transport.duplicateWindowMs);
  return { status: response.status, body };
}

/** One HTTP call with PttAVM's headers and a deadline; failures become MarketplaceErrors; every call is reported once. */
export async function pttavmRequest(transport: PttavmTransport, call: PttavmCall): Promise<{ status: number; body: unknown }> {
  const started = performance.now();
  const report = (httpStatus: number | null, error?: string, batchId = call.batchId) => {
    try {
      transport.onCall?.({
        marketplace: "PTTAVM",
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

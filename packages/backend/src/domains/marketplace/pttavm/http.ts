import { randomUUID } from "node:crypto";
import type { ApiCallHook } from "../adapter";
import { MarketplaceDuplicateRequest, type MarketplaceError } from "../errors";
import { errorForStatus, joinUrl, jsonHeaders, type LoggedCall, readJsonAnswer, reportedCall, retryAfterMs, sendWithDeadline } from "../http-call";
import { isRecord } from "../json";
import { PTTAVM, PTTAVM_HEADERS } from "./facts";

export interface PttavmCall extends LoggedCall {
  method: "GET" | "POST";
  /** Relative to the REST base (which ends in /api/v1). */
  path: string;
  query?: Record<string, string>;
  body?: string;
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

/** PttAVM error bodies seen in clients: `{ success:false, message, errors:[...] }`, sometimes plain text. */
export function reasonsOf(body: unknown, text = ""): string[] {
  const reasons: string[] = [];
  if (isRecord(body)) {
    if (typeof body.message === "string" && body.message) reasons.push(body.message);
    // Fatura Gönder answers `error_Message`.
    if (typeof body.error_Message === "string" && body.error_Message) reasons.push(body.error_Message);
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

/** A refusal that arrived with HTTP 200 (`success: false`), or an error status. */
function refusalFor(status: number, body: unknown, text: string, headers: Headers, duplicateWindowMs: number): MarketplaceError {
  const reasons = reasonsOf(body, text);
  return errorForStatus("PTTAVM", status, reasons, {
    retryAfterMs: () => retryAfterMs(headers.get("retry-after")),
    own: () => (isDuplicate(body, reasons) ? new MarketplaceDuplicateRequest("PTTAVM", duplicateWindowMs, reasons) : undefined),
  });
}

/** One HTTP call with PttAVM's headers and a deadline; failures become MarketplaceErrors; every call is reported once. */
export async function pttavmRequest(transport: PttavmTransport, call: PttavmCall): Promise<{ status: number; body: unknown }> {
  const refused = (raw: { status: number; text: string; headers: Headers }, status: number, body: unknown) =>
    refusalFor(status, body, raw.text, raw.headers, transport.duplicateWindowMs);
  return reportedCall("PTTAVM", transport.onCall, call, async () => {
    // Joined, not resolved: the base keeps its /api/v1 prefix.
    const raw = await sendWithDeadline("PTTAVM", transport, joinUrl(transport.baseUrl, call.path, call.query), {
      method: call.method,
      headers: jsonHeaders(
        {
          [PTTAVM_HEADERS.apiKey]: transport.apiKey,
          [PTTAVM_HEADERS.accessToken]: transport.accessToken,
          [PTTAVM_HEADERS.correlationId]: (transport.correlationId ?? randomUUID)(),
        },
        call.body,
      ),
      body: call.body,
    });
    return readJsonAnswer(
      "PTTAVM",
      raw,
      (answer, body) => refused(answer, answer.status, body),
      // HTTP 200 with success:false is a refusal before processing, not an acceptance.
      (body) => (isRecord(body) && body.success === false ? refused(raw, 200, body) : undefined),
    );
  });
}

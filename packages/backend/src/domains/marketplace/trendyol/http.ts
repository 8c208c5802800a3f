import type { ApiCallHook } from "../adapter";
import { MarketplaceDuplicateRequest, type MarketplaceError } from "../errors";
import { errorForStatus, joinUrl, jsonHeaders, type LoggedCall, readJsonAnswer, reportedCall, retryAfterMs, sendWithDeadline } from "../http-call";
import { isRecord, parseJson } from "../json";
import { TRENDYOL } from "./facts";

export interface TrendyolCall extends LoggedCall {
  method: "GET" | "POST" | "PUT" | "DELETE";
  path: string;
  body?: string;
  /** The webhook API answers its commands "200 OK" with no body: an empty 2xx is then a success. */
  emptyAnswer?: boolean;
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

function errorFor(status: number, text: string, headers: Headers, duplicateWindowMs: number): MarketplaceError {
  const reasons = reasonsOf(text);
  const duplicate = status === 400 && reasons.some((r) => r.includes(TRENDYOL.duplicateMessage) || /15 dakika/i.test(r));
  return errorForStatus("TRENDYOL", status, reasons, {
    // Trendyol documents no Retry-After, but one is honoured if it comes.
    retryAfterMs: () => retryAfterMs(headers.get("retry-after")),
    own: () => (duplicate ? new MarketplaceDuplicateRequest("TRENDYOL", duplicateWindowMs, reasons) : undefined),
  });
}

/** One HTTP call with auth, User-Agent and a deadline; failures become MarketplaceErrors; every call is reported. */
export async function trendyolRequest(transport: TrendyolTransport, call: TrendyolCall): Promise<{ status: number; body: unknown }> {
  return reportedCall("TRENDYOL", transport.onCall, call, async () => {
    const raw = await sendWithDeadline("TRENDYOL", transport, joinUrl(transport.baseUrl, call.path), {
      method: call.method,
      headers: jsonHeaders({ authorization: transport.authorization, "user-agent": transport.userAgent }, call.body),
      body: call.body,
    });
    if (call.emptyAnswer && raw.status >= 200 && raw.status <= 299 && raw.text.trim() === "") return { status: raw.status, body: null };
    return readJsonAnswer("TRENDYOL", raw, (answer) => errorFor(answer.status, answer.text, answer.headers, transport.duplicateWindowMs));
  });
}

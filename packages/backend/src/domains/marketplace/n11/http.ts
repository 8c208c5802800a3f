import type { ApiCallHook } from "../adapter";
import type { MarketplaceError } from "../errors";
import { errorForStatus, joinUrl, jsonHeaders, type LoggedCall, readJsonAnswer, reportedCall, retryAfterMs, sendWithDeadline } from "../http-call";
import { isRecord, reasonText } from "../json";
import { N11_HEADERS } from "./facts";

export interface N11Call extends LoggedCall {
  method: "GET" | "POST" | "PUT";
  path: string;
  query?: Record<string, string>;
  body?: string;
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

const REASON_FIELDS = ["message", "description", "reason", "code"] as const;

/** N11 answers `reasons[]`, `errors[]`, or a Spring-style `{ message, error }`; sometimes plain text. */
export function reasonsOf(body: unknown, text = ""): string[] {
  const reasons: string[] = [];
  if (isRecord(body)) {
    for (const key of ["reasons", "errors"] as const) {
      const list = body[key];
      if (Array.isArray(list)) reasons.push(...list.map((reason) => reasonText(reason, REASON_FIELDS)));
    }
    // Spring's `error` is only the status text: the message says more.
    const message = [body.message, body.errorMessage, body.error].find((value) => typeof value === "string" && value.length > 0);
    if (reasons.length === 0 && typeof message === "string") reasons.push(message);
  }
  if (reasons.length === 0 && body === undefined && text.trim()) reasons.push(text.trim().slice(0, 500));
  return reasons.filter((r) => r.length > 0);
}

function n11Error(status: number, body: unknown, text: string, headers: Headers): MarketplaceError {
  // N11 documents no Retry-After, but one is honoured if it comes.
  return errorForStatus("N11", status, reasonsOf(body, text), { retryAfterMs: () => retryAfterMs(headers.get("retry-after")) });
}

/** One HTTP call with appkey / appsecret and a deadline; failures become MarketplaceErrors; every call is reported once. */
export async function n11Request(transport: N11Transport, call: N11Call): Promise<{ status: number; body: unknown }> {
  return reportedCall("N11", transport.onCall, call, async () => {
    const raw = await sendWithDeadline("N11", transport, joinUrl(transport.baseUrl, call.path, call.query), {
      method: call.method,
      headers: jsonHeaders({ [N11_HEADERS.appKey]: transport.appKey, [N11_HEADERS.appSecret]: transport.appSecret }, call.body),
      body: call.body,
    });
    return readJsonAnswer("N11", raw, (answer, body) => n11Error(answer.status, body, answer.text, answer.headers), call.refusalIn);
  });
}

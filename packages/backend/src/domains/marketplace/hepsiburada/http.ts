import type { ApiCallHook } from "../adapter";
import type { MarketplaceError } from "../errors";
import { errorForStatus, joinUrl, jsonHeaders, type LoggedCall, type RawAnswer, readJsonAnswer, reportedCall, retryAfterMs, sendWithDeadline } from "../http-call";
import { isRecord, parseJson, reasonText } from "../json";

/** Hepsiburada serves listings and orders from different hosts, with different limit answers. */
export type HepsiburadaService = "listing" | "orders";

export interface HepsiburadaCall extends LoggedCall {
  service: HepsiburadaService;
  method: "GET" | "POST" | "PUT";
  /** Path with its query string already written. */
  path: string;
  body?: string;
  /**
   * "json" (default): a 2xx must carry JSON. "optional": the order commands answer 204 without a
   * body or 200 with a bare string (official spec), so every 2xx is the answer, its body read when it is JSON.
   */
  answer?: "json" | "optional";
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

const REASON_FIELDS = ["message", "description", "code", "key"] as const;

/** Error answers come as `{ errors: [...] }`, problem-details `{ title, detail }`, `{ message }` or plain text. */
export function reasonsOf(text: string): string[] {
  const body = parseJson(text);
  const reasons: string[] = [];
  if (isRecord(body)) {
    if (Array.isArray(body.errors)) reasons.push(...body.errors.map((reason) => reasonText(reason, REASON_FIELDS)));
    for (const key of ["detail", "title", "message"] as const) {
      const value = body[key];
      if (reasons.length === 0 && typeof value === "string" && value.length > 0) reasons.push(value);
    }
  }
  if (reasons.length === 0 && body === undefined && text.trim()) reasons.push(text.trim().slice(0, 500));
  return reasons.filter((r) => r.length > 0);
}

/** X-RateLimit-Reset is in seconds (official, order API); Retry-After as seconds or a date if one comes. */
function hepsiburadaRetryAfterMs(headers: Headers, now = Date.now()): number | undefined {
  const reset = headers.get("x-ratelimit-reset")?.trim();
  if (reset && /^\d+(\.\d+)?$/.test(reset)) return Math.ceil(Number(reset) * 1000);
  return retryAfterMs(headers.get("retry-after")?.trim() ?? null, now);
}

/**
 * Both hosts document 429 as their limit answer. A 403 is a permission or User-Agent problem
 * (the merchant has not authorised the integrator, or the developer username is wrong): permanent
 * until the operator fixes it, never retried as a limit. The "403 over limit (IP block)" Hepsiburada
 * documents belongs to the catalog (product) services, which this adapter does not call.
 */
function errorFor(status: number, text: string, headers: Headers): MarketplaceError {
  return errorForStatus("HEPSIBURADA", status, reasonsOf(text), { retryAfterMs: () => hepsiburadaRetryAfterMs(headers) });
}

/** One HTTP call with Basic auth, the User-Agent and a deadline; failures become MarketplaceErrors; every call is reported once. */
export async function hepsiburadaRequest(transport: HepsiburadaTransport, call: HepsiburadaCall): Promise<{ status: number; body: unknown }> {
  const base = call.service === "listing" ? transport.listingBaseUrl : transport.ordersBaseUrl;
  // The status as answered, logged as it came whatever the error says.
  let answered: number | null = null;
  return reportedCall(
    "HEPSIBURADA",
    transport.onCall,
    call,
    async () => {
      const raw = await sendWithDeadline("HEPSIBURADA", transport, joinUrl(base, call.path), {
        method: call.method,
        headers: jsonHeaders({ authorization: transport.authorization, "user-agent": transport.userAgent }, call.body),
        body: call.body,
      });
      answered = raw.status;
      const refusal = (answer: RawAnswer) => errorFor(answer.status, answer.text, answer.headers);
      if (call.answer !== "optional") return readJsonAnswer("HEPSIBURADA", raw, refusal);
      if (raw.status < 200 || raw.status > 299) throw refusal(raw);
      return { status: raw.status, body: parseJson(raw.text) };
    },
    () => answered,
  );
}

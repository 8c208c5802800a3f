import type { ApiCallHook } from "../adapter";
import { type MarketplaceError, MarketplaceRateLimited } from "../errors";
import { errorForStatus, joinUrl, jsonHeaders, type LoggedCall, readJsonAnswer, reportedCall, retryAfterMs, sendWithDeadline } from "../http-call";
import { isRecord, parseJson, reasonText } from "../json";

/** Hepsiburada serves listings and orders from different hosts, with different limit answers. */
export type HepsiburadaService = "listing" | "orders";

export interface HepsiburadaCall extends LoggedCall {
  service: HepsiburadaService;
  method: "GET" | "POST";
  /** Path with its query string already written. */
  path: string;
  body?: string;
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

function errorFor(service: HepsiburadaService, status: number, text: string, headers: Headers): MarketplaceError {
  return errorForStatus("HEPSIBURADA", status, reasonsOf(text), {
    retryAfterMs: () => hepsiburadaRetryAfterMs(headers),
    // The catalog API answers over-limit calls with 403 (and may block the IP): a limit, not bad credentials.
    own: () => (status === 403 && service === "listing" ? new MarketplaceRateLimited("HEPSIBURADA", hepsiburadaRetryAfterMs(headers)) : undefined),
  });
}

/** One HTTP call with Basic auth, the User-Agent and a deadline; failures become MarketplaceErrors; every call is reported once. */
export async function hepsiburadaRequest(transport: HepsiburadaTransport, call: HepsiburadaCall): Promise<{ status: number; body: unknown }> {
  const base = call.service === "listing" ? transport.listingBaseUrl : transport.ordersBaseUrl;
  // The status as answered: a catalog 403 is thrown as a rate limit but logged as the 403 it was.
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
      return readJsonAnswer("HEPSIBURADA", raw, (answer) => errorFor(call.service, answer.status, answer.text, answer.headers));
    },
    () => answered,
  );
}

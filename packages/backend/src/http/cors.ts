import { Elysia } from "elysia";

const ALLOWED_METHODS = "GET, POST, PUT, PATCH, DELETE";
const ALLOWED_HEADERS = "authorization, content-type, idempotency-key, x-request-id";
// What a browser client may read from our answers (the rest stay hidden by CORS).
const EXPOSED_HEADERS = "ratelimit-limit, ratelimit-remaining, ratelimit-reset, retry-after, x-request-id, idempotent-replayed";
const PREFLIGHT_MAX_AGE_SECONDS = "600";

/**
 * Whether an Origin header is on the allow-list: exact entries, or "scheme://host:*" for any port
 * of that host (development's localhost default). Never a wildcard for everyone.
 */
export function originMatcher(allowList: readonly string[]): (origin: string) => boolean {
  const exact = new Set(allowList.filter((o) => !o.endsWith(":*")).map((o) => o.toLowerCase()));
  const anyPort = allowList.filter((o) => o.endsWith(":*")).map((o) => o.slice(0, -2).toLowerCase());
  return (origin) => {
    const o = origin.toLowerCase();
    if (exact.has(o)) return true;
    return anyPort.some((base) => o === base || (o.startsWith(`${base}:`) && /^[0-9]{1,5}$/.test(o.slice(base.length + 1))));
  };
}

/** CORS headers for an answer to `origin` (none when it is not allowed). */
export function corsHeaders(origin: string | null, allowed: (origin: string) => boolean): Record<string, string> {
  // Vary on every answer: a cache must never hand one origin's answer to another.
  const headers: Record<string, string> = { vary: "Origin" };
  if (origin && allowed(origin)) {
    // The exact origin echoed, never "*": credentials are allowed, and only for listed origins.
    headers["access-control-allow-origin"] = origin;
    headers["access-control-allow-credentials"] = "true";
    headers["access-control-expose-headers"] = EXPOSED_HEADERS;
  }
  return headers;
}

/**
 * Cross-origin access for the allow-list only. Preflights are answered here (204) before rate
 * limits or routing; an origin not on the list gets an answer without CORS headers, which the
 * browser treats as a refusal.
 */
export function corsPlugin(options: { origins: readonly string[] }) {
  const allowed = originMatcher(options.origins);
  return new Elysia({ name: "cors" }).onRequest(({ request, set }) => {
    const origin = request.headers.get("origin");
    Object.assign(set.headers, corsHeaders(origin, allowed));
    if (request.method !== "OPTIONS" || !request.headers.has("access-control-request-method")) return;
    set.status = 204;
    if (origin && allowed(origin)) {
      set.headers["access-control-allow-methods"] = ALLOWED_METHODS;
      set.headers["access-control-allow-headers"] = ALLOWED_HEADERS;
      set.headers["access-control-max-age"] = PREFLIGHT_MAX_AGE_SECONDS;
    }
    return new Response(null, { status: 204 });
  });
}

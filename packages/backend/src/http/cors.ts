import { cors } from "@elysiajs/cors";
import { Elysia } from "elysia";

const ALLOWED_METHODS = "GET, POST, PUT, PATCH, DELETE";
const ALLOWED_HEADERS = "authorization, content-type, idempotency-key, x-request-id";
// What a browser client may read from our answers (the rest stay hidden by CORS).
const EXPOSED_HEADERS = "ratelimit-limit, ratelimit-remaining, ratelimit-reset, retry-after, x-request-id, idempotent-replayed";
const PREFLIGHT_MAX_AGE_SECONDS = 600;

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

// What @elysiajs/cors puts on every answer and every preflight, whatever the origin.
const GRANTS = ["access-control-allow-credentials", "access-control-allow-headers", "access-control-allow-methods", "access-control-expose-headers", "access-control-max-age"];

/**
 * Cross-origin access for the allow-list only, through @elysiajs/cors. Preflights are answered
 * (204) before rate limits or routing; an origin not on the list gets an answer without CORS
 * headers, which the browser treats as a refusal. The plugin checks the list for
 * Access-Control-Allow-Origin alone and sends credentials, methods and header lists to anyone,
 * so the hooks around it take those off again for an unlisted (or absent) origin.
 */
export function corsPlugin(options: { origins: readonly string[] }) {
  const allowed = originMatcher(options.origins);
  const listed = (request: Request) => {
    const origin = request.headers.get("origin");
    return origin !== null && allowed(origin);
  };
  const withoutGrants = (request: Request, headers: Record<string, unknown>) => {
    if (listed(request)) return false;
    for (const name of GRANTS) delete headers[name];
    headers.vary = "Origin";
    return true;
  };
  return new Elysia({ name: "cors" })
    .onRequest(({ request, set }) => {
      if (request.method === "OPTIONS" && withoutGrants(request, set.headers)) return new Response(null, { status: 204 });
    })
    .use(
      cors({
        origin: listed,
        methods: ALLOWED_METHODS,
        allowedHeaders: ALLOWED_HEADERS,
        exposeHeaders: EXPOSED_HEADERS,
        credentials: true,
        maxAge: PREFLIGHT_MAX_AGE_SECONDS,
      }),
    )
    .onRequest(({ request, set }) => {
      withoutGrants(request, set.headers);
    });
}

import { Type, type Static } from "@sinclair/typebox";
import { Value } from "@sinclair/typebox/value";
import type { NodeEnv } from "./config";
import { Digits, pickSettings } from "./config-env";

/**
 * The HTTP edge's settings (CORS, body limit, timeout, API docs, rate limits), parsed from the
 * same environment as config.ts and reported the same way: every problem at once, by name only.
 */

// An origin is scheme://host[:port] with no path; "http://localhost:*" allows any local port.
const ORIGIN = "https?://[A-Za-z0-9.-]+(:([0-9]{1,5}|\\*))?";

export const RawHttpEnv = Type.Object({
  CORS_ORIGINS: Type.Optional(Type.String({ pattern: `^\\s*${ORIGIN}\\s*(,\\s*${ORIGIN}\\s*)*$` })),
  BODY_LIMIT_BYTES: Digits("largest request body in bytes"),
  REQUEST_TIMEOUT_MS: Digits("longest a request may run before it is answered 503"),
  SWAGGER: Type.Optional(Type.Union([Type.Literal("on"), Type.Literal("off"), Type.Literal("admin")])),
  RATE_LIMITS: Type.Optional(Type.Union([Type.Literal("on"), Type.Literal("off")])),
  RATE_LIMIT_WINDOW_SECONDS: Digits("rate limit window"),
  RATE_LIMIT_ANONYMOUS: Digits("requests per window per IP without a token"),
  RATE_LIMIT_USER: Digits("requests per window per signed-in user"),
  RATE_LIMIT_ADMIN: Digits("requests per window per user on /api/v1/admin"),
  RATE_LIMIT_AUTH: Digits("login, register and refresh requests per window per IP"),
  RATE_LIMIT_WEBHOOK: Digits("marketplace webhook deliveries per window per store"),
});
type RawHttpEnv = Static<typeof RawHttpEnv>;

export type SwaggerMode = "on" | "off" | "admin";

export interface RateLimitBudgets {
  windowMs: number;
  anonymous: number;
  user: number;
  admin: number;
  auth: number;
  webhook: number;
}

export interface HttpConfig {
  /** Exact origins, or patterns ending in ":*" (any port). Empty: no cross-origin access at all. */
  corsOrigins: string[];
  bodyLimitBytes: number;
  requestTimeoutMs: number;
  swagger: SwaggerMode;
  /** Undefined when RATE_LIMITS=off (benchmarks; refused in production). */
  rateLimits?: RateLimitBudgets;
  /** HSTS only where TLS is certain to sit in front (production). */
  hsts: boolean;
}

const HINTS: Record<string, string> = {
  CORS_ORIGINS: "must be comma-separated origins like https://shop.example.com (no path; http://localhost:* allows any port)",
  SWAGGER: "must be on, off or admin",
  RATE_LIMITS: "must be on or off",
};

// Development lets any local dev server (Vite, Expo web) call the API; production lets no one
// in until its origins are listed, which is the safe failure.
const DEVELOPMENT_ORIGINS = ["http://localhost:*", "http://127.0.0.1:*"];

const int = (value: string | undefined, fallback: number) => (value === undefined ? fallback : Number(value));

function problemsOf(raw: Record<string, string | undefined>, nodeEnv: NodeEnv): string[] {
  const problems = new Set<string>();
  for (const error of Value.Errors(RawHttpEnv, raw)) {
    const name = error.path.replace(/^\//, "");
    problems.add(`${name} ${HINTS[name] ?? `(${error.schema.description ?? "value"}) must be a whole number`}`);
  }
  for (const name of ["BODY_LIMIT_BYTES", "REQUEST_TIMEOUT_MS", "RATE_LIMIT_WINDOW_SECONDS"] as const) {
    if (raw[name] !== undefined && /^[0-9]+$/.test(raw[name] ?? "") && Number(raw[name]) === 0) problems.add(`${name} must be above 0`);
  }
  if (nodeEnv === "production" && raw.RATE_LIMITS === "off") {
    problems.add("RATE_LIMITS=off is refused in production: it is a benchmark switch");
  }
  return [...problems];
}

export function loadHttpConfig(env: Record<string, string | undefined>, nodeEnv: NodeEnv): { config?: HttpConfig; problems: string[] } {
  const raw = pickSettings(RawHttpEnv, env);
  const problems = problemsOf(raw, nodeEnv);
  if (problems.length > 0) return { problems };
  const parsed = raw as RawHttpEnv;
  const corsOrigins = parsed.CORS_ORIGINS
    ? parsed.CORS_ORIGINS.split(",").map((origin) => origin.trim())
    : nodeEnv === "production"
      ? []
      : DEVELOPMENT_ORIGINS;
  return {
    problems,
    config: {
      corsOrigins,
      bodyLimitBytes: int(parsed.BODY_LIMIT_BYTES, 1_048_576),
      requestTimeoutMs: int(parsed.REQUEST_TIMEOUT_MS, 15_000),
      swagger: parsed.SWAGGER ?? (nodeEnv === "production" ? "admin" : "on"),
      rateLimits:
        parsed.RATE_LIMITS === "off"
          ? undefined
          : {
              windowMs: int(parsed.RATE_LIMIT_WINDOW_SECONDS, 60) * 1000,
              anonymous: int(parsed.RATE_LIMIT_ANONYMOUS, 300),
              user: int(parsed.RATE_LIMIT_USER, 600),
              admin: int(parsed.RATE_LIMIT_ADMIN, 120),
              auth: int(parsed.RATE_LIMIT_AUTH, 30),
              webhook: int(parsed.RATE_LIMIT_WEBHOOK, 600),
            },
      hsts: nodeEnv === "production",
    },
  };
}

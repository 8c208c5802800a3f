import { Elysia } from "elysia";
import type { RateLimitBudgets } from "../config-http";
import { RateLimited } from "../infra/errors";
import type { RateLimiter, RateLimitRule } from "../infra/rate-limit";
import { clientIp, type PeerAddressSource } from "./client-ip";
import { pathOf } from "./security-headers";

export type RouteGroup = "exempt" | "auth" | "webhook" | "admin" | "api";

const AUTH_ROUTES = new Set(["/api/v1/auth/login", "/api/v1/auth/register", "/api/v1/auth/refresh"]);
const WEBHOOKS = "/api/v1/marketplace/webhooks/";
const ADMIN = "/api/v1/admin/";

/** Which budget a request draws on, from its path alone (this runs before routing). */
export function routeGroup(method: string, path: string): RouteGroup {
  // Probes and scrapes must never be refused: a limited health check takes a healthy replica out.
  if (method === "OPTIONS" || path.startsWith("/health/") || path === "/metrics") return "exempt";
  if (AUTH_ROUTES.has(path)) return "auth";
  if (path.startsWith(WEBHOOKS)) return "webhook";
  if (path.startsWith(ADMIN) || path === ADMIN.slice(0, -1)) return "admin";
  return "api";
}

export interface RateLimitDeps {
  budgets: RateLimitBudgets;
  limiter: RateLimiter;
  trustProxy: boolean;
  /** The user a bearer token belongs to (signature checked), undefined for none or a bad one. */
  tokenSubject: (authorization: string | undefined) => Promise<string | undefined>;
}

function rules(budgets: RateLimitBudgets) {
  const rule = (name: string, limit: number): RateLimitRule => ({ name: `http:${name}`, limit, windowMs: budgets.windowMs });
  return {
    anonymous: rule("anonymous", budgets.anonymous),
    user: rule("user", budgets.user),
    admin: rule("admin", budgets.admin),
    auth: rule("auth", budgets.auth),
    webhook: rule("webhook", budgets.webhook),
  };
}

/**
 * A fixed-window budget per route group on the shared key-value store (Redis, with the in-process
 * fallback of infra/rate-limit.ts): anonymous calls per client IP, signed-in calls per user, admin
 * routes and login/register/refresh on stricter budgets, webhooks per store. Every limited answer
 * carries RateLimit-Limit / -Remaining / -Reset (IETF draft names); a refusal is 429 RATE_LIMITED
 * with Retry-After. The identity domain's per-account login throttling still applies on top.
 */
export function rateLimitPlugin(deps: RateLimitDeps) {
  const rule = rules(deps.budgets);

  async function budgetFor(request: Request, server: PeerAddressSource | null, group: Exclude<RouteGroup, "exempt">, path: string) {
    const ip = () => clientIp(request, server, deps.trustProxy);
    if (group === "auth") return { rule: rule.auth, subject: ip() };
    if (group === "webhook") {
      // Per store (marketplace and store id from the path): one busy seller cannot starve another.
      return { rule: rule.webhook, subject: path.slice(WEBHOOKS.length, WEBHOOKS.length + 128).toLowerCase() };
    }
    const userId = await deps.tokenSubject(request.headers.get("authorization") ?? undefined);
    if (group === "admin") return { rule: rule.admin, subject: userId ?? `ip:${ip()}` };
    return userId ? { rule: rule.user, subject: userId } : { rule: rule.anonymous, subject: ip() };
  }

  return new Elysia({ name: "rate-limits" }).onRequest(async ({ request, server, set }) => {
    const path = pathOf(request.url);
    const group = routeGroup(request.method, path);
    if (group === "exempt") return;
    const { rule: applied, subject } = await budgetFor(request, server, group, path);
    const decision = await deps.limiter.hit(applied, subject);
    set.headers["ratelimit-limit"] = String(applied.limit);
    set.headers["ratelimit-remaining"] = String(Math.max(0, applied.limit - decision.count));
    set.headers["ratelimit-reset"] = String(decision.resetSeconds);
    if (!decision.allowed) throw new RateLimited(decision.retryAfterSeconds);
  });
}

import { Elysia } from "elysia";
import type { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, RLWrapperTimeouts, type RateLimiterAbstract } from "rate-limiter-flexible";
import type { RateLimitBudgets } from "../config-http";
import { RateLimited } from "../infra/errors";
import type { Logger } from "../infra/logger";
import { throttledWarn } from "../infra/redis";
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
  /** Counters shared by every replica; without it (embedded) they are in-process. */
  redis?: Redis;
  /** The deployment's Redis key prefix. */
  keyPrefix: string;
  log: Logger;
  trustProxy: boolean;
  /** The user a bearer token belongs to (signature checked), undefined for none or a bad one. */
  tokenSubject: (authorization: string | undefined) => Promise<string | undefined>;
}

type Budget = Exclude<keyof RateLimitBudgets, "windowMs">;

// A limiter must answer fast even when Redis is slow to fail.
const SHARED_STORE_TIMEOUT_MS = 300;
// After a failure, stay on in-process counters this long before asking Redis again.
const SHARED_STORE_RETRY_MS = 5_000;

interface GroupLimiter {
  limit: number;
  limiter: RateLimiterAbstract;
}

/**
 * One limiter per budget: RateLimiterRedis so replicas share one count, insured by in-process
 * counters while Redis is unreachable (limits then hold per replica, weaker but never "no limit").
 * The library's windows are fixed and start at a subject's first request, like ours always did.
 */
function groupLimiters(deps: RateLimitDeps): (budget: Budget) => GroupLimiter {
  const warn = throttledWarn(deps.log.child({ component: "rate-limit" }), 10_000);
  const duration = deps.budgets.windowMs / 1000;
  let sharedDownUntil = 0;
  const onInsurance = () => {
    // Also called for the requests sent straight to it while Redis is skipped: those do not extend the pause.
    if (Date.now() < sharedDownUntil) return;
    sharedDownUntil = Date.now() + SHARED_STORE_RETRY_MS;
    warn({}, "rate limiter falling back to in-process counters: shared store unreachable");
  };
  const build = (budget: Budget): { limit: number; local: RateLimiterMemory; shared?: RateLimiterAbstract } => {
    const points = deps.budgets[budget];
    const options = { keyPrefix: `http:${budget}`, points, duration };
    if (!deps.redis) return { limit: points, local: new RateLimiterMemory(options) };
    const redis = new RateLimiterRedis({
      ...options,
      storeClient: deps.redis,
      keyPrefix: `${deps.keyPrefix}rl:http:${budget}`,
      // A closed connection fails at once (to the insurance) instead of failing a command first.
      rejectIfRedisNotReady: true,
    });
    // The insurance sits on the timeout wrapper, so a command failing after its timeout is not counted twice.
    const insurance = new InsuranceLimiter(options, onInsurance);
    const shared = new RLWrapperTimeouts({ limiter: redis, timeoutMs: SHARED_STORE_TIMEOUT_MS, insuranceLimiter: insurance });
    return { limit: points, local: insurance, shared };
  };
  const built = { anonymous: build("anonymous"), user: build("user"), admin: build("admin"), auth: build("auth"), webhook: build("webhook") };
  return (budget) => {
    const { limit, local, shared } = built[budget];
    return { limit, limiter: shared && Date.now() >= sharedDownUntil ? shared : local };
  };
}

/** The in-process counters used while Redis fails; each use reports the failure. */
class InsuranceLimiter extends RateLimiterMemory {
  constructor(
    options: ConstructorParameters<typeof RateLimiterMemory>[0],
    private readonly onUse: () => void,
  ) {
    super(options);
  }

  override consume(key: string | number, points?: number, options?: Record<string, unknown>): Promise<RateLimiterRes> {
    this.onUse();
    return super.consume(key, points, options);
  }
}

/** Counts one request; a refusal comes back as the library's rejection value, not an error. */
async function consume(limiter: RateLimiterAbstract, subject: string): Promise<{ allowed: boolean; res: RateLimiterRes }> {
  try {
    return { allowed: true, res: await limiter.consume(subject) };
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) return { allowed: false, res: rejection };
    throw rejection;
  }
}

/**
 * A fixed-window budget per route group: anonymous calls per client IP, signed-in calls per user,
 * admin routes and login/register/refresh on stricter budgets, webhooks per store. Every limited
 * answer carries RateLimit-Limit / -Remaining / -Reset (IETF draft names); a refusal is 429
 * RATE_LIMITED with Retry-After. The identity domain's per-account login throttling still applies on top.
 */
export function rateLimitPlugin(deps: RateLimitDeps) {
  const limiterFor = groupLimiters(deps);

  async function budgetFor(request: Request, server: PeerAddressSource | null, group: Exclude<RouteGroup, "exempt">, path: string) {
    const ip = () => clientIp(request, server, deps.trustProxy);
    if (group === "auth") return { budget: "auth" as const, subject: ip() };
    if (group === "webhook") {
      // Per store (marketplace and store id from the path): one busy seller cannot starve another.
      // Only those two segments: Hepsiburada's cancellations name a line after them, and a budget per line would be none.
      const [marketplace = "", store = ""] = path.slice(WEBHOOKS.length).split("/", 2);
      return { budget: "webhook" as const, subject: `${marketplace.slice(0, 32)}/${store.slice(0, 96)}`.toLowerCase() };
    }
    const userId = await deps.tokenSubject(request.headers.get("authorization") ?? undefined);
    if (group === "admin") return { budget: "admin" as const, subject: userId ?? `ip:${ip()}` };
    return userId ? { budget: "user" as const, subject: userId } : { budget: "anonymous" as const, subject: ip() };
  }

  return new Elysia({ name: "rate-limits" }).onRequest(async ({ request, server, set }) => {
    const path = pathOf(request.url);
    const group = routeGroup(request.method, path);
    if (group === "exempt") return;
    const { budget, subject } = await budgetFor(request, server, group, path);
    const { limit, limiter } = limiterFor(budget);
    const { allowed, res } = await consume(limiter, subject);
    const resetSeconds = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
    set.headers["ratelimit-limit"] = String(limit);
    set.headers["ratelimit-remaining"] = String(res.remainingPoints);
    set.headers["ratelimit-reset"] = String(resetSeconds);
    if (!allowed) throw new RateLimited(resetSeconds);
  });
}

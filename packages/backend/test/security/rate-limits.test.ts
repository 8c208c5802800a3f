import { afterAll, describe, expect, test } from "bun:test";
import { loadConfig } from "../../src/config";
import { routeGroup } from "../../src/http/rate-limits";
import { createTestApp, type TestApp } from "../support/app";
import { skipReason } from "../support/env";
import { bodyOf } from "../support/http";
import { admin, bearer, customer, postJson } from "../support/identity";
import { closedPort } from "../support/net";

const noRedis = skipReason("redis") !== undefined;
const opened: TestApp[] = [];
async function appWith(label: string, env: Record<string, string>, replicaOf?: TestApp): Promise<TestApp> {
  const t = await createTestApp({ label, env, replicaOf });
  opened.push(t);
  return t;
}
afterAll(async () => {
  for (const t of opened.reverse()) await t.close();
});

const from = (ip: string, extra: Record<string, string> = {}) => ({ headers: { "x-forwarded-for": ip, ...extra } });
const limitHeaders = (res: Response) => ({
  limit: res.headers.get("ratelimit-limit"),
  remaining: res.headers.get("ratelimit-remaining"),
});

/** A refusal: 429 RATE_LIMITED in the envelope, with Retry-After and the draft's headers. */
async function expectRefused(res: Response): Promise<void> {
  expect(res.status).toBe(429);
  expect((await bodyOf(res)).error.code).toBe("RATE_LIMITED");
  expect(Number(res.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
  expect(Number(res.headers.get("retry-after"))).toBeLessThanOrEqual(60);
  expect(res.headers.get("ratelimit-remaining")).toBe("0");
  expect(Number(res.headers.get("ratelimit-reset"))).toBeGreaterThanOrEqual(1);
}

describe("API4:2023 Unrestricted Resource Consumption — rate limits per route group", () => {
  test("anonymous calls are counted per client IP, with RateLimit-* headers on every answer, then 429 with Retry-After", async () => {
    const t = await appWith("rl_anon", { RATE_LIMIT_ANONYMOUS: "3" });
    const seen: { limit: string | null; remaining: string | null }[] = [];
    for (let i = 0; i < 3; i += 1) {
      const res = await t.request("/api/v1/auth/me", from("203.0.113.7"));
      expect(res.status).toBe(401);
      seen.push(limitHeaders(res));
    }
    expect(seen).toEqual([
      { limit: "3", remaining: "2" },
      { limit: "3", remaining: "1" },
      { limit: "3", remaining: "0" },
    ]);
    await expectRefused(await t.request("/api/v1/auth/me", from("203.0.113.7")));
    // Unknown paths draw on the same budget: a scanner gets no free requests.
    await expectRefused(await t.request("/api/v1/no-such-route", from("203.0.113.7")));
    expect((await t.request("/api/v1/auth/me", from("203.0.113.8"))).status).toBe(401);
  });

  test("signed-in calls are counted per user, wherever they come from", async () => {
    const t = await appWith("rl_user", { RATE_LIMIT_USER: "3", RATE_LIMIT_ANONYMOUS: "1000" });
    const [a, b] = [await customer(t), await customer(t)];
    for (const ip of ["198.51.100.1", "198.51.100.2", "198.51.100.3"]) {
      const res = await t.request("/api/v1/auth/me", from(ip, bearer(a.tokens.accessToken)));
      expect(res.status).toBe(200);
      expect(res.headers.get("ratelimit-limit")).toBe("3");
    }
    await expectRefused(await t.request("/api/v1/auth/me", from("198.51.100.4", bearer(a.tokens.accessToken))));
    // Another user behind the same IP (one office, one NAT) still has a whole budget.
    expect((await t.request("/api/v1/auth/me", from("198.51.100.1", bearer(b.tokens.accessToken)))).status).toBe(200);
    // A forged token does not buy a fresh per-user budget: it counts as anonymous, per IP.
    const forged = await t.request("/api/v1/auth/me", from("198.51.100.1", { authorization: "Bearer not.a.token" }));
    expect(forged.status).toBe(401);
    expect(forged.headers.get("ratelimit-limit")).toBe("1000");
  });

  test("admin routes have a stricter budget of their own", async () => {
    const t = await appWith("rl_admin", { RATE_LIMIT_ADMIN: "2", RATE_LIMIT_USER: "1000" });
    const boss = await admin(t);
    const create = (n: number) =>
      postJson(t, "/api/v1/admin/users", { email: `made-${n}-${Date.now()}@example.com`, password: "long enough pw", role: "staff" }, bearer(boss.tokens.accessToken));
    expect((await create(1)).status).toBe(201);
    const second = await create(2);
    expect(second.status).toBe(201);
    expect(limitHeaders(second)).toEqual({ limit: "2", remaining: "0" });
    await expectRefused(await create(3));
    // The same admin's ordinary calls draw on the user budget, untouched.
    const me = await t.request("/api/v1/auth/me", { headers: bearer(boss.tokens.accessToken) });
    expect(me.status).toBe(200);
    expect(me.headers.get("ratelimit-limit")).toBe("1000");
  });

  test("login, register and refresh share a strict per-IP budget on top of the per-account throttle", async () => {
    const t = await appWith("rl_auth", { RATE_LIMIT_AUTH: "2", AUTH_ATTEMPTS_PER_IP: "1000", AUTH_ATTEMPTS_PER_ACCOUNT: "1000" });
    const ip = { "x-forwarded-for": "192.0.2.50" };
    expect((await postJson(t, "/api/v1/auth/register", { email: "first@example.com", password: "long enough pw" }, ip)).status).toBe(201);
    const refresh = await postJson(t, "/api/v1/auth/refresh", { refreshToken: "x".repeat(43) }, ip);
    expect(refresh.status).toBe(401);
    expect(limitHeaders(refresh)).toEqual({ limit: "2", remaining: "0" });
    await expectRefused(await postJson(t, "/api/v1/auth/login", { email: "first@example.com", password: "long enough pw" }, ip));
    expect((await postJson(t, "/api/v1/auth/login", { email: "first@example.com", password: "long enough pw" }, { "x-forwarded-for": "192.0.2.51" })).status).toBe(200);
  });

  test("the identity domain's per-account login throttle still applies under a generous route budget", async () => {
    const t = await appWith("rl_account", { RATE_LIMIT_AUTH: "1000", AUTH_ATTEMPTS_PER_ACCOUNT: "2" });
    const attempt = () => postJson(t, "/api/v1/auth/login", { email: "victim@example.com", password: "wrong password" }, { "x-forwarded-for": "192.0.2.60" });
    expect((await attempt()).status).toBe(401);
    expect((await attempt()).status).toBe(401);
    const third = await attempt();
    expect(third.status).toBe(429);
    // Refused by the domain, while the route budget still had room.
    expect(Number(third.headers.get("ratelimit-remaining"))).toBe(997);
  });

  test("webhook deliveries are counted per store", async () => {
    const t = await appWith("rl_webhook", { RATE_LIMIT_WEBHOOK: "2", RATE_LIMIT_ANONYMOUS: "1000" });
    const deliver = (store: string) => postJson(t, `/api/v1/marketplace/webhooks/trendyol/${store}`, { lines: [] });
    expect((await deliver("store-a")).status).not.toBe(429);
    expect((await deliver("STORE-A")).status).not.toBe(429);
    await expectRefused(await deliver("store-a"));
    const other = await deliver("store-b");
    expect(other.status).not.toBe(429);
    expect(limitHeaders(other)).toEqual({ limit: "2", remaining: "1" });
  });

  test("Hepsiburada's pushes draw on their store's budget whatever line a cancellation names", async () => {
    const t = await appWith("rl_hbpush", { RATE_LIMIT_WEBHOOK: "2", RATE_LIMIT_ANONYMOUS: "1000" });
    const base = "/api/v1/marketplace/webhooks/hepsiburada";
    expect((await postJson(t, `${base}/store-a/orders`, { items: [] })).status).not.toBe(429);
    expect((await t.request(`${base}/store-a/lineitems/line-1/cancel`, { method: "PUT", headers: { "content-type": "application/json" }, body: "{}" })).status).not.toBe(429);
    await expectRefused(await t.request(`${base}/store-a/lineitems/line-2/cancel`, { method: "PUT", headers: { "content-type": "application/json" }, body: "{}" }));
    const other = await postJson(t, `${base}/store-b/orders`, { items: [] });
    expect(limitHeaders(other)).toEqual({ limit: "2", remaining: "1" });
  });

  test("health probes and metrics scrapes are never limited", async () => {
    const t = await appWith("rl_exempt", { RATE_LIMIT_ANONYMOUS: "1" });
    for (let i = 0; i < 5; i += 1) {
      const res = await t.request("/health/live", from("203.0.113.9"));
      expect(res.status).toBe(200);
      expect(res.headers.get("ratelimit-limit")).toBeNull();
      expect((await t.request("/metrics", from("203.0.113.9"))).status).toBe(200);
    }
  });

  test("RATE_LIMITS=off (benchmarks) answers without limits or headers, and is refused in production", async () => {
    const t = await appWith("rl_off", { RATE_LIMITS: "off", RATE_LIMIT_ANONYMOUS: "1" });
    for (let i = 0; i < 3; i += 1) {
      const res = await t.request("/api/v1/auth/me", from("203.0.113.10"));
      expect(res.status).toBe(401);
      expect(res.headers.get("ratelimit-limit")).toBeNull();
    }
    expect(() =>
      loadConfig({
        NODE_ENV: "production",
        DATABASE_URL: "postgres://u@db/x",
        REDIS_URL: "redis://redis:6379",
        JWT_SECRET: "x".repeat(40),
        CREDENTIALS_KEY: "a".repeat(64),
        RATE_LIMITS: "off",
      }),
    ).toThrow("RATE_LIMITS=off is refused in production");
  });

  test("route groups are read from the path alone", () => {
    expect(routeGroup("GET", "/health/ready")).toBe("exempt");
    expect(routeGroup("OPTIONS", "/api/v1/orders")).toBe("exempt");
    expect(routeGroup("POST", "/api/v1/auth/login")).toBe("auth");
    expect(routeGroup("POST", "/api/v1/auth/logout")).toBe("api");
    expect(routeGroup("POST", "/api/v1/admin/users")).toBe("admin");
    expect(routeGroup("POST", "/api/v1/marketplace/webhooks/trendyol/s1")).toBe("webhook");
    expect(routeGroup("PUT", "/api/v1/marketplace/webhooks/hepsiburada/s1/lineitems/l1/cancel")).toBe("webhook");
    expect(routeGroup("GET", "/api/v1/orders")).toBe("api");
  });
});

describe("API4:2023 Unrestricted Resource Consumption — where the counters live", () => {
  test("without Redis the limiter counts in-process and still refuses", async () => {
    const t = await appWith("rl_memory", { REDIS_URL: "", RATE_LIMIT_ANONYMOUS: "2" });
    expect(t.infra.kv.kind).toBe("memory");
    expect((await t.request("/api/v1/auth/me", from("203.0.113.20"))).status).toBe(401);
    expect((await t.request("/api/v1/auth/me", from("203.0.113.20"))).status).toBe(401);
    await expectRefused(await t.request("/api/v1/auth/me", from("203.0.113.20")));
  });

  test("with Redis unreachable the limiter counts in-process and still refuses", async () => {
    const t = await appWith("rl_redis_down", { REDIS_URL: `redis://127.0.0.1:${await closedPort()}`, RATE_LIMIT_ANONYMOUS: "2" });
    expect(t.infra.kv.kind).toBe("redis");
    expect((await t.request("/api/v1/auth/me", from("203.0.113.21"))).status).toBe(401);
    expect((await t.request("/api/v1/auth/me", from("203.0.113.21"))).status).toBe(401);
    await expectRefused(await t.request("/api/v1/auth/me", from("203.0.113.21")));
  });

  test.skipIf(noRedis)("two replicas share one budget through Redis", async () => {
    const env = { RATE_LIMIT_ANONYMOUS: "4" };
    const one = await appWith("rl_replicas", env);
    const two = await appWith("rl_replicas", env, one);
    expect(one.infra.kv.kind).toBe("redis");
    for (const t of [one, two, one, two]) expect((await t.request("/api/v1/auth/me", from("203.0.113.30"))).status).toBe(401);
    await expectRefused(await two.request("/api/v1/auth/me", from("203.0.113.30")));
    await expectRefused(await one.request("/api/v1/auth/me", from("203.0.113.30")));
  });
});

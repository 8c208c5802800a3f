import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { createApp } from "../../src/app";
import { ConfigError, loadConfig } from "../../src/config";
import { originMatcher } from "../../src/http/cors";
import { createLogger } from "../../src/infra/logger";
import { createMetrics } from "../../src/infra/metrics";
import { createTestApp, type TestApp } from "../support/app";
import { bodyOf } from "../support/http";
import { admin, bearer, customer } from "../support/identity";

const SHOP = "https://shop.example.com";
const PRODUCTION = { NODE_ENV: "production", DATABASE_URL: "postgres://u@db/x", REDIS_URL: "redis://redis:6379", JWT_SECRET: randomBytes(48).toString("base64"), CREDENTIALS_KEY: randomBytes(32).toString("hex") };

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({
    label: "sec_misconfig",
    env: { CORS_ORIGINS: `${SHOP}, https://admin.example.com` },
    extend: (app) =>
      app.get("/__test/boom", () => {
        throw new Error("kaboom");
      }),
  });
});
const opened: TestApp[] = [];
afterAll(async () => {
  for (const o of opened) await o.close();
  await t.close();
});

function expectSecurityHeaders(res: Response): void {
  expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  expect(res.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
  expect(res.headers.get("referrer-policy")).toBe("no-referrer");
  expect(res.headers.get("x-frame-options")).toBe("DENY");
  expect(res.headers.get("cross-origin-resource-policy")).toBe("same-origin");
  expect(res.headers.get("x-powered-by")).toBeNull();
}

describe("API8:2023 Security Misconfiguration — CORS allow-list", () => {
  test("an allowed origin is echoed exactly, with credentials, and answers vary by Origin", async () => {
    const res = await t.request("/health/live", { headers: { origin: SHOP } });
    expect(res.headers.get("access-control-allow-origin")).toBe(SHOP);
    expect(res.headers.get("access-control-allow-credentials")).toBe("true");
    expect(res.headers.get("access-control-expose-headers")).toContain("ratelimit-remaining");
    expect(res.headers.get("vary")).toBe("Origin");
  });

  test("any other origin gets no CORS headers at all, never a wildcard", async () => {
    for (const origin of ["https://evil.example.com", "https://shop.example.com.evil.net", "null", "http://shop.example.com"]) {
      const res = await t.request("/api/v1/auth/me", { headers: { origin } });
      expect(res.headers.get("access-control-allow-origin")).toBeNull();
      expect(res.headers.get("access-control-allow-credentials")).toBeNull();
      expect(res.headers.get("vary")).toBe("Origin");
    }
  });

  test("a call without an Origin (server to server, same origin) gets no CORS headers but Vary", async () => {
    const res = await t.request("/api/v1/auth/me");
    expect([...res.headers.keys()].filter((name) => name.startsWith("access-control-"))).toEqual([]);
    expect(res.headers.get("vary")).toBe("Origin");
  });

  test("preflights are answered 204: allowed origins get methods and headers, others nothing", async () => {
    const preflight = (origin: string) =>
      t.request("/api/v1/orders", {
        method: "OPTIONS",
        headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "authorization, idempotency-key" },
      });
    const allowed = await preflight(SHOP);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get("access-control-allow-origin")).toBe(SHOP);
    expect(allowed.headers.get("access-control-allow-methods")).toContain("POST");
    expect(allowed.headers.get("access-control-allow-headers")).toContain("idempotency-key");
    expectSecurityHeaders(allowed);
    const refused = await preflight("https://evil.example.com");
    expect(refused.status).toBe(204);
    expect(refused.headers.get("access-control-allow-origin")).toBeNull();
    expect(refused.headers.get("access-control-allow-methods")).toBeNull();
  });

  test("development allows local dev servers on any port; production allows no origin until CORS_ORIGINS lists it", () => {
    expect(loadConfig({ NODE_ENV: "development" }).http.corsOrigins).toEqual(["http://localhost:*", "http://127.0.0.1:*"]);
    expect(loadConfig(PRODUCTION).http.corsOrigins).toEqual([]);
    expect(loadConfig({ ...PRODUCTION, CORS_ORIGINS: `${SHOP},https://app.example.com` }).http.corsOrigins).toEqual([SHOP, "https://app.example.com"]);
  });

  test("the development pattern admits local ports only, not look-alike hosts", () => {
    const allowed = originMatcher(["http://localhost:*"]);
    expect(["http://localhost:5173", "http://localhost", "HTTP://LOCALHOST:8081"].map((o) => allowed(o))).toEqual([true, true, true]);
    const lookAlikes = ["http://localhost.evil.com", "http://localhost:5173.evil.com", "https://localhost:5173", "http://localhost:abc", "http://evil.com/http://localhost:1"];
    expect(lookAlikes.map((o) => allowed(o))).toEqual([false, false, false, false, false]);
  });

  test("bad settings are refused at start, every problem listed at once", () => {
    let problems: string[] = [];
    try {
      loadConfig({ CORS_ORIGINS: "https://shop.example.com/path", SWAGGER: "public", BODY_LIMIT_BYTES: "1mb", REQUEST_TIMEOUT_MS: "0", RATE_LIMITS: "maybe" });
    } catch (error) {
      if (error instanceof ConfigError) problems = error.problems;
    }
    expect(problems.map((p) => p.split(" ")[0])).toEqual(["CORS_ORIGINS", "BODY_LIMIT_BYTES", "SWAGGER", "RATE_LIMITS", "REQUEST_TIMEOUT_MS"]);
  });
});

describe("API8:2023 Security Misconfiguration — security headers on every answer", () => {
  test("on 200, 401, 404, 422, 500 and 429 answers alike", async () => {
    const answers = [
      await t.request("/health/live"),
      await t.request("/api/v1/auth/me"),
      await t.request("/no/such/path"),
      await t.request("/api/v1/auth/login", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" }),
      await t.request("/__test/boom"),
    ];
    expect(answers.map((r) => r.status)).toEqual([200, 401, 404, 422, 500]);
    for (const res of answers) expectSecurityHeaders(res);
    const limited = await createTestApp({ label: "sec_headers_429", env: { RATE_LIMIT_ANONYMOUS: "1" } });
    opened.push(limited);
    await limited.request("/api/v1/auth/me");
    const refused = await limited.request("/api/v1/auth/me");
    expect(refused.status).toBe(429);
    expectSecurityHeaders(refused);
  });

  test("HSTS only in production: never on a plain-http development or test host", async () => {
    expect((await t.request("/health/live")).headers.get("strict-transport-security")).toBeNull();
    expect(loadConfig(PRODUCTION).http.hsts).toBe(true);
    expect(loadConfig({ NODE_ENV: "development" }).http.hsts).toBe(false);
    const production = createApp({
      config: { ...t.config, http: loadConfig(PRODUCTION).http },
      log: createLogger({ level: "silent", pretty: false }),
      infra: t.infra,
      services: t.services,
      metrics: createMetrics(),
      reporter: { capture: () => undefined, flush: async () => undefined },
    });
    for (const path of ["/health/live", "/no/such/path"]) {
      const res = await production.handle(new Request(`http://localhost${path}`));
      expect(res.headers.get("strict-transport-security")).toBe("max-age=31536000; includeSubDomains");
    }
  });
});

describe("API8:2023 Security Misconfiguration — API docs by setting", () => {
  test("SWAGGER=on serves the page under a CSP that allows exactly the script host the page loads", async () => {
    const page = await t.request("/swagger");
    expect(page.status).toBe(200);
    const html = await page.text();
    const scripts = [...html.matchAll(/<script[^>]*\bsrc="([^"]+)"/g)].map((m) => new URL(m[1] ?? "").origin);
    expect(scripts).toEqual(["https://cdn.jsdelivr.net"]);
    const csp = page.headers.get("content-security-policy") ?? "";
    const scriptSrc = /script-src ([^;]+)/.exec(csp)?.[1]?.split(" ") ?? [];
    expect(scriptSrc).toEqual(["https://cdn.jsdelivr.net"]);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("connect-src 'self'");
    expect((await t.request("/swagger/json")).status).toBe(200);
    // The API's own answers keep the strict policy.
    expect((await t.request("/health/live")).headers.get("content-security-policy")).toStartWith("default-src 'none'");
  });

  test("SWAGGER=off serves neither the page nor the document", async () => {
    const off = await createTestApp({ label: "sec_swagger_off", env: { SWAGGER: "off" } });
    opened.push(off);
    for (const path of ["/swagger", "/swagger/json"]) expect((await off.request(path)).status).toBe(404);
  });

  test("SWAGGER=admin: 401 without a token, 403 for a customer, 200 for an admin; the production default", async () => {
    expect(loadConfig(PRODUCTION).http.swagger).toBe("admin");
    expect(loadConfig({ NODE_ENV: "development" }).http.swagger).toBe("on");
    const guarded = await createTestApp({ label: "sec_swagger_admin", env: { SWAGGER: "admin" } });
    opened.push(guarded);
    const [someone, boss] = [await customer(guarded), await admin(guarded)];
    for (const path of ["/swagger", "/swagger/json"]) {
      const anonymous = await guarded.request(path);
      expect(anonymous.status).toBe(401);
      expect((await bodyOf(anonymous)).error.code).toBe("UNAUTHENTICATED");
      expect((await guarded.request(path, { headers: bearer(someone.tokens.accessToken) })).status).toBe(403);
      expect((await guarded.request(path, { headers: bearer(boss.tokens.accessToken) })).status).toBe(200);
    }
    const doc = await bodyOf(await guarded.request("/swagger/json", { headers: bearer(boss.tokens.accessToken) }));
    expect(Object.keys(doc.paths)).toContain("/api/v1/orders");
  });
});

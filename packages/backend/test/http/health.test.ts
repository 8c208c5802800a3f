import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createApp, type AppDeps } from "../../src/app";
import type { Infrastructure } from "../../src/infra/bootstrap";
import { createLogger } from "../../src/infra/logger";
import { noErrorReporter } from "../../src/infra/sentry";
import { createTestApp, type TestApp } from "../support/app";
import { bodyOf } from "../support/http";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ label: "health" });
});
afterAll(() => t.close());

/** The same infrastructure as the test app, with some probes swapped and options changed. */
function appWith(probes: Infrastructure["probes"], extra: Partial<AppDeps> = {}) {
  const app = createApp({
    config: t.config,
    log: createLogger({ level: "silent", pretty: false }),
    infra: { ...t.infra, probes },
    metrics: t.metrics,
    reporter: noErrorReporter,
    ...extra,
  });
  return (path: string) => app.handle(new Request(`http://localhost${path}`));
}

const never = () => new Promise<void>(() => undefined);

describe("health", () => {
  test("live answers 200 while the process runs", async () => {
    const res = await t.request("/health/live");
    expect(res.status).toBe(200);
    expect(await bodyOf(res)).toEqual({ status: "ok" });
  });

  test("ready answers 200 and reports each dependency as up, with the driver in use", async () => {
    const res = await t.request("/health/ready");
    expect(res.status).toBe(200);
    const body = await bodyOf(res);
    expect(body.status).toBe("ok");
    expect(body.down).toEqual([]);
    expect(body.checks.postgres).toMatchObject({ status: "up", driver: t.config.databaseUrl ? "postgres" : "pglite" });
    expect(body.checks.redis).toMatchObject({ status: "up", driver: t.config.redisUrl ? "redis" : "memory" });
  });

  test("ready answers 503 naming the dependency that fails", async () => {
    const probes = t.infra.probes.map((p) =>
      p.name === "postgres" ? { ...p, ping: () => Promise.reject(new Error("connection refused")) } : p,
    );
    const res = await appWith(probes)("/health/ready");
    expect(res.status).toBe(503);
    const body = await bodyOf(res);
    expect(body.status).toBe("unavailable");
    expect(body.down).toEqual(["postgres"]);
    expect(body.checks.postgres.error).toBe("connection refused");
    expect(body.checks.redis.status).toBe("up");
  });

  test("a dependency that never answers is cut off at the health timeout", async () => {
    // The others answer at once: a real ping slower than 100 ms on a busy machine is not this test's subject.
    const probes = t.infra.probes.map((p) => ({ ...p, ping: p.name === "redis" ? never : async () => undefined }));
    // A probe that is not cut off would hang this request until the test's own timeout.
    const res = await appWith(probes, { config: { ...t.config, healthTimeoutMs: 100 } })("/health/ready");
    expect(res.status).toBe(503);
    const body = await bodyOf(res);
    expect(body.down).toEqual(["redis"]);
    expect(body.checks.redis.error).toContain("within 100 ms");
  });

  test("ready answers 503 while draining, so load balancers stop sending traffic", async () => {
    const res = await appWith(t.infra.probes, { isDraining: () => true })("/health/ready");
    expect(res.status).toBe(503);
    const body = await bodyOf(res);
    expect(body.draining).toBe(true);
    expect(body.down).toEqual([]);
  });
});

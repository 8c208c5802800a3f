import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { createTestApp, type TestApp } from "../support/app";
import { databaseUrl, redisUrl, skipReason } from "../support/env";
import { bodyOf } from "../support/http";
import { bearer, customer, get, login, postJson } from "../support/identity";
import { sleep } from "../support/net";
import { hostAndPort, startTcpProxy, type TcpProxy } from "../support/tcp-proxy";

// A revoked session is refused within this bound by every replica, whatever happened to Redis.
const REVOCATION_BOUND_MS = 1_000;
const SLACK = 3;

const me = (t: TestApp, token: string) => get(t, "/api/v1/auth/me", token);

/** Asks until the token is refused or the bound (with slack) runs out; answers the last status and code. */
async function refusedWithin(t: TestApp, token: string, ms: number): Promise<{ status: number; code?: string }> {
  const started = performance.now();
  for (;;) {
    const res = await me(t, token);
    if (res.status !== 200 || performance.now() - started > ms) {
      return { status: res.status, code: res.status === 200 ? undefined : (await bodyOf(res)).error.code };
    }
    await sleep(20);
  }
}

/** Every answer over `ms` for the token: a token that is accepted even once is a failure. */
async function statusesOver(t: TestApp, token: string, ms: number): Promise<number[]> {
  const statuses: number[] = [];
  const started = performance.now();
  while (performance.now() - started < ms) {
    statuses.push((await me(t, token)).status);
    await sleep(50);
  }
  return statuses;
}

/** "Redis restarted empty" for this test only: every key under the app's prefix is deleted. */
async function emptyRedisPrefix(prefix: string): Promise<void> {
  const client = new Redis(redisUrl as string);
  try {
    let cursor = "0";
    do {
      const [next, keys] = await client.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
      if (keys.length > 0) await client.del(...keys);
      cursor = next;
    } while (cursor !== "0");
  } finally {
    client.disconnect();
  }
}

async function waitForRedis(t: TestApp, ms: number): Promise<void> {
  const probe = t.infra.probes.find((p) => p.name === "redis");
  const started = performance.now();
  for (;;) {
    try {
      await probe?.ping(200);
      return;
    } catch (error) {
      if (performance.now() - started > ms) throw error;
      await sleep(50);
    }
  }
}

const needsServers = skipReason("redis") ?? skipReason("postgres");

describe.skipIf(!!needsServers)("revocation across replicas when Redis misbehaves", () => {
  let proxy: TcpProxy;
  let first: TestApp;
  let second: TestApp;
  beforeAll(async () => {
    const target = hostAndPort(redisUrl as string, 6379);
    proxy = await startTcpProxy(target.host, target.port);
    first = await createTestApp({ label: "revoke-durable", routeRedis: (url) => proxy.url(url) });
    second = await createTestApp({ label: "revoke-durable", replicaOf: first, routeRedis: (url) => proxy.url(url) });
  });
  afterAll(async () => {
    proxy.restore();
    await second.close();
    await first.close();
    await proxy.close();
  });

  test("a token logged out during a Redis outage is not accepted by the other replica once Redis is back", async () => {
    const { tokens } = await customer(first);
    expect((await me(second, tokens.accessToken)).status).toBe(200);
    proxy.cut("reset");
    try {
      expect((await postJson(first, "/api/v1/auth/logout", {}, bearer(tokens.accessToken))).status).toBe(204);
      expect(await refusedWithin(second, tokens.accessToken, REVOCATION_BOUND_MS * SLACK)).toEqual({ status: 401, code: "TOKEN_REVOKED" });
      await sleep(2_000);
    } finally {
      proxy.restore();
    }
    await waitForRedis(second, 10_000);
    // The subscription comes back and reloads what it missed: the logout must be part of it.
    const statuses = await statusesOver(second, tokens.accessToken, 1_500);
    expect(statuses.filter((s) => s !== 401)).toEqual([]);
  }, 30_000);

  test("a logout whose broadcast never reaches the other replica is refused there within a second", async () => {
    const direct = await createTestApp({ label: "revoke-durable", replicaOf: first });
    try {
      const { tokens } = await customer(first);
      expect((await me(direct, tokens.accessToken)).status).toBe(200);
      // Only the first replica loses Redis: the other stays subscribed and hears nothing.
      proxy.cut("reset");
      try {
        expect((await postJson(first, "/api/v1/auth/logout", {}, bearer(tokens.accessToken))).status).toBe(204);
        expect(await refusedWithin(direct, tokens.accessToken, REVOCATION_BOUND_MS * SLACK)).toEqual({ status: 401, code: "TOKEN_REVOKED" });
      } finally {
        proxy.restore();
      }
    } finally {
      await direct.close();
    }
  }, 30_000);

  test("with Postgres unreachable a replica answers 503 DATABASE_UNAVAILABLE rather than trust revocations older than a second", async () => {
    const target = hostAndPort(databaseUrl as string, 5432);
    const postgresProxy = await startTcpProxy(target.host, target.port);
    const isolated = await createTestApp({ label: "revoke-durable", replicaOf: first, routeDatabase: (url) => postgresProxy.url(url) });
    try {
      const { tokens } = await customer(first);
      expect((await me(isolated, tokens.accessToken)).status).toBe(200);
      postgresProxy.cut("reset");
      // Twice the bound: past it whatever the machine's speed (a slow run only waits longer).
      await sleep(REVOCATION_BOUND_MS * 2);
      const res = await me(isolated, tokens.accessToken);
      expect(res.status).toBe(503);
      expect((await bodyOf(res)).error.code).toBe("DATABASE_UNAVAILABLE");
      postgresProxy.restore();
      let status = 0;
      const started = performance.now();
      while (status !== 200 && performance.now() - started < 10_000) {
        await sleep(100);
        status = (await me(isolated, tokens.accessToken)).status;
      }
      expect(status).toBe(200);
    } finally {
      postgresProxy.restore();
      await isolated.close();
      await postgresProxy.close();
    }
  }, 30_000);
});

// Embedded mode runs this too (a PGlite folder reopened); with real servers it needs both.
const needsBothOrNeither = databaseUrl && !redisUrl ? skipReason("redis") : undefined;

describe.skipIf(!!needsBothOrNeither)("revocation after Redis restarts empty and the app restarts", () => {
  let dataDir: string | undefined;
  beforeAll(async () => {
    if (!databaseUrl) dataDir = await mkdtemp(join(tmpdir(), "revoke-restart-"));
  });
  afterAll(async () => {
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  test("a logged-out token and a revoked session stay refused after Redis and the app restart", async () => {
    // Embedded mode: the in-process store dies with the process; the app reopens the same PGlite folder.
    // Real servers: this test's Redis keys are deleted and a fresh instance opens the same database.
    const env = dataDir ? { PGLITE_DATA_DIR: join(dataDir, "pg") } : undefined;
    const before = await createTestApp({ label: "revoke-restart", env });
    let after: TestApp | undefined;
    try {
      const { email, tokens: loggedOut } = await customer(before);
      const revoked = await login(before, email);
      const kept = await login(before, email);
      expect((await postJson(before, "/api/v1/auth/logout", {}, bearer(loggedOut.accessToken))).status).toBe(204);
      expect((await before.request(`/api/v1/auth/sessions/${revoked.sessionId}`, { method: "DELETE", headers: bearer(kept.accessToken) })).status).toBe(204);

      if (dataDir) {
        await before.close();
        // The restarted process keeps its secret, as a deployment's environment does.
        after = await createTestApp({ label: "revoke-restart", env: { ...env, JWT_SECRET: before.config.jwtSecret } });
      } else {
        await emptyRedisPrefix(before.config.redisKeyPrefix);
        after = await createTestApp({ label: "revoke-restart", replicaOf: before });
      }
      for (const token of [loggedOut.accessToken, revoked.accessToken]) {
        const res = await me(after, token);
        expect(res.status).toBe(401);
        expect((await bodyOf(res)).error.code).toBe("TOKEN_REVOKED");
      }
      expect((await me(after, kept.accessToken)).status).toBe(200);
    } finally {
      await after?.close();
      if (!dataDir) await before.close();
    }
  }, 60_000);
});

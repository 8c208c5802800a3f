import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../support/app";
import { bodyOf } from "../support/http";
import { skipReason } from "../support/env";
import { bearer, customer, get, postJson } from "../support/identity";

// Two app instances with their own pools and Redis clients over one Postgres and one Redis:
// what two replicas behind nginx are.
const needsServers = skipReason("redis") ?? skipReason("postgres");

describe.skipIf(!!needsServers)("two replicas sharing Postgres and Redis", () => {
  let first: TestApp;
  let second: TestApp;
  beforeAll(async () => {
    first = await createTestApp({ label: "replica" });
    second = await createTestApp({ label: "replica", replicaOf: first });
  });
  afterAll(async () => {
    await second.close();
    await first.close();
  });

  test("a token issued by one is accepted by the other", async () => {
    const { tokens } = await customer(first);
    expect((await get(second, "/api/v1/auth/me", tokens.accessToken)).status).toBe(200);
  });

  test("an access token logged out on one is refused by the other at once", async () => {
    const { tokens } = await customer(first);
    expect((await get(second, "/api/v1/auth/me", tokens.accessToken)).status).toBe(200);
    expect((await postJson(first, "/api/v1/auth/logout", {}, bearer(tokens.accessToken))).status).toBe(204);
    // The second replica learns through Redis pub/sub: milliseconds, not the token's 15 minutes.
    const started = performance.now();
    let res = await get(second, "/api/v1/auth/me", tokens.accessToken);
    while (res.status === 200 && performance.now() - started < 500) {
      await Bun.sleep(5);
      res = await get(second, "/api/v1/auth/me", tokens.accessToken);
    }
    expect(res.status).toBe(401);
    expect((await bodyOf(res)).error.code).toBe("TOKEN_REVOKED");
  });

  test("a replica that starts after a logout still refuses the token (it loads the shared set)", async () => {
    const { tokens } = await customer(first);
    expect((await postJson(first, "/api/v1/auth/logout", {}, bearer(tokens.accessToken))).status).toBe(204);
    const late = await createTestApp({ label: "replica", replicaOf: first });
    try {
      const res = await get(late, "/api/v1/auth/me", tokens.accessToken);
      expect(res.status).toBe(401);
      expect((await bodyOf(res)).error.code).toBe("TOKEN_REVOKED");
    } finally {
      await late.close();
    }
  });

  test("login attempts are counted across replicas", async () => {
    const { email } = await customer(first);
    const attempt = (app: TestApp) =>
      postJson(app, "/api/v1/auth/login", { email, password: "wrong password!" }, { "x-forwarded-for": "10.9.0.1" });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await attempt(i % 2 === 0 ? first : second)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
  });
});

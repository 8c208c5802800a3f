import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../support/app";
import { bodyOf } from "../support/http";
import { bearer, customer, get, postJson } from "../support/identity";
import { closedPort } from "../support/net";

// Redis is down (nothing listens at its address): sign-in, logout and revocation keep working
// from Postgres and in-process counters, more slowly.
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ label: "storedown", env: { REDIS_URL: `redis://127.0.0.1:${await closedPort()}` } });
});
afterAll(() => t.close());

describe("with the shared store unreachable", () => {
  test("login, me and logout still work, and a logged-out token is still refused", async () => {
    const { tokens } = await customer(t);
    expect((await get(t, "/api/v1/auth/me", tokens.accessToken)).status).toBe(200);
    expect((await postJson(t, "/api/v1/auth/logout", {}, bearer(tokens.accessToken))).status).toBe(204);
    const res = await get(t, "/api/v1/auth/me", tokens.accessToken);
    expect(res.status).toBe(401);
    expect((await bodyOf(res)).error.code).toBe("TOKEN_REVOKED");
  });

  test("readiness names redis as down", async () => {
    const res = await t.request("/health/ready");
    expect(res.status).toBe(503);
    expect((await bodyOf(res)).down).toEqual(["redis"]);
  });
});

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { decodeJwt, SignJWT } from "jose";
import { createTestApp, type TestApp } from "../support/app";
import { bodyOf } from "../support/http";
import { customer, get, login, postJson, register, uniqueEmail } from "../support/identity";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ label: "tokens" });
});
afterAll(() => t.close());

const REFRESH = "/api/v1/auth/refresh";
const ME = "/api/v1/auth/me";

async function codeOf(res: Response): Promise<string> {
  return (await bodyOf(res)).error.code;
}

/** A token with the right claims, signed however the test says. */
async function forge(secret: string, claims: Record<string, unknown>, alg = "HS256", expSeconds = 600) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ role: "admin", ...claims })
    .setProtectedHeader({ alg })
    .setSubject(String(claims.sub ?? crypto.randomUUID()))
    .setJti(crypto.randomUUID())
    .setIssuer("pazarsync")
    .setAudience("pazarsync-api")
    .setIssuedAt(now - 1000)
    .setExpirationTime(now + expSeconds)
    .sign(new TextEncoder().encode(secret));
}

describe("refresh rotation", () => {
  test("a refresh token gives a new pair once, in the same session", async () => {
    const { tokens } = await customer(t);
    const res = await postJson(t, REFRESH, { refreshToken: tokens.refreshToken });
    expect(res.status).toBe(200);
    const next = await bodyOf(res);
    expect(next.sessionId).toBe(tokens.sessionId);
    expect(next.refreshToken).not.toBe(tokens.refreshToken);
    expect(decodeJwt(next.accessToken).jti).not.toBe(decodeJwt(tokens.accessToken).jti);
    expect((await get(t, ME, next.accessToken)).status).toBe(200);
    // And the successor rotates in turn.
    expect((await postJson(t, REFRESH, { refreshToken: next.refreshToken })).status).toBe(200);
  });

  test("presenting a used refresh token revokes the whole family", async () => {
    const { tokens } = await customer(t);
    const next = await bodyOf(await postJson(t, REFRESH, { refreshToken: tokens.refreshToken }));
    const reuse = await postJson(t, REFRESH, { refreshToken: tokens.refreshToken });
    expect(reuse.status).toBe(401);
    expect(await codeOf(reuse)).toBe("TOKEN_REUSED");
    // The legitimate successor dies with it, and so do the session's access tokens.
    expect(await codeOf(await postJson(t, REFRESH, { refreshToken: next.refreshToken }))).toBe("TOKEN_REVOKED");
    expect(await codeOf(await get(t, ME, next.accessToken))).toBe("TOKEN_REVOKED");
    expect(await codeOf(await get(t, ME, tokens.accessToken))).toBe("TOKEN_REVOKED");
  });

  test("two refreshes racing with one token: exactly one wins", async () => {
    const { tokens } = await customer(t);
    const results = await Promise.all([1, 2, 3].map(() => postJson(t, REFRESH, { refreshToken: tokens.refreshToken })));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 401)).toHaveLength(2);
  });

  test("an unknown refresh token is 401 UNAUTHENTICATED", async () => {
    const res = await postJson(t, REFRESH, { refreshToken: "not-a-token-we-issued" });
    expect(res.status).toBe(401);
    expect(await codeOf(res)).toBe("UNAUTHENTICATED");
  });

  test("an expired refresh token is 401 TOKEN_EXPIRED", async () => {
    const shortLived = await createTestApp({ label: "tokens-exp", env: { REFRESH_TOKEN_TTL_DAYS: "0" } });
    try {
      const email = uniqueEmail();
      await register(shortLived, email);
      const tokens = await login(shortLived, email);
      const res = await postJson(shortLived, REFRESH, { refreshToken: tokens.refreshToken });
      expect(res.status).toBe(401);
      expect(await codeOf(res)).toBe("TOKEN_EXPIRED");
    } finally {
      await shortLived.close();
    }
  });
});

describe("access tokens", () => {
  test("no token, a malformed header or garbage is 401 UNAUTHENTICATED", async () => {
    const variants: Record<string, string>[] = [{}, { authorization: "Basic abc" }, { authorization: "Bearer not.a.jwt" }];
    for (const headers of variants) {
      const res = await t.request(ME, { headers });
      expect(res.status).toBe(401);
      expect(await codeOf(res)).toBe("UNAUTHENTICATED");
      expect(res.headers.get("www-authenticate")).toContain("Bearer");
    }
  });

  test("a token signed with another secret is 401", async () => {
    const res = await get(t, ME, await forge("another-secret-that-is-long-enough-0123", {}));
    expect(res.status).toBe(401);
    expect(await codeOf(res)).toBe("UNAUTHENTICATED");
  });

  test("a token with another algorithm, even with the right secret, is 401", async () => {
    const res = await get(t, ME, await forge(t.config.jwtSecret, { sid: crypto.randomUUID() }, "HS512"));
    expect(res.status).toBe(401);
    expect(await codeOf(res)).toBe("UNAUTHENTICATED");
  });

  test("an alg: none token is 401", async () => {
    const { tokens } = await customer(t);
    const payload = tokens.accessToken.split(".")[1];
    const header = Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url");
    for (const token of [`${header}.${payload}.`, `${header}.${payload}`]) {
      const res = await get(t, ME, token);
      expect(res.status).toBe(401);
      expect(await codeOf(res)).toBe("UNAUTHENTICATED");
    }
  });

  test("an expired token is 401 TOKEN_EXPIRED", async () => {
    const { tokens } = await customer(t);
    const claims = decodeJwt(tokens.accessToken);
    const expired = await forge(t.config.jwtSecret, { sub: claims.sub, sid: claims.sid, role: "customer" }, "HS256", -60);
    const res = await get(t, ME, expired);
    expect(res.status).toBe(401);
    expect(await codeOf(res)).toBe("TOKEN_EXPIRED");
  });

  test("a well-signed token for the right session is accepted: the forging above is not the reason for refusals", async () => {
    const { tokens } = await customer(t);
    const claims = decodeJwt(tokens.accessToken);
    const token = await forge(t.config.jwtSecret, { sub: claims.sub, sid: claims.sid, role: "customer" });
    expect((await get(t, ME, token)).status).toBe(200);
  });
});

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { decodeJwt, SignJWT } from "jose";
import { createTestApp, type TestApp } from "../support/app";
import { bodyOf } from "../support/http";
import { customer, get, postJson, register, uniqueEmail, PASSWORD } from "../support/identity";
import { errorCode } from "./support";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ label: "owasp-api2" });
});
afterAll(() => t.close());

const ME = "/api/v1/auth/me";
const REFRESH = "/api/v1/auth/refresh";
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const withAuth = (authorization: string) => t.request(ME, { headers: { authorization } });

/** A token with claims copied from a real one, signed as the test says (expired, another secret...). */
async function signed(claims: Record<string, unknown>, secret: string, expiresAt: number) {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setExpirationTime(expiresAt)
    .setIssuedAt(expiresAt - 900)
    .sign(new TextEncoder().encode(secret));
}

describe("API2:2023 Broken Authentication — access tokens", () => {
  test("no token, an empty or non-Bearer header and garbage are 401 UNAUTHENTICATED", async () => {
    expect(await errorCode(await t.request(ME))).toBe("UNAUTHENTICATED");
    for (const header of ["", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer not.a.jwt", "Bearer a.b", `Bearer ${"x".repeat(5000)}`]) {
      const res = await withAuth(header);
      expect({ header: header.slice(0, 20), status: res.status }).toEqual({ header: header.slice(0, 20), status: 401 });
      expect(await errorCode(res)).toBe("UNAUTHENTICATED");
    }
  });

  test("a token whose payload was edited (customer -> admin) is 401: the signature no longer matches", async () => {
    const { tokens } = await customer(t);
    const [header, , signature] = (tokens.accessToken as string).split(".");
    const promoted = { ...decodeJwt(tokens.accessToken), role: "admin" };
    expect((await get(t, ME, tokens.accessToken)).status).toBe(200);
    const res = await withAuth(`Bearer ${header}.${b64(promoted)}.${signature}`);
    expect(res.status).toBe(401);
    expect((await get(t, "/api/v1/inventory/invariants", `${header}.${b64(promoted)}.${signature}`)).status).toBe(401);
  });

  test("alg none (unsigned) tokens are 401, with or without a trailing signature", async () => {
    const { tokens } = await customer(t);
    const claims = { ...decodeJwt(tokens.accessToken), role: "admin" };
    for (const alg of ["none", "None", "NONE"]) {
      const unsigned = `${b64({ alg, typ: "JWT" })}.${b64(claims)}.`;
      expect((await withAuth(`Bearer ${unsigned}`)).status).toBe(401);
      expect((await withAuth(`Bearer ${unsigned}AAAA`)).status).toBe(401);
    }
  });

  test("a token signed with another secret is 401, one signed with the server's secret is accepted", async () => {
    const { tokens } = await customer(t);
    const claims = decodeJwt(tokens.accessToken);
    const later = Math.floor(Date.now() / 1000) + 600;
    expect((await withAuth(`Bearer ${await signed(claims, "another-secret-of-at-least-32-chars!!", later)}`)).status).toBe(401);
    // Control: the same claims under the real secret pass, so the refusal above is the signature's.
    expect((await withAuth(`Bearer ${await signed(claims, t.config.jwtSecret, later)}`)).status).toBe(200);
  });

  test("an expired token is 401 TOKEN_EXPIRED even when correctly signed", async () => {
    const { tokens } = await customer(t);
    const claims = decodeJwt(tokens.accessToken);
    const expired = await signed({ ...claims, jti: crypto.randomUUID() }, t.config.jwtSecret, Math.floor(Date.now() / 1000) - 5);
    const res = await withAuth(`Bearer ${expired}`);
    expect(res.status).toBe(401);
    expect(await errorCode(res)).toBe("TOKEN_EXPIRED");
  });

  test("the access token of a logged-out session is 401 TOKEN_REVOKED at once", async () => {
    const { tokens } = await customer(t);
    expect((await postJson(t, "/api/v1/auth/logout", {}, { authorization: `Bearer ${tokens.accessToken}` })).status).toBe(204);
    const res = await get(t, ME, tokens.accessToken);
    expect(res.status).toBe(401);
    expect(await errorCode(res)).toBe("TOKEN_REVOKED");
  });
});

describe("API2:2023 Broken Authentication — refresh tokens", () => {
  test("reusing a refresh token is detected: 401 TOKEN_REUSED, and the whole session dies", async () => {
    const { tokens } = await customer(t);
    const rotated = await bodyOf(await postJson(t, REFRESH, { refreshToken: tokens.refreshToken }));
    expect(rotated.refreshToken).toBeString();
    // An attacker replays the stolen, already-used token.
    const replay = await postJson(t, REFRESH, { refreshToken: tokens.refreshToken });
    expect(replay.status).toBe(401);
    expect(await errorCode(replay)).toBe("TOKEN_REUSED");
    // Neither the legitimate successor nor any access token of the session works any more.
    expect((await postJson(t, REFRESH, { refreshToken: rotated.refreshToken })).status).toBe(401);
    expect((await get(t, ME, rotated.accessToken)).status).toBe(401);
    expect((await get(t, ME, tokens.accessToken)).status).toBe(401);
  });

  test("an access token is not a refresh token (refused, by schema or lookup), and a made-up refresh token is 401", async () => {
    const { tokens } = await customer(t);
    expect([401, 422]).toContain((await postJson(t, REFRESH, { refreshToken: tokens.accessToken })).status);
    expect((await postJson(t, REFRESH, { refreshToken: "A".repeat(43) })).status).toBe(401);
  });
});

describe("API2:2023 Broken Authentication — credentials", () => {
  test("a wrong password and an unknown email get the same 401 INVALID_CREDENTIALS (no account enumeration)", async () => {
    const email = uniqueEmail("enum");
    await register(t, email);
    const wrong = await postJson(t, "/api/v1/auth/login", { email, password: "not the password" }, { "x-forwarded-for": "10.20.0.1" });
    const unknown = await postJson(t, "/api/v1/auth/login", { email: uniqueEmail("nobody"), password: "not the password" }, { "x-forwarded-for": "10.20.0.1" });
    const [a, b] = [await bodyOf(wrong), await bodyOf(unknown)];
    expect([wrong.status, unknown.status]).toEqual([401, 401]);
    expect(a.error).toEqual(b.error);
    expect(a.error.code).toBe("INVALID_CREDENTIALS");
  });

  test("login is throttled per account: after 5 attempts from one address even the right password is 429 RATE_LIMITED", async () => {
    const email = uniqueEmail("throttle");
    await register(t, email);
    const attempt = (password: string) => postJson(t, "/api/v1/auth/login", { email, password }, { "x-forwarded-for": "10.20.1.1" });
    for (let i = 0; i < 5; i++) expect((await attempt(`guess number ${i}`)).status).toBe(401);
    const blocked = await attempt(PASSWORD);
    expect(blocked.status).toBe(429);
    expect(await errorCode(blocked)).toBe("RATE_LIMITED");
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  test("a weak password is refused at sign-up (422)", async () => {
    const res = await postJson(t, "/api/v1/auth/register", { email: uniqueEmail("weak"), password: "short" }, { "x-forwarded-for": "10.20.2.1" });
    expect(res.status).toBe(422);
  });
});

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { decodeJwt, decodeProtectedHeader } from "jose";
import { createTestApp, type TestApp } from "../support/app";
import { bodyOf } from "../support/http";
import { customer, get, login, PASSWORD, postJson, register, uniqueEmail } from "../support/identity";
import { queryRows } from "../../src/infra/db";
import { sql } from "drizzle-orm";
import { createHash } from "node:crypto";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ label: "login" });
});
afterAll(() => t.close());

const LOGIN = "/api/v1/auth/login";

describe("login", () => {
  test("answers an access token, a refresh token, its lifetime and the Bearer type", async () => {
    const { tokens } = await customer(t);
    expect(tokens.tokenType).toBe("Bearer");
    expect(tokens.expiresIn).toBe(900);
    expect(typeof tokens.refreshToken).toBe("string");
    const header = decodeProtectedHeader(tokens.accessToken);
    expect(header.alg).toBe("HS256");
    const claims = decodeJwt(tokens.accessToken);
    expect(claims.role).toBe("customer");
    expect(claims.sid).toBe(tokens.sessionId);
    expect(typeof claims.sub).toBe("string");
    expect(typeof claims.jti).toBe("string");
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(15 * 60);
  });

  test("the refresh token is opaque and only its hash is stored", async () => {
    const { tokens } = await customer(t);
    expect(tokens.refreshToken.split(".")).toHaveLength(1);
    const hash = createHash("sha256").update(tokens.refreshToken).digest("hex");
    const rows = await queryRows<{ token_hash: string; days: number }>(
      t.infra.database.db,
      sql`select token_hash, round(extract(epoch from expires_at - created_at) / 86400)::int as days
          from refresh_tokens where session_id = ${tokens.sessionId}`,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]?.token_hash).toBe(hash);
    expect(rows[0]?.token_hash).not.toContain(tokens.refreshToken);
    expect(rows[0]?.days).toBe(30);
  });

  test("an unknown email and a wrong password get the same answer", async () => {
    const email = uniqueEmail();
    await register(t, email);
    const wrong = await postJson(t, LOGIN, { email, password: "wrong password!" });
    const unknown = await postJson(t, LOGIN, { email: uniqueEmail("ghost"), password: PASSWORD });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const [a, b] = [await bodyOf(wrong), await bodyOf(unknown)];
    expect(a).toEqual(b);
    expect(a.error.code).toBe("INVALID_CREDENTIALS");
  });

  test("an unknown email still pays for one password verification, as a wrong password does", async () => {
    // The decoy verification is what keeps timing from revealing accounts (bench/auth measures it).
    const email = uniqueEmail();
    await register(t, email);
    const original = Bun.password.verify;
    let verifications = 0;
    Bun.password.verify = (...args: Parameters<typeof original>) => {
      verifications += 1;
      return original(...args);
    };
    try {
      await postJson(t, LOGIN, { email: uniqueEmail("ghost"), password: PASSWORD });
      expect(verifications).toBe(1);
      await postJson(t, LOGIN, { email, password: "wrong password!" });
      expect(verifications).toBe(2);
    } finally {
      Bun.password.verify = original;
    }
  });

  test("the fourth login revokes the oldest session", async () => {
    const email = uniqueEmail();
    await register(t, email);
    const first = await login(t, email);
    const second = await login(t, email);
    const third = await login(t, email);
    expect((await get(t, "/api/v1/auth/me", first.accessToken)).status).toBe(200);
    const fourth = await login(t, email);

    const evicted = await get(t, "/api/v1/auth/me", first.accessToken);
    expect(evicted.status).toBe(401);
    expect((await bodyOf(evicted)).error.code).toBe("TOKEN_REVOKED");
    const refresh = await postJson(t, "/api/v1/auth/refresh", { refreshToken: first.refreshToken });
    expect((await bodyOf(refresh)).error.code).toBe("TOKEN_REVOKED");

    const sessions = await bodyOf(await get(t, "/api/v1/auth/sessions", fourth.accessToken));
    const ids = sessions.items.map((s: { id: string }) => s.id);
    expect(ids).toEqual([second.sessionId, third.sessionId, fourth.sessionId]);
    for (const kept of [second, third, fourth]) expect((await get(t, "/api/v1/auth/me", kept.accessToken)).status).toBe(200);
  });

  test("unknown fields at login are refused", async () => {
    const res = await postJson(t, LOGIN, { email: uniqueEmail(), password: PASSWORD, admin: true });
    expect(res.status).toBe(422);
  });
});

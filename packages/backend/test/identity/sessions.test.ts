import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../support/app";
import { bodyOf } from "../support/http";
import { bearer, customer, get, login, postJson, register, uniqueEmail } from "../support/identity";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ label: "sessions" });
});
afterAll(() => t.close());

const ME = "/api/v1/auth/me";
const SESSIONS = "/api/v1/auth/sessions";
const remove = (path: string, token: string) => t.request(path, { method: "DELETE", headers: bearer(token) });

describe("me", () => {
  test("answers the caller's account and session", async () => {
    const { email, tokens } = await customer(t);
    const res = await get(t, ME, tokens.accessToken);
    expect(res.status).toBe(200);
    const me = await bodyOf(res);
    expect(me).toMatchObject({ email, role: "customer", sessionId: tokens.sessionId });
    expect(Number.isNaN(Date.parse(me.createdAt))).toBe(false);
  });
});

describe("logout", () => {
  test("revokes the session: its access token and refresh token stop working at once", async () => {
    const { tokens } = await customer(t);
    const res = await postJson(t, "/api/v1/auth/logout", {}, bearer(tokens.accessToken));
    expect(res.status).toBe(204);
    const me = await get(t, ME, tokens.accessToken);
    expect(me.status).toBe(401);
    expect((await bodyOf(me)).error.code).toBe("TOKEN_REVOKED");
    const refresh = await postJson(t, "/api/v1/auth/refresh", { refreshToken: tokens.refreshToken });
    expect((await bodyOf(refresh)).error.code).toBe("TOKEN_REVOKED");
  });

  test("logging out one device leaves the others signed in", async () => {
    const email = uniqueEmail();
    await register(t, email);
    const phone = await login(t, email);
    const laptop = await login(t, email);
    await postJson(t, "/api/v1/auth/logout", {}, bearer(phone.accessToken));
    expect((await get(t, ME, laptop.accessToken)).status).toBe(200);
  });

  test("needs a token", async () => {
    expect((await postJson(t, "/api/v1/auth/logout", {})).status).toBe(401);
  });
});

describe("sessions", () => {
  test("lists the caller's active sessions, marking the current one", async () => {
    const email = uniqueEmail();
    await register(t, email);
    const phone = await login(t, email);
    const laptop = await login(t, email);
    const list = await bodyOf(await get(t, SESSIONS, laptop.accessToken));
    expect(list.items.map((s: { id: string }) => s.id)).toEqual([phone.sessionId, laptop.sessionId]);
    expect(list.items.map((s: { current: boolean }) => s.current)).toEqual([false, true]);
    expect(list.items[0].ip).toBe("10.0.0.1");
  });

  test("revoking another of my sessions ends it everywhere", async () => {
    const email = uniqueEmail();
    await register(t, email);
    const phone = await login(t, email);
    const laptop = await login(t, email);
    expect((await remove(`${SESSIONS}/${phone.sessionId}`, laptop.accessToken)).status).toBe(204);
    expect((await bodyOf(await get(t, ME, phone.accessToken))).error.code).toBe("TOKEN_REVOKED");
    const list = await bodyOf(await get(t, SESSIONS, laptop.accessToken));
    expect(list.items.map((s: { id: string }) => s.id)).toEqual([laptop.sessionId]);
  });

  test("someone else's session is 404, and stays alive", async () => {
    const mine = await customer(t);
    const theirs = await customer(t);
    const res = await remove(`${SESSIONS}/${theirs.tokens.sessionId}`, mine.tokens.accessToken);
    expect(res.status).toBe(404);
    expect((await bodyOf(res)).error.code).toBe("SESSION_NOT_FOUND");
    expect((await get(t, ME, theirs.tokens.accessToken)).status).toBe(200);
  });

  test("a malformed session id is 422", async () => {
    const { tokens } = await customer(t);
    expect((await remove(`${SESSIONS}/not-a-uuid`, tokens.accessToken)).status).toBe(422);
  });
});

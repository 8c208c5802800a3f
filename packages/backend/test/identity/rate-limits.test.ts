import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../support/app";
import { bodyOf } from "../support/http";
import { login, PASSWORD, postJson, register, uniqueEmail } from "../support/identity";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ label: "ratelimit", env: { AUTH_ATTEMPTS_PER_IP: "12" } });
});
afterAll(() => t.close());

const LOGIN = "/api/v1/auth/login";
const attempt = (email: string, ip: string, password = "wrong password!") =>
  postJson(t, LOGIN, { email, password }, { "x-forwarded-for": ip });

describe("login and register rate limits", () => {
  test("a user who logs in correctly ten times in a window is never refused", async () => {
    const email = uniqueEmail();
    await register(t, email);
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await attempt(email, "10.5.0.1", PASSWORD)).status);
    expect(statuses).toEqual(Array(10).fill(200));
  });

  test("an attacker's five wrong passwords lock the (IP, email) even though the owner logged in between", async () => {
    const email = uniqueEmail();
    await register(t, email);
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await attempt(email, "10.6.0.1")).status);
    statuses.push((await attempt(email, "10.6.0.1", PASSWORD)).status);
    for (let i = 0; i < 2; i++) statuses.push((await attempt(email, "10.6.0.1")).status);
    statuses.push((await attempt(email, "10.6.0.1", PASSWORD)).status);
    expect(statuses).toEqual([401, 401, 401, 200, 401, 401, 429]);
  });

  test("one address logging in successfully still meets the per-IP ceiling on all attempts", async () => {
    const email = uniqueEmail();
    await register(t, email);
    const statuses: number[] = [];
    for (let i = 0; i < 13; i++) statuses.push((await attempt(email, "10.7.0.1", PASSWORD)).status);
    expect(statuses.slice(0, 12)).toEqual(Array(12).fill(200));
    expect(statuses[12]).toBe(429);
  });

  test("after 5 failed logins for one (IP, email) within the window even the right password is 429 with Retry-After", async () => {
    const email = uniqueEmail();
    await register(t, email);
    for (let i = 0; i < 5; i++) expect((await attempt(email, "10.1.0.1")).status).toBe(401);
    const sixth = await attempt(email, "10.1.0.1", PASSWORD);
    expect(sixth.status).toBe(429);
    expect((await bodyOf(sixth)).error.code).toBe("RATE_LIMITED");
    const retryAfter = Number(sixth.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
  });

  test("the same email from another address has its own budget", async () => {
    const email = uniqueEmail();
    await register(t, email);
    for (let i = 0; i < 6; i++) await attempt(email, "10.2.0.1");
    expect((await attempt(email, "10.2.0.1", PASSWORD)).status).toBe(429);
    expect((await login(t, email, PASSWORD, "10.2.0.2")).tokenType).toBe("Bearer");
  });

  test("registration attempts for a taken email count against the same budget", async () => {
    const email = uniqueEmail();
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      statuses.push((await postJson(t, "/api/v1/auth/register", { email, password: PASSWORD }, { "x-forwarded-for": "10.3.0.1" })).status);
    }
    expect(statuses).toEqual([201, 409, 409, 409, 409, 409, 429]);
  });

  test("one address trying many emails hits the wider per-IP limit", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 13; i++) statuses.push((await attempt(uniqueEmail(), "10.4.0.1")).status);
    expect(statuses.slice(0, 12).every((s) => s === 401)).toBe(true);
    expect(statuses[12]).toBe(429);
    // Another address is unaffected.
    expect((await attempt(uniqueEmail(), "10.4.0.2")).status).toBe(401);
  });
});

describe("sign-ups from one shared address", () => {
  let shared: TestApp;
  beforeAll(async () => {
    shared = await createTestApp({ label: "ratelimit_signups", env: { AUTH_FAILURES_PER_IP: "5", AUTH_ATTEMPTS_PER_IP: "50" } });
  });
  afterAll(() => shared.close());

  const signUp = (email: string) => postJson(shared, "/api/v1/auth/register", { email, password: PASSWORD }, { "x-forwarded-for": "10.9.0.1" });

  test("many customers signing up behind one address (a mobile carrier's NAT) are not refused as failures", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await signUp(uniqueEmail("nat"))).status);
    expect(statuses).toEqual([201, 201, 201, 201, 201, 201, 201, 201]);
  });

  test("probing for taken emails from that address still counts as failures", async () => {
    const taken = uniqueEmail("taken");
    expect((await signUp(taken)).status).toBe(201);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await signUp(i % 2 === 0 ? taken : taken.toUpperCase())).status);
    expect(statuses.slice(0, 4).every((s) => s === 409)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
  });
});

import type { TestApp } from "./app";
import { bodyOf, type Json } from "./http";

export const PASSWORD = "correct horse battery";

let counter = 0;
/** A fresh email per call, so tests in one file never collide. */
export function uniqueEmail(label = "user"): string {
  counter += 1;
  return `${label}-${counter}-${Math.random().toString(36).slice(2, 8)}@example.com`;
}

export function postJson(t: TestApp, path: string, body: unknown, headers: Record<string, string> = {}) {
  return t.request(path, {
    method: "POST",
    headers: { "content-type": "application/json", "x-forwarded-for": "10.0.0.1", ...headers },
    body: JSON.stringify(body),
  });
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

export async function register(t: TestApp, email: string, password = PASSWORD): Promise<Json> {
  const res = await postJson(t, "/api/v1/auth/register", { email, password });
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${await res.text()}`);
  return bodyOf(res);
}

export async function login(t: TestApp, email: string, password = PASSWORD, ip = "10.0.0.1"): Promise<Json> {
  const res = await postJson(t, "/api/v1/auth/login", { email, password }, { "x-forwarded-for": ip });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  return bodyOf(res);
}

/** A registered, logged-in customer. */
export async function customer(t: TestApp): Promise<{ email: string; tokens: Json }> {
  const email = uniqueEmail("customer");
  await register(t, email);
  return { email, tokens: await login(t, email) };
}

/** An admin created the way production creates the first one (ADMIN_EMAIL/ADMIN_PASSWORD), logged in. */
export async function admin(t: TestApp): Promise<{ email: string; tokens: Json }> {
  const email = uniqueEmail("admin");
  await t.services.identity.ensureAdmin({ email, password: PASSWORD });
  return { email, tokens: await login(t, email) };
}

export async function get(t: TestApp, path: string, token?: string) {
  return t.request(path, { headers: token ? bearer(token) : {} });
}

/** A staff member, created by an admin through the admin route, logged in. */
export async function staff(t: TestApp): Promise<{ email: string; tokens: Json }> {
  const boss = await admin(t);
  const email = uniqueEmail("staff");
  const res = await postJson(t, "/api/v1/admin/users", { email, password: PASSWORD, role: "staff" }, bearer(boss.tokens.accessToken));
  if (res.status !== 201) throw new Error(`staff creation failed: ${res.status} ${await res.text()}`);
  return { email, tokens: await login(t, email) };
}

export function sendJson(t: TestApp, method: string, path: string, body: unknown, token?: string) {
  return t.request(path, {
    method,
    headers: { "content-type": "application/json", ...(token ? bearer(token) : {}) },
    body: JSON.stringify(body),
  });
}

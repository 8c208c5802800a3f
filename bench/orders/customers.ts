/**
 * The buyers: registered and logged in over HTTP, each once. Few of them, each used by many
 * requests: every login counts against 127.0.0.1's per-IP limit (TRUST_PROXY is off), and a
 * user keeps at most 3 sessions.
 */
import { randomBytes } from "node:crypto";

async function post(base: string, path: string, body: unknown, expected: number): Promise<unknown> {
  const res = await fetch(`${base}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const text = await res.text();
  if (res.status !== expected) throw new Error(`POST ${path}: expected ${expected}, got ${res.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as unknown;
}

/** Access tokens of `count` new customers. */
export async function signUpCustomers(base: string, count: number): Promise<string[]> {
  const run = randomBytes(3).toString("hex");
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const credentials = { email: `bench-buyer-${run}-${i}@example.com`, password: randomBytes(12).toString("base64url") };
      await post(base, "/api/v1/auth/register", credentials, 201);
      const tokens = await post(base, "/api/v1/auth/login", credentials, 200);
      const accessToken = typeof tokens === "object" && tokens !== null && "accessToken" in tokens ? tokens.accessToken : undefined;
      if (typeof accessToken !== "string") throw new Error("login answered without an accessToken");
      return accessToken;
    }),
  );
}

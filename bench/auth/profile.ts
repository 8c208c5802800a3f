/**
 * Where GET /api/v1/auth/me spends its time, step by step, in one process (no sockets, logger
 * silent): each step is run N times with 32 in flight, and printed as operations per second, CPU
 * microseconds per operation and the ratio against GET /health/live through app.handle() in the
 * same run. Rows marked "candidate" are not what the server does today; they price a fix.
 *
 *   npx -y bun@1.4.5 run bench/auth/profile.ts
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test REDIS_URL=redis://127.0.0.1:6379 npx -y bun@1.4.5 run bench/auth/profile.ts
 *
 * BENCH_OPS (5000) per step. For a sampling profile of the real server instead, start it with
 * `bun --cpu-prof --cpu-prof-md --cpu-prof-dir=DIR packages/backend/src/main.ts` and load it.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { jwtVerify } from "jose";
import { createRevocations } from "../../packages/backend/src/domains/identity/revocations";
import { users } from "../../packages/backend/src/domains/identity/schema";
import { createAccessTokens } from "../../packages/backend/src/domains/identity/tokens";
import { findUserById } from "../../packages/backend/src/domains/identity/users";
import { queryRows } from "../../packages/backend/src/infra/db";
import { createTestApp } from "../../packages/backend/test/support/app";

const OPS = Number(process.env.BENCH_OPS ?? 5000);
const CONCURRENCY = 32;

interface Row {
  name: string;
  perSecond: number;
  cpuMicros: number;
}

async function measure(name: string, op: () => Promise<unknown>): Promise<Row> {
  for (let i = 0; i < 200; i++) await op(); // warm-up: JIT, pool connections, plan caches
  let next = 0;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const worker = async () => {
    while (next < OPS) {
      next++;
      await op();
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  return { name, perSecond: OPS / seconds, cpuMicros: (cpu.user + cpu.system) / OPS };
}

const test = await createTestApp({ label: "bench_auth_profile" });
try {
  const json = { "content-type": "application/json" };
  const email = "bench-profile@example.com";
  const password = "bench-profile-password";
  const registered = await test.request("/api/v1/auth/register", { method: "POST", headers: json, body: JSON.stringify({ email, password }) });
  if (registered.status !== 201) throw new Error(`register: ${registered.status} ${await registered.text()}`);
  const login = await test.request("/api/v1/auth/login", { method: "POST", headers: json, body: JSON.stringify({ email, password }) });
  const { accessToken } = (await login.json()) as { accessToken: string };
  const authorization = `Bearer ${accessToken}`;

  const identity = test.services.identity;
  const db = test.infra.database.db;
  const tokens = createAccessTokens(test.config.jwtSecret, test.config.auth.accessTokenTtlSeconds);
  const revocations = createRevocations(test.infra.kv);
  const caller = await identity.authenticate(authorization);
  const secret = new TextEncoder().encode(test.config.jwtSecret);
  const cryptoKey = await crypto.subtle.importKey("raw", secret, { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
  const preparedUser = db.select().from(users).where(eq(users.id, sql.placeholder("id"))).prepare("bench_user_by_id");
  const [signingInput = "", signature = ""] = [accessToken.slice(0, accessToken.lastIndexOf(".")), accessToken.slice(accessToken.lastIndexOf(".") + 1)];
  const expected = Buffer.from(signature, "base64url");

  const ok = async (response: Promise<Response>) => {
    const r = await response;
    if (r.status !== 200) throw new Error(`status ${r.status}: ${await r.text()}`);
    await r.arrayBuffer();
  };

  const rows: Row[] = [];
  const step = async (name: string, op: () => Promise<unknown>) => {
    rows.push(await measure(name, op));
    process.stderr.write(`[bench/auth/profile] ${name} done\n`);
  };
  await step("GET /health/live via app.handle (baseline)", () => ok(test.request("/health/live")));
  await step("GET /api/v1/auth/me via app.handle", () => ok(test.request("/api/v1/auth/me", { headers: { authorization } })));
  await step("  identity.authenticate(header)", () => identity.authenticate(authorization));
  await step("    jwt verify (jose, raw secret)", () => tokens.verify(accessToken));
  await step("    revocations.isRevoked (2 kv exists)", () => revocations.isRevoked(caller.tokenId, caller.sessionId));
  await step("  identity.me(caller)", () => identity.me(caller));
  await step("    findUserById (drizzle select)", () => findUserById(db, caller.userId));
  await step("    select 1 (driver round trip)", () => queryRows(db, sql`select 1 as one`));
  await step("candidate: jose with a CryptoKey imported once", () => jwtVerify(accessToken, cryptoKey, { algorithms: ["HS256"], issuer: "pazarsync", audience: "pazarsync-api" }));
  await step("candidate: HMAC check with node:crypto only", async () => {
    const mac = createHmac("sha256", secret).update(signingInput).digest();
    if (!timingSafeEqual(mac, expected)) throw new Error("bad signature");
  });
  await step("candidate: findUserById as a prepared statement", () => preparedUser.execute({ id: caller.userId }));

  const baseline = rows[0]?.perSecond ?? 1;
  process.stdout.write(
    `auth /me profile: ${OPS} operations per step, ${CONCURRENCY} in flight, database ${test.infra.database.kind}, key-value store ${test.infra.kv.kind}\n`,
  );
  for (const row of rows) {
    process.stdout.write(
      `${row.name.padEnd(52)} ${Math.round(row.perSecond).toString().padStart(8)}/s  ${row.cpuMicros.toFixed(0).padStart(6)} us CPU/op  ratio ${(row.perSecond / baseline).toFixed(3)}\n`,
    );
  }
} finally {
  await test.close();
}

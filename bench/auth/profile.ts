/**
 * Where GET /api/v1/auth/me spends its time, step by step, in one process (no sockets to the app,
 * logger silent): each step runs BENCH_OPS times with 32 in flight and is printed as operations
 * per second, CPU microseconds per operation, and the ratio against GET /health/live through
 * app.handle() in the same run.
 *
 * Rows marked "candidate" are NOT what the server does today; they price a fix. The two
 * "candidate route" rows are extra routes added to the same app (same plugins: request id, log
 * line, metrics, response schema), so their ratio is comparable with the real /me row:
 *   - fast-io:  node:crypto HMAC instead of WebCrypto, both revocation keys in one EXISTS, the user
 *               row through a named prepared statement (still 2 round trips per request);
 *   - one-rt:   as fast-io, but the user row from an in-process map (a short-lived per-replica cache);
 *               the revocation check stays one shared-store round trip, so logout still acts at once;
 *   - no-io:    token checked with node:crypto, revocations and the user row read from in-process
 *               maps (what a replica-local cache kept fresh by pub/sub would cost per request).
 *
 *   npx -y bun@1.4.5 run bench/auth/profile.ts
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test REDIS_URL=redis://127.0.0.1:6379 npx -y bun@1.4.5 run bench/auth/profile.ts
 *
 * For a sampling profile of the real server instead: start it with
 * `bun --cpu-prof --cpu-prof-md --cpu-prof-dir=DIR packages/backend/src/main.ts`, load it, SIGTERM it.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { Elysia } from "elysia";
import Redis from "ioredis";
import { jwtVerify } from "jose";
import { IdentityModel } from "../../packages/backend/src/domains/identity/model";
import { createRevocations } from "../../packages/backend/src/domains/identity/revocations";
import { users } from "../../packages/backend/src/domains/identity/schema";
import { createAccessTokens } from "../../packages/backend/src/domains/identity/tokens";
import { findUserById, type UserRecord } from "../../packages/backend/src/domains/identity/users";
import { queryRows } from "../../packages/backend/src/infra/db";
import { createTestApp } from "../../packages/backend/test/support/app";

const OPS = Number(process.env.BENCH_OPS ?? 5000);
const CONCURRENCY = 32;
const ISSUER = "pazarsync";
const AUDIENCE = "pazarsync-api";

interface Row {
  name: string;
  perSecond: number;
  cpuMicros: number;
}

async function measure(name: string, op: () => Promise<unknown>): Promise<Row> {
  for (let i = 0; i < 200; i++) await op(); // warm-up: JIT, pool connections, statement caches
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

interface Claims {
  userId: string;
  sessionId: string;
  tokenId: string;
}

/** HS256 check with node:crypto: the same rules tokens.ts asks jose for (alg pinned, iss, aud, exp). */
function verifyWithNodeCrypto(secret: Uint8Array, authorization: string | undefined): Claims {
  const token = authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
  const [header = "", payload = "", signature = ""] = token?.split(".") ?? [];
  const mac = createHmac("sha256", secret).update(`${header}.${payload}`).digest();
  const given = Buffer.from(signature, "base64url");
  if (given.length !== mac.length || !timingSafeEqual(mac, given)) throw new Error("bad signature");
  const head = JSON.parse(Buffer.from(header, "base64url").toString()) as { alg?: unknown };
  if (head.alg !== "HS256") throw new Error("bad alg");
  const claims = JSON.parse(Buffer.from(payload, "base64url").toString()) as Record<string, unknown>;
  if (claims.iss !== ISSUER || claims.aud !== AUDIENCE || typeof claims.exp !== "number" || claims.exp * 1000 <= Date.now()) throw new Error("bad claims");
  if (typeof claims.sub !== "string" || typeof claims.sid !== "string" || typeof claims.jti !== "string") throw new Error("bad claims");
  return { userId: claims.sub, sessionId: claims.sid, tokenId: claims.jti };
}

const toMe = (u: UserRecord, sessionId: string) => ({ id: u.id, email: u.email, role: u.role, createdAt: u.createdAt.toISOString(), sessionId });

const redisUrl = process.env.REDIS_URL || undefined;
const redis = redisUrl ? new Redis(redisUrl, { maxRetriesPerRequest: 1 }) : undefined;
let revokedFast: (tokenId: string, sessionId: string) => Promise<boolean> = async () => false;
let userByIdFast: (id: string) => Promise<UserRecord | undefined> = async () => undefined;
let secretForRoutes = new Uint8Array();
const localUsers = new Map<string, UserRecord>();
const localRevoked = new Set<string>();

const test = await createTestApp({
  label: "bench_auth_profile",
  extend: (app) =>
    app.use(
      new Elysia({ name: "bench-candidates" })
        .get(
          "/bench/me-fast-io",
          async ({ headers }) => {
            const claims = verifyWithNodeCrypto(secretForRoutes, headers.authorization);
            if (await revokedFast(claims.tokenId, claims.sessionId)) throw new Error("revoked");
            const user = await userByIdFast(claims.userId);
            if (!user) throw new Error("no user");
            return toMe(user, claims.sessionId);
          },
          { response: { 200: IdentityModel.Me } },
        )
        .get(
          "/bench/me-one-rt",
          async ({ headers }) => {
            const claims = verifyWithNodeCrypto(secretForRoutes, headers.authorization);
            if (await revokedFast(claims.tokenId, claims.sessionId)) throw new Error("revoked");
            const user = localUsers.get(claims.userId);
            if (!user) throw new Error("no user");
            return toMe(user, claims.sessionId);
          },
          { response: { 200: IdentityModel.Me } },
        )
        .get(
          "/bench/me-no-io",
          ({ headers }) => {
            const claims = verifyWithNodeCrypto(secretForRoutes, headers.authorization);
            if (localRevoked.has(claims.tokenId) || localRevoked.has(claims.sessionId)) throw new Error("revoked");
            const user = localUsers.get(claims.userId);
            if (!user) throw new Error("no user");
            return toMe(user, claims.sessionId);
          },
          { response: { 200: IdentityModel.Me } },
        ),
    ),
});
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
  const kv = test.infra.kv;
  const tokens = createAccessTokens(test.config.jwtSecret, test.config.auth.accessTokenTtlSeconds);
  const revocations = createRevocations(kv);
  const caller = await identity.authenticate(authorization);
  const secret = new TextEncoder().encode(test.config.jwtSecret);
  const cryptoKey = await crypto.subtle.importKey("raw", secret, { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
  const preparedUser = db.select().from(users).where(eq(users.id, sql.placeholder("id"))).prepare("bench_user_by_id");
  const prefix = test.config.redisKeyPrefix;
  const tokenKey = `auth:revoked:jti:${caller.tokenId}`;
  const sessionKey = `auth:revoked:sid:${caller.sessionId}`;

  secretForRoutes = secret;
  userByIdFast = async (id) => (await preparedUser.execute({ id }))[0];
  revokedFast = redis
    ? async (tokenId, sessionId) => (await redis.exists(`${prefix}auth:revoked:jti:${tokenId}`, `${prefix}auth:revoked:sid:${sessionId}`)) > 0
    : (tokenId, sessionId) => revocations.isRevoked(tokenId, sessionId);
  const user = await findUserById(db, caller.userId);
  if (user) localUsers.set(user.id, user);

  const ok = async (response: Promise<Response>) => {
    const r = await response;
    if (r.status !== 200) throw new Error(`status ${r.status}: ${await r.text()}`);
    await r.arrayBuffer();
  };

  const rows: Row[] = [];
  const step = async (name: string, op: () => Promise<unknown>) => {
    rows.push(await measure(name, op));
    process.stderr.write(`[bench/auth/profile] ${name.trim()} done\n`);
  };
  const withToken = { headers: { authorization } };
  await step("GET /health/live via app.handle (baseline)", () => ok(test.request("/health/live")));
  await step("GET /api/v1/auth/me via app.handle", () => ok(test.request("/api/v1/auth/me", withToken)));
  await step("  identity.authenticate(header)", () => identity.authenticate(authorization));
  await step("    jwt verify (jose, WebCrypto)", () => tokens.verify(accessToken));
  await step("    revocations.isRevoked (2 kv EXISTS)", () => revocations.isRevoked(caller.tokenId, caller.sessionId));
  await step("  identity.me(caller)", () => identity.me(caller));
  await step("    findUserById (drizzle, unnamed query)", () => findUserById(db, caller.userId));
  await step("    select 1 (drizzle execute, no params)", () => queryRows(db, sql`select 1 as one`));
  await step("candidate: jose, CryptoKey imported once", () => jwtVerify(accessToken, cryptoKey, { algorithms: ["HS256"], issuer: ISSUER, audience: AUDIENCE }));
  await step("candidate: HS256 check with node:crypto", async () => verifyWithNodeCrypto(secret, authorization));
  if (redis) await step("candidate: both revocation keys in one EXISTS", () => redis.exists(prefix + tokenKey, prefix + sessionKey));
  await step("candidate: findUserById, named prepared statement", () => preparedUser.execute({ id: caller.userId }));
  await step("candidate route: /me with fast-io", () => ok(test.request("/bench/me-fast-io", withToken)));
  await step("candidate route: /me with one-rt", () => ok(test.request("/bench/me-one-rt", withToken)));
  await step("candidate route: /me with no-io", () => ok(test.request("/bench/me-no-io", withToken)));

  const baseline = rows[0]?.perSecond ?? 1;
  process.stdout.write(
    `auth /me profile: ${OPS} operations per step, ${CONCURRENCY} in flight, database ${test.infra.database.kind}, key-value store ${kv.kind}\n`,
  );
  for (const row of rows) {
    process.stdout.write(
      `${row.name.padEnd(54)} ${Math.round(row.perSecond).toString().padStart(8)}/s  ${row.cpuMicros.toFixed(0).padStart(6)} us CPU/op  ratio ${(row.perSecond / baseline).toFixed(3)}\n`,
    );
  }
} finally {
  redis?.disconnect();
  await test.close();
}

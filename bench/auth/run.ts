/**
 * What authentication costs per request over real HTTP: throughput of GET /api/v1/auth/me with a
 * valid bearer token (JWT verify, one lookup in the replica's mirror of revoked sessions, which reads
 * Postgres at most twice a second under load, one user row from the database) against
 * GET /health/live (no auth, no I/O), both served by the real server (packages/backend/src/main.ts,
 * a process of its own, LOG_LEVEL=info as in production) and loaded by the same generator
 * (autocannon under Node, a process of its own). Printed as the ratio me/live, measured in the
 * same run; the goal is >= 0.85.
 *
 *   npx -y bun@1.4.5 run bench/auth/run.ts                       # embedded: PGlite in memory, in-process store
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test REDIS_URL=redis://127.0.0.1:6379 \
 *     npx -y bun@1.4.5 run bench/auth/run.ts                     # real servers (a scratch database, dropped after)
 *
 * BENCH_SECONDS (10) per measured round, BENCH_WARMUP_SECONDS (3) per endpoint, BENCH_CONNECTIONS (32).
 * Rounds alternate live, me, live, me and each endpoint's figure is the mean of its two rounds, so
 * drift on this noisy 2-core machine falls on both alike. Any non-2xx answer, error or timeout fails
 * the run: it must never measure 401s.
 */
import { randomBytes } from "node:crypto";
import { createScratchDatabase, type ScratchDatabase } from "../../packages/backend/test/support/database";
import { runLoad, type LoadResult } from "./load";
import { startBenchServer, type BenchServer } from "./server";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const GOAL = 0.85;
const LIVE = "/health/live";
const ME = "/api/v1/auth/me";
const ROUNDS = [LIVE, ME, LIVE, ME] as const;

const databaseUrl = process.env.DATABASE_URL || undefined;
const redisUrl = process.env.REDIS_URL || undefined;
const progress = (line: string) => process.stderr.write(`[bench/auth] ${line}\n`);

class BenchFailure extends Error {}

async function expectStatus(response: Response, status: number, what: string): Promise<unknown> {
  const text = await response.text();
  if (response.status !== status) throw new BenchFailure(`${what}: expected ${status}, got ${response.status}: ${text.slice(0, 500)}`);
  return text ? (JSON.parse(text) as unknown) : undefined;
}

/** Registers and logs in one customer over HTTP; returns the access token. */
async function logIn(base: string): Promise<{ email: string; accessToken: string }> {
  const email = `bench-auth-${randomBytes(4).toString("hex")}@example.com`;
  const password = randomBytes(18).toString("base64url");
  const json = { "content-type": "application/json" };
  await expectStatus(
    await fetch(`${base}/api/v1/auth/register`, { method: "POST", headers: json, body: JSON.stringify({ email, password }) }),
    201,
    "register",
  );
  const tokens = await expectStatus(
    await fetch(`${base}/api/v1/auth/login`, { method: "POST", headers: json, body: JSON.stringify({ email, password }) }),
    200,
    "login",
  );
  const accessToken = (tokens as { accessToken?: unknown } | undefined)?.accessToken;
  if (typeof accessToken !== "string") throw new BenchFailure("login answered without an accessToken");
  return { email, accessToken };
}

/** Before any load: the token is accepted, a missing token is refused, live answers. */
async function sanityCheck(base: string, email: string, authorization: string): Promise<void> {
  const me = await expectStatus(await fetch(`${base}${ME}`, { headers: { authorization } }), 200, `GET ${ME} with the token`);
  if ((me as { email?: unknown } | undefined)?.email !== email) throw new BenchFailure(`GET ${ME} answered another account: ${JSON.stringify(me)}`);
  await expectStatus(await fetch(`${base}${ME}`), 401, `GET ${ME} without a token`);
  await expectStatus(await fetch(`${base}${LIVE}`), 200, `GET ${LIVE}`);
}

function assertAllOk(path: string, result: LoadResult): void {
  if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0 || result.ok !== result.completed || result.completed === 0) {
    throw new BenchFailure(
      `GET ${path}: ${result.completed} completed, ${result.ok} 2xx, ${result.non2xx} non-2xx ${JSON.stringify(result.statusCodes)}, ` +
        `${result.errors} errors, ${result.timeouts} timeouts: not a measurement of successful requests`,
    );
  }
}

/** Answers per route and status as the server itself counted them (its Prometheus histogram). */
async function serverCounts(base: string): Promise<Map<string, number>> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const counts = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (!line.startsWith("http_request_duration_seconds_count{")) continue;
    const route = /route="([^"]*)"/.exec(line)?.[1];
    const status = /status="([^"]*)"/.exec(line)?.[1];
    const value = Number(line.slice(line.lastIndexOf(" ") + 1));
    if (route && status) counts.set(`${route} ${status}`, value);
  }
  return counts;
}

const fmt = (n: number | undefined, digits = 2) => (n === undefined ? "?" : n.toFixed(digits));

function describe(result: LoadResult): string {
  return (
    `${Math.round(result.requestsPerSecond).toString().padStart(7)}/s  p50 ${fmt(result.latencyMs.p50, 1).padStart(5)} ms  p99 ${fmt(result.latencyMs.p99, 1).padStart(6)} ms  ` +
    `server ${result.serverCores === undefined ? "?" : Math.round((result.serverCores * 1e6) / result.requestsPerSecond)} us CPU/req  ` +
    `cpu: server ${fmt(result.serverCores)} core, load ${fmt(result.loadCores)} core, machine ${fmt(result.machine && result.machine.busy * 100, 0)}% busy ${fmt(result.machine && result.machine.steal * 100, 0)}% stolen`
  );
}

let server: BenchServer | undefined;
let scratch: ScratchDatabase | undefined;
let failed = false;
try {
  const env: Record<string, string> = {};
  if (databaseUrl) {
    scratch = await createScratchDatabase("bench_auth");
    env.DATABASE_URL = scratch.url;
  } else {
    env.PGLITE_DATA_DIR = "memory://";
  }
  if (redisUrl) {
    env.REDIS_URL = redisUrl;
    // Keys of its own (rate-limit counters; they expire with the auth window).
    env.REDIS_KEY_PREFIX = `ps:bench:auth:${process.pid}:${randomBytes(4).toString("hex")}:`;
  }
  // Access tokens live 15 minutes by default: a long run gets a longer one so the token outlives it.
  const runSeconds = 2 * WARMUP_SECONDS + ROUNDS.length * SECONDS + 60;
  if (runSeconds > 15 * 60) env.ACCESS_TOKEN_TTL_SECONDS = String(runSeconds * 2);

  // BENCH_RATE_LIMITS=on measures /me with the route-group limiter counting (budgets too high to refuse).
  if (process.env.BENCH_RATE_LIMITS === "on") Object.assign(env, { RATE_LIMITS: "on", RATE_LIMIT_USER: "1000000000", RATE_LIMIT_ANONYMOUS: "1000000000" });

  server = await startBenchServer(env);
  const base = server.url;
  process.stdout.write(
    `auth bench: GET ${ME} (bearer token) vs GET ${LIVE}, ${CONNECTIONS} connections, ${SECONDS} s x 2 rounds each after ${WARMUP_SECONDS} s warm-up\n` +
      `server: ${base} pid ${server.pid}, database ${String(server.listening.database)}${databaseUrl ? " (scratch database on DATABASE_URL)" : " (PGLITE_DATA_DIR=memory://)"}, ` +
      `key-value store ${String(server.listening.redis)}${redisUrl ? " (REDIS_URL)" : ""}, LOG_LEVEL=info, NODE_ENV=test\n` +
      `load: autocannon under ${Bun.which("node") ?? "node"} (separate process)\n`,
  );

  const { email, accessToken } = await logIn(base);
  const authorization = `Bearer ${accessToken}`;
  await sanityCheck(base, email, authorization);
  const headersFor = (path: string) => (path === ME ? { authorization } : undefined);
  const before = await serverCounts(base);

  for (const path of [LIVE, ME]) {
    progress(`warming up GET ${path} for ${WARMUP_SECONDS} s`);
    assertAllOk(path, await runLoad({ url: `${base}${path}`, connections: CONNECTIONS, seconds: WARMUP_SECONDS, headers: headersFor(path), serverPid: server.pid }));
  }

  const results: { path: string; result: LoadResult }[] = [];
  for (const [i, path] of ROUNDS.entries()) {
    progress(`round ${i + 1}/${ROUNDS.length}: GET ${path} for ${SECONDS} s`);
    const result = await runLoad({ url: `${base}${path}`, connections: CONNECTIONS, seconds: SECONDS, headers: headersFor(path), serverPid: server.pid });
    assertAllOk(path, result);
    results.push({ path, result });
    process.stdout.write(`round ${i + 1}  ${path.padEnd(16)} ${describe(result)}\n`);
  }

  // The server's own count agrees: every /me it answered in the run was a 200.
  const after = await serverCounts(base);
  const delta = (key: string) => (after.get(key) ?? 0) - (before.get(key) ?? 0);
  const meOk = delta(`${ME} 200`);
  const meOther = [...after.keys()].filter((k) => k.startsWith(`${ME} `) && !k.endsWith(" 200")).map((k) => `${k}: ${delta(k)}`).filter((s) => !s.endsWith(": 0"));
  const sentMe = results.filter((r) => r.path === ME).reduce((sum, r) => sum + r.result.completed, 0);
  if (meOther.length > 0) throw new BenchFailure(`the server answered ${ME} with other statuses: ${meOther.join(", ")}`);
  if (meOk < sentMe) throw new BenchFailure(`the server counted ${meOk} answers 200 on ${ME}, autocannon ${sentMe}`);

  const mean = (path: string) => {
    const rows = results.filter((r) => r.path === path);
    return rows.reduce((sum, r) => sum + r.result.requestsPerSecond, 0) / rows.length;
  };
  const live = mean(LIVE);
  const me = mean(ME);
  const ratio = me / live;
  process.stdout.write(
    `\n${"GET " + LIVE + " (baseline)"}`.padEnd(36) + `${Math.round(live).toString().padStart(7)}/s  ratio 1.000\n` +
      `${"GET " + ME}`.padEnd(35) + `${Math.round(me).toString().padStart(7)}/s  ratio ${ratio.toFixed(3)}  (goal >= ${GOAL}: ${ratio >= GOAL ? "met" : "NOT met"})\n` +
      `all ${results.reduce((s, r) => s + r.result.completed, 0)} measured answers were 2xx; the server counted ${meOk} x 200 on ${ME} since the warm-up began; ` +
      `it wrote ${(server.stdoutBytes() / 1e6).toFixed(0)} MB of log lines\n`,
  );
} catch (error) {
  failed = true;
  process.stderr.write(`bench/auth failed: ${error instanceof Error ? error.message : String(error)}\n`);
  if (server) process.stderr.write(`server stderr (tail):\n${server.stderrTail()}\n`);
} finally {
  if (server) {
    const code = await server.stop();
    if (code !== 0) {
      failed = true;
      process.stderr.write(`server exited with ${code} after SIGTERM\n${server.stderrTail()}\n`);
    }
  }
  await scratch?.drop();
}
process.exit(failed ? 1 : 0);

/**
 * Where the server's time goes while it places orders: the orders bench's shop and load, one mix.
 * PROFILE=cpu (default): the server under Bun's sampling profiler (--cpu-prof-md), the markdown
 * profile written into PROFILE_DIR (default a temporary folder). PROFILE=spans: the server with
 * BENCH_SPANS_FILE (infra/bench-spans.ts, refused in production), and a table of wall-clock spans
 * per order (edge hooks and auth, handler, lock, each SQL statement) over one round. No baseline,
 * no goals: a tool for finding what to make cheaper, not a measurement to quote.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test REDIS_URL=redis://127.0.0.1:6379 \
 *     npx -y bun@1.4.5 run bench/orders/profile.ts
 *
 * BENCH_SECONDS (8), BENCH_MIX (uniform | hot), BENCH_CONNECTIONS (200), STOCK_LOCKS (on | off),
 * BENCH_RATE (orders/s: an open-loop round at that rate; default the closed loop), and with
 * PROFILE=spans BENCH_SHARE (an open-loop round at that share of a closed-loop round measured first).
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SpansSummary } from "../../packages/backend/src/infra/bench-spans";
import { type BenchServer, startBenchServer } from "../auth/server";
import { signUpCustomers } from "./customers";
import { createBenchDatabase } from "./database";
import { type OrderLoadResult, prepareOrderDriver } from "./load";
import type { Mix } from "./mix";
import { roundLine } from "./report";
import { seedShop } from "./seed";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 200);
const MIX: Mix = process.env.BENCH_MIX === "hot" ? "hot" : "uniform";
const LOCKS = process.env.STOCK_LOCKS === "off" ? "off" : "on";
const SPANS = process.env.PROFILE === "spans";
const RATE = process.env.BENCH_RATE ? Number(process.env.BENCH_RATE) : undefined;
const SHARE = process.env.BENCH_SHARE ? Number(process.env.BENCH_SHARE) : undefined;
const dir = process.env.PROFILE_DIR ?? mkdtempSync(join(tmpdir(), "orders-profile-"));
const spansFile = join(dir, "spans.json");
const redisUrl = process.env.REDIS_URL || undefined;
const runId = randomBytes(4).toString("hex");
const out = (line: string) => process.stdout.write(`${line}\n`);

/** Asks the server for its spans since the last ask (SIGUSR2) and waits for the file to change. */
async function collectSpans(server: BenchServer): Promise<SpansSummary> {
  const before = existsSync(spansFile) ? statSync(spansFile).mtimeMs : 0;
  server.proc.kill("SIGUSR2");
  for (let waited = 0; waited < 5000; waited += 50) {
    await Bun.sleep(50);
    if (existsSync(spansFile) && statSync(spansFile).mtimeMs !== before) return JSON.parse(readFileSync(spansFile, "utf8")) as SpansSummary;
  }
  throw new Error(`the server wrote no spans to ${spansFile}`);
}

/** One line per span, largest total first: how often per order, its mean, p50 and p99. */
function printSpans(summary: SpansSummary, result: OrderLoadResult): void {
  const orders = Math.max(1, result.ok);
  out(`\nspans over ${summary.seconds.toFixed(1)} s, ${result.ok} orders (client: p50 ${result.latencyMs.p50.toFixed(1)} ms, p99 ${result.latencyMs.p99.toFixed(1)} ms)`);
  out(`${"span".padEnd(82)}${"count".padStart(7)}${"per order".padStart(10)}${"mean ms".padStart(9)}${"p50 ms".padStart(9)}${"p99 ms".padStart(9)}`);
  const rows = Object.entries(summary.spans).sort((a, b) => b[1].sumMs - a[1].sumMs);
  for (const [name, s] of rows) {
    out(
      `${name.slice(0, 80).padEnd(82)}${String(s.count).padStart(7)}${(s.count / orders).toFixed(2).padStart(10)}${(s.sumMs / s.count).toFixed(2).padStart(9)}` +
        `${s.p50Ms.toFixed(2).padStart(9)}${s.p99Ms.toFixed(2).padStart(9)}`,
    );
  }
  const loop = summary.eventLoopDelayMs;
  out(`event loop delay (10 ms resolution): p50 ${loop.p50.toFixed(1)} ms, p99 ${loop.p99.toFixed(1)} ms, max ${loop.max.toFixed(1)} ms`);
}

const database = await createBenchDatabase(process.env.DATABASE_URL || undefined);
const driver = await prepareOrderDriver();
try {
  const seeding = await database.open();
  await seeding.migrate();
  const shop = await seedShop(seeding.db, { products: 1000, stock: 1_000_000 });
  await seeding.close();
  const env: Record<string, string> = {
    ...database.serverEnv,
    STOCK_LOCKS: LOCKS,
    DATABASE_POOL_MAX: "10",
    JWT_SECRET: randomBytes(32).toString("base64"),
    ACCESS_TOKEN_TTL_SECONDS: "3600",
    PASSWORD_MEMORY_COST_KIB: "1024",
    PASSWORD_TIME_COST: "1",
    ...(redisUrl ? { REDIS_URL: redisUrl, REDIS_KEY_PREFIX: `ps:bench:profile:${runId}:` } : {}),
    ...(SPANS ? { BENCH_SPANS_FILE: spansFile } : {}),
  };
  const server = await startBenchServer(env, SPANS ? [] : ["--cpu-prof-md", `--cpu-prof-dir=${dir}`]);
  try {
    const tokens = await signUpCustomers(server.url, 20);
    const load = { url: server.url, connections: CONNECTIONS, storeId: shop.storeId, productIds: shop.productIds, tokens, mix: MIX, serverPid: server.pid };
    await driver.run({ ...load, seconds: 3, keyPrefix: `profile-${runId}-warm` });
    await Bun.sleep(2000);
    let rate = RATE;
    if (rate === undefined && SHARE !== undefined) {
      const closed = await driver.run({ ...load, seconds: SECONDS, keyPrefix: `profile-${runId}-closed` });
      out(roundLine(`${MIX}, lock ${LOCKS}, closed loop`, closed));
      rate = Math.max(1, Math.round(closed.requestsPerSecond * SHARE));
      await Bun.sleep(2000);
    }
    // The warm-up's last orders are still being answered: their spans must not count.
    if (SPANS) await Bun.sleep(3000).then(() => collectSpans(server));
    const result = await driver.run({ ...load, seconds: SECONDS, keyPrefix: `profile-${runId}`, rate });
    out(roundLine(`${MIX}, lock ${LOCKS}${rate === undefined ? "" : `, open loop ${rate}/s`} (profiled)`, result));
    if (SPANS) printSpans(await collectSpans(server), result);
  } finally {
    await server.stop();
  }
  if (!SPANS) out(`profile: ${readdirSync(dir).map((name) => join(dir, name)).join(", ")}`);
} finally {
  driver.dispose();
  await database.drop();
}

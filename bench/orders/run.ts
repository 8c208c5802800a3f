/**
 * Order placement on the real server: POST /api/v1/orders (one line, quantity 1, a fresh
 * Idempotency-Key per request, 20 customers' tokens) from 200 concurrent clients (autocannon under
 * Node, bench/orders/driver.ts), for two mixes: uniform over 1000 products, and 80% on 3 hot ones.
 * Every product holds 1,000,000, so every answer must be 201; anything else fails the run.
 *
 * Baseline, same run: a raw loop in this process (200 async workers on a pool as large as the
 * server's) doing what a reservation does to the database: the conditional increment on
 * inventory_levels and a ledger row, in one transaction. The API is printed as a ratio of it, and
 * the API again with STOCK_LOCKS=off (a second server process on the same database, started after
 * the first stops) to price the lock. Goals: API/raw >= 0.40x, p99 (uniform) <= 100 ms,
 * lock on/off >= 0.80x.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test REDIS_URL=redis://127.0.0.1:6379 \
 *     npx -y bun@1.4.5 run bench/orders/run.ts     # real servers: scratch database (dropped after), Redlock
 *   npx -y bun@1.4.5 run bench/orders/run.ts       # embedded: PGlite folder, in-process lock vs none
 *
 * BENCH_SECONDS (10) per measured round, BENCH_WARMUP_SECONDS (5) before each, BENCH_CONNECTIONS
 * (200), BENCH_POOL (10: the server's DATABASE_POOL_MAX and the raw loop's pool).
 *
 * BENCH_MODE=open (or the argument `open`): no raw baseline and no lock-off server; per mix
 * (BENCH_MIX: uniform, hot, or both by default) the closed-loop round measures the saturation
 * throughput, then open-loop rounds offer 25%, 50% and 75% of it (open-loop.ts).
 */
import { randomBytes } from "node:crypto";
import type { LoadResult } from "../auth/load";
import { startBenchServer, type BenchServer } from "../auth/server";
import { signUpCustomers } from "./customers";
import { createBenchDatabase, type BenchDatabase } from "./database";
import { prepareOrderDriver, type OrderDriver } from "./load";
import { describeMix, MIXES, type Mix } from "./mix";
import { openLoopRounds, type OpenRow, printOpenReport } from "./open-loop";
import { runRawLoad } from "./raw";
import { figuresLine, type Measured, printReport, roundLine } from "./report";
import { type BenchShop, seedShop } from "./seed";
import { tallyProblems, tallyShop } from "./tally";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 200);
const POOL = Number(process.env.BENCH_POOL ?? 10);
const PRODUCTS = 1000;
const CUSTOMERS = 20;
const STOCK = 1_000_000;
const OPEN = process.env.BENCH_MODE === "open" || process.argv.slice(2).includes("open");
const RUN_MIXES: readonly Mix[] = MIXES.filter((mix) => !process.env.BENCH_MIX || process.env.BENCH_MIX === mix);

const databaseUrl = process.env.DATABASE_URL || undefined;
const redisUrl = process.env.REDIS_URL || undefined;
const runId = randomBytes(4).toString("hex");
const out = (line: string) => process.stdout.write(`${line}\n`);
const progress = (line: string) => process.stderr.write(`[bench/orders] ${line}\n`);

class BenchFailure extends Error {}

/**
 * A warm-up may end before its first answer (200 orders queued at once take seconds), a measured
 * round may not. In open mode 503s (the server shedding load it cannot serve in time) are counted
 * and shown, not fatal: the saturation round must still give a throughput on an overloaded machine.
 */
function assertAllCreated(label: string, result: LoadResult, warmUp = false): void {
  const shed = OPEN ? (result.statusCodes["503"] ?? 0) : 0;
  if (result.non2xx > shed || result.errors > 0 || result.timeouts > 0 || (result.completed === 0 && !warmUp)) {
    throw new BenchFailure(
      `${label}: ${result.completed} answers, ${result.ok} x 201, ${result.non2xx} others ${JSON.stringify(result.statusCodes)}, ` +
        `${result.errors} errors, ${result.timeouts} timeouts: not a measurement of placed orders`,
    );
  }
}

async function rawBaseline(database: BenchDatabase, shop: BenchShop, rows: Measured[]): Promise<number> {
  const raw = await database.openRaw(POOL);
  let committed = 0;
  try {
    out(`raw baseline: ${CONNECTIONS} async workers in this process on ${raw.driver}`);
    for (const mix of RUN_MIXES) {
      const common = { mix, workers: CONNECTIONS, productIds: shop.productIds, warehouseId: shop.rawWarehouseId };
      progress(`raw ${mix}: warm-up ${WARMUP_SECONDS} s, then ${SECONDS} s`);
      committed += (await runRawLoad(raw.transact, { ...common, seconds: WARMUP_SECONDS, label: `raw-${runId}-${mix}-warm` })).committed;
      const result = await runRawLoad(raw.transact, { ...common, seconds: SECONDS, label: `raw-${runId}-${mix}` });
      committed += result.committed;
      rows.push({ mix, arm: "raw", perSecond: result.perSecond, latencyMs: result.latencyMs });
      out(figuresLine(`${mix}, raw SQL`, result.perSecond, result.latencyMs));
    }
  } finally {
    await raw.close();
  }
  return committed;
}

interface ApiRun {
  shop: BenchShop;
  driver: OrderDriver;
  env: Record<string, string>;
  tokens: string[];
  rows: Measured[];
  openRows: OpenRow[];
}

/** One server process with the lock on or off: a warm-up and a measured round per mix. Answers the 201s it got. */
async function apiArm(run: ApiRun, locks: "on" | "off"): Promise<{ created: number; rounds: number; shed: number }> {
  const server: BenchServer = await startBenchServer({ ...run.env, STOCK_LOCKS: locks });
  let created = 0;
  let rounds = 0;
  // 503s (open mode): a statement given up on may still have committed, like one in flight.
  let shed = 0;
  let thrown = false;
  try {
    const kind = String(server.listening.locks);
    if ((locks === "off") !== (kind === "none")) throw new BenchFailure(`STOCK_LOCKS=${locks} but the server runs with locks "${kind}"`);
    out(`API, lock ${locks}: server pid ${server.pid}, locks ${kind}, database ${String(server.listening.database)}, key-value store ${String(server.listening.redis)}`);
    if (run.tokens.length === 0) run.tokens.push(...(await signUpCustomers(server.url, CUSTOMERS)));
    for (const mix of RUN_MIXES) {
      const load = { url: server.url, connections: CONNECTIONS, storeId: run.shop.storeId, productIds: run.shop.productIds, tokens: run.tokens, mix, serverPid: server.pid };
      const label = `${mix}, API lock ${locks}`;
      progress(`${label}: warm-up ${WARMUP_SECONDS} s, then ${SECONDS} s`);
      const warm = await run.driver.run({ ...load, seconds: WARMUP_SECONDS, keyPrefix: `bench-${runId}-${locks}-${mix}-warm` });
      assertAllCreated(`${label} (warm-up)`, warm, true);
      const result = await run.driver.run({ ...load, seconds: SECONDS, keyPrefix: `bench-${runId}-${locks}-${mix}` });
      assertAllCreated(label, result);
      created += warm.ok + result.ok;
      rounds += 2;
      shed += warm.non2xx + result.non2xx;
      run.rows.push({ mix, arm: `lock ${locks}`, perSecond: result.requestsPerSecond, latencyMs: result.latencyMs });
      out(roundLine(label, result) + (result.non2xx > 0 ? `  (${result.non2xx} x 503 shed)` : ""));
      if (OPEN) {
        const check = (openLabel: string, open: LoadResult) => assertAllCreated(openLabel, open);
        const options = { mix, saturation: result.requestsPerSecond, keyPrefix: `bench-${runId}-${locks}-${mix}`, label, check };
        const rows = await openLoopRounds(run.driver, { ...load, seconds: SECONDS }, options, out);
        // Every scheduled order is awaited before an open round ends: none is left in flight.
        created += rows.reduce((sum, row) => sum + row.result.ok, 0);
        shed += rows.reduce((sum, row) => sum + row.result.non2xx, 0);
        run.openRows.push(...rows);
      }
    }
  } catch (error) {
    thrown = true;
    process.stderr.write(`server stderr (tail):\n${server.stderrTail()}\n`);
    throw error;
  } finally {
    const code = await server.stop();
    // Only when nothing else went wrong: a throw here would hide the first error.
    if (code !== 0 && !thrown) throw new BenchFailure(`the lock-${locks} server exited with ${code} after SIGTERM:\n${server.stderrTail()}`);
  }
  return { created, rounds, shed };
}

async function main(database: BenchDatabase, driver: OrderDriver): Promise<void> {
  const seeding = await database.open();
  let shop: BenchShop;
  try {
    await seeding.migrate();
    shop = await seedShop(seeding.db, { products: PRODUCTS, stock: STOCK });
  } finally {
    await seeding.close();
  }
  out(
    `orders bench: POST /api/v1/orders, ${CONNECTIONS} concurrent clients, ${CUSTOMERS} customers, ${PRODUCTS} products with ${STOCK} each; ` +
      `${WARMUP_SECONDS} s warm-up + ${SECONDS} s measured per round\n` +
      `mixes: uniform (${describeMix("uniform", PRODUCTS)}); hot (${describeMix("hot", PRODUCTS)})\n` +
      (database.kind === "postgres" ? "database: a scratch Postgres database beside DATABASE_URL" : "database: a PGlite folder (embedded, no DATABASE_URL)") +
      (redisUrl ? "; locks: Redlock on REDIS_URL vs none" : "; locks: no REDIS_URL, so the lock comparison is in-process: the in-memory lock vs none") +
      (OPEN ? "\nmode: open loop (lock on only, no raw baseline): closed-loop saturation, then 25/50/75% of it offered on a schedule" : "") +
      `\nload: autocannon under ${Bun.which("node") ?? "node"} (separate process); server: src/main.ts, LOG_LEVEL=info, DATABASE_POOL_MAX=${POOL}\n`,
  );

  const rows: Measured[] = [];
  const rawCommitted = OPEN ? 0 : await rawBaseline(database, shop, rows);
  const env: Record<string, string> = {
    ...database.serverEnv,
    DATABASE_POOL_MAX: String(POOL),
    // Both servers must accept the same tokens; customers sign up once, on the first.
    JWT_SECRET: randomBytes(32).toString("base64"),
    ACCESS_TOKEN_TTL_SECONDS: "3600",
    PASSWORD_MEMORY_COST_KIB: "1024",
    PASSWORD_TIME_COST: "1",
    ...(redisUrl ? { REDIS_URL: redisUrl, REDIS_KEY_PREFIX: `ps:bench:orders:${runId}:` } : {}),
  };
  const run: ApiRun = { shop, driver, env, tokens: [], rows, openRows: [] };
  const on = await apiArm(run, "on");
  const off = OPEN ? { created: 0, rounds: 0, shed: 0 } : await apiArm(run, "off");

  const tallying = await database.open();
  try {
    const tally = await tallyShop(tallying.db, shop);
    const problems = tallyProblems(tally, { created: on.created + off.created, inFlightAtMost: (on.rounds + off.rounds) * CONNECTIONS + on.shed + off.shed, raw: rawCommitted });
    if (problems.length > 0) throw new BenchFailure(`the database disagrees with the load generators:\n  ${problems.join("\n  ")}`);
    out(`\nbooks balance: ${tally.orders} orders (${on.created + off.created} answered 201), ${tally.reservedMain} reserved for them, ${tally.reservedRaw} by the raw loop\n`);
  } finally {
    await tallying.close();
  }
  const closedMet = printReport(rows, out);
  let openMet = true;
  if (OPEN) {
    out("");
    openMet = printOpenReport(run.openRows, out);
  }
  out(closedMet && openMet ? "all goals met" : "some goals NOT met (see above)");
}

let failed = false;
let database: BenchDatabase | undefined;
let driver: OrderDriver | undefined;
try {
  database = await createBenchDatabase(databaseUrl);
  driver = await prepareOrderDriver();
  await main(database, driver);
} catch (error) {
  failed = true;
  process.stderr.write(`bench/orders failed: ${error instanceof Error ? error.message : String(error)}\n`);
} finally {
  driver?.dispose();
  await database?.drop();
}
process.exit(failed ? 1 : 0);

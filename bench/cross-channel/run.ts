/**
 * Cross-channel latency: a sale on one marketplace reaching every other marketplace.
 * The real server (src/main.ts, its workers on) with one store per marketplace on one warehouse,
 * all pointed at a sandbox in this process, and the web shop beside them. Orders are placed at a
 * fixed rate on each origin in turn (each origin once every BENCH_ORDER_EVERY_MS), marketplace
 * orders through the sandbox's control routes and web orders through the API (the baseline,
 * measured in the same phase); each is timed until every OTHER marketplace's sandbox shows it.
 *
 * Phases (BENCH_MODES, default "pull,push"):
 *  - pull: the orders reach the server only through its order pulls at the configured intervals;
 *  - push: Trendyol's webhook points at the server (the sandbox's control target, as a
 *    registration would), and Hepsiburada's order push too where this checkout's sandbox plays it.
 *
 *   npx -y bun@1.4.5 run bench/cross-channel/run.ts           # embedded: PGlite folder, in-process key-value store and locks
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test REDIS_URL=redis://127.0.0.1:6379 \
 *     npx -y bun@1.4.5 run bench/cross-channel/run.ts         # real servers: scratch database (dropped after), unique Redis prefix
 *
 * BENCH_ORDERS_PER_ORIGIN (30: one minute of orders, so they fall all over a 60 s pull period; BENCH_QUICK=1: 5), BENCH_ORDER_EVERY_MS (2000), BENCH_SYNC_INTERVAL_MS (1000),
 * BENCH_POLL_DELAY_MS (500), BENCH_RESULT_DELAY_MS (100), BENCH_POLL_MS (100: how often the sandbox is read).
 * Pull intervals are the server's own defaults; ORDER_PULL_INTERVAL_MS* set here are passed on
 * (BENCH_QUICK=1 sets ORDER_PULL_INTERVAL_MS=5000 unless one is set: a time-scaled development run).
 */
import { randomBytes } from "node:crypto";
import { loadConfig } from "../../packages/backend/src/config";
import type { MarketplaceName } from "../../packages/backend/src/domains/marketplace/types";
import { startBenchServer } from "../auth/server";
import { signUpCustomers } from "../orders/customers";
import { createBenchDatabase } from "../orders/database";
import { sleep } from "../sync/stats";
import { report } from "./report";
import { hepsiburadaPushPlayed, pointPushesAt, pushDeliveries, shownEverywhere, startCrossSandbox } from "./sandbox";
import { MARKETPLACES, seedCrossShop } from "./shop";
import { ORIGINS, type Origin, runStream } from "./stream";

const env = process.env;
const QUICK = env.BENCH_QUICK === "1";
const PER_ORIGIN = Number(env.BENCH_ORDERS_PER_ORIGIN ?? (QUICK ? 5 : 30));
const EVERY_MS = Number(env.BENCH_ORDER_EVERY_MS ?? 2000);
const SYNC_INTERVAL_MS = Number(env.BENCH_SYNC_INTERVAL_MS ?? 1000);
const POLL_DELAY_MS = Number(env.BENCH_POLL_DELAY_MS ?? 500);
const RESULT_DELAY_MS = Number(env.BENCH_RESULT_DELAY_MS ?? 100);
const POLL_MS = Number(env.BENCH_POLL_MS ?? 100);
const MODES = (env.BENCH_MODES ?? "pull,push").split(",").map((m) => m.trim()).filter((m) => m === "pull" || m === "push");
const STOCK = 1000;

const out = (line: string) => process.stdout.write(`${line}\n`);
const progress = (line: string) => process.stderr.write(`[bench/cross-channel] ${line}\n`);

/** The pull settings passed to the server: every ORDER_PULL_INTERVAL_MS* variable set here (a quick run's 5 s when none is). */
function pullEnv(): Record<string, string> {
  const passed = Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[0].startsWith("ORDER_PULL_") && e[1] !== undefined));
  if (QUICK && !Object.keys(passed).some((k) => k.startsWith("ORDER_PULL_INTERVAL_MS"))) passed.ORDER_PULL_INTERVAL_MS = "5000";
  return passed;
}

/** Each marketplace's pull interval as the server reads its config (one interval for all, or one per marketplace). */
function pullIntervals(serverEnv: Record<string, string>): (m: MarketplaceName) => number {
  const pull: { intervalMs: number; intervalsMs?: Partial<Record<string, number>> } = loadConfig({ NODE_ENV: "test", ...serverEnv }).orderPull;
  return (m) => pull.intervalsMs?.[m] ?? pull.intervalMs;
}

async function until(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(250);
  }
}

async function main(): Promise<void> {
  if (MODES.length === 0) throw new Error("BENCH_MODES names no phase (pull, push)");
  const runId = randomBytes(4).toString("hex");
  const redisUrl = env.REDIS_URL || undefined;
  const sandbox = await startCrossSandbox(RESULT_DELAY_MS);
  const database = await createBenchDatabase(env.DATABASE_URL || undefined);
  try {
    const hbPush = await hepsiburadaPushPlayed(sandbox);
    const credentialsKey = randomBytes(32).toString("base64");
    const serverEnv: Record<string, string> = {
      ...database.serverEnv,
      CREDENTIALS_KEY: credentialsKey,
      JWT_SECRET: randomBytes(32).toString("base64"),
      ACCESS_TOKEN_TTL_SECONDS: "3600",
      PASSWORD_MEMORY_COST_KIB: "1024",
      PASSWORD_TIME_COST: "1",
      SYNC_INTERVAL_MS: String(SYNC_INTERVAL_MS),
      SYNC_POLL_DELAY_MS: String(POLL_DELAY_MS),
      ...pullEnv(),
      ...(redisUrl ? { REDIS_URL: redisUrl, REDIS_KEY_PREFIX: `ps:bench:xc:${runId}:` } : {}),
    };
    const shop = await seedCrossShop(serverEnv, { products: ORIGINS.length * MODES.length, stock: STOCK, sandboxUrl: sandbox.url, hepsiburadaPush: hbPush });
    const server = await startBenchServer(serverEnv);
    try {
      const intervalOf = pullIntervals(serverEnv);
      out(
        `cross-channel: server pid ${server.pid} (src/main.ts), database ${String(server.listening.database)}, key-value store ${String(server.listening.redis)}; ` +
          `SYNC_INTERVAL_MS=${SYNC_INTERVAL_MS}, SYNC_POLL_DELAY_MS=${POLL_DELAY_MS}, sandbox result delay ${RESULT_DELAY_MS} ms; ` +
          `order pull intervals ${MARKETPLACES.map((m) => `${m.type} ${intervalOf(m.type) / 1000} s`).join(", ")}; ` +
          `${PER_ORIGIN} orders per origin, each origin every ${EVERY_MS} ms in turn (${ORIGINS.join(", ")}); sandbox read every ${POLL_MS} ms` +
          (QUICK ? "; QUICK run (few orders: noisy)" : ""),
      );
      // The start-up sweep reconciles every listing once (Pazarama taking one write per 10 s): wait for parity.
      progress("waiting for every marketplace to show the opening stock");
      await until("initial parity", 180_000, async () => {
        const shown = await shownEverywhere(sandbox);
        return [...shown.values()].every((q) => shop.productIds.every((id) => q[shop.barcodes.get(id) ?? ""] === STOCK));
      });
      const [token] = await signUpCustomers(server.url, 1);
      if (!token) throw new Error("no customer token");
      const web = { url: server.url, token, storeId: shop.webStoreId };
      const longestPull = Math.max(...MARKETPLACES.map((m) => intervalOf(m.type)));

      for (const [index, mode] of MODES.entries()) {
        const products = new Map<Origin, { productId: string; barcode: string }>(
          ORIGINS.map((origin, i) => {
            const productId = shop.productIds[index * ORIGINS.length + i] as string;
            return [origin, { productId, barcode: shop.barcodes.get(productId) ?? "" }];
          }),
        );
        const pushed = mode === "push" ? await pointPushesAt(sandbox, server.url, shop.storeIds, { hepsiburada: hbPush }) : [];
        if (mode === "push" && !hbPush) progress("this checkout's sandbox has no Hepsiburada push: Hepsiburada stays on the pull");
        progress(`${mode}: placing ${PER_ORIGIN * ORIGINS.length} orders`);
        const orders = await runStream(sandbox, web, products, { perOrigin: PER_ORIGIN, everyMs: EVERY_MS, waitMs: longestPull + 30_000, pollMs: POLL_MS, stock: STOCK }, progress);
        out("");
        report(mode === "pull" ? "PULLS ALONE" : `WITH PUSHES (${pushed.join(", ")})`, orders, { syncIntervalMs: SYNC_INTERVAL_MS, pullIntervalMs: intervalOf, pushed }, out);
        if (mode === "push") out(`push deliveries (one not delivered was measured through the pull): ${(await pushDeliveries(sandbox, pushed)).join("; ")}`);
      }
    } catch (error) {
      process.stderr.write(`server stderr (tail):\n${server.stderrTail()}\n`);
      throw error;
    } finally {
      await server.stop();
    }
  } finally {
    sandbox.state.trendyolWebhooks.stop();
    await sandbox.stop();
    await database.drop();
  }
}

let failed = false;
try {
  await main();
} catch (error) {
  failed = true;
  process.stderr.write(`bench/cross-channel failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
}
process.exit(failed ? 1 : 0);

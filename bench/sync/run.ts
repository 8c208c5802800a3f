/**
 * The stock sync engine, two parts:
 *  1. Flush cost: one store's flush of 100 dirty products (claim, targets + sellable + sync_sent,
 *     one push to an in-process Trendyol sandbox, record sent + receipt, ack) on a 10k-product
 *     catalog (20% sets), then on the same store grown to 100k. Median and p90 of 20 timed
 *     flushes per size, SQL statements per flush, and the ratio 100k/10k (goal: close to 1).
 *     Engine in this process (createInfrastructure + createServices, no worker).
 *  2. Sync latency at a steady stream of orders: the real server (src/main.ts) with
 *     SYNC_INTERVAL_MS=1000, orders at 20/s for 30 s to a WEB store sharing the warehouse of a
 *     Trendyol store on a sandbox in this process; p50/p99 from the server's sync_latency_seconds
 *     histogram (bucket resolution) and measured from here (order sent -> sandbox shows it).
 *
 *   npx -y bun@1.4.5 run bench/sync/run.ts             # embedded: PGlite (memory / a folder), in-process key-value store and locks
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test REDIS_URL=redis://127.0.0.1:6379 \
 *     npx -y bun@1.4.5 run bench/sync/run.ts           # real servers: scratch databases (dropped after), a unique Redis prefix, Redlock
 *
 * BENCH_PART (all | flush | latency), BENCH_ROUNDS (20 timed flushes per size), BENCH_SECONDS (30)
 * and BENCH_ORDER_RATE (20/s) of the stream, BENCH_SYNC_INTERVAL_MS (1000), BENCH_POLL_DELAY_MS
 * (500: the server's SYNC_POLL_DELAY_MS), BENCH_RESULT_DELAY_MS (100: the sandbox's result delay).
 * About 75 s either way (the 100k seed is most of part 1; part 2 is the 30 s stream plus start-up).
 */
import { runFlushCost } from "./flush-cost";
import { runLatency } from "./latency";

const part = process.env.BENCH_PART ?? "all";
const out = (line: string) => process.stdout.write(`${line}\n`);
const progress = (line: string) => process.stderr.write(`[bench/sync] ${line}\n`);

let failed = false;
try {
  if (part === "all" || part === "flush") await runFlushCost(out, progress);
  if (part === "all") out("");
  if (part === "all" || part === "latency") await runLatency(out, progress);
} catch (error) {
  failed = true;
  process.stderr.write(`bench/sync failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
}
process.exit(failed ? 1 : 0);

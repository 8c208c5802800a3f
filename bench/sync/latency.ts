/**
 * Part 2 of bench/sync: sync latency at a steady stream of orders. The real server (src/main.ts,
 * its sync worker on) with a WEB store and a Trendyol store sharing one warehouse; the sandbox
 * runs in this process. Orders go to the WEB store over HTTP at a fixed rate (open loop: each
 * is sent on schedule, whether or not the previous answered). Two measures:
 *  - the server's own sync_latency_seconds histogram (first dirty mark -> quantity confirmed by
 *    the batch receipt), the observations made during the stream, at bucket resolution;
 *  - from this side: per order, the time from sending it until the sandbox shows its product at
 *    or below the quantity that order leaves (polled every POLL_MS).
 */
import { randomBytes } from "node:crypto";
import { startSandbox } from "@pazarsync/marketplace-sandbox";
import { startBenchServer } from "../auth/server";
import { signUpCustomers } from "../orders/customers";
import { createBenchDatabase } from "../orders/database";
import { seedLatencyShop } from "./latency-shop";
import { bucketDelta, bucketQuantile, type Buckets, parseHistogram, percentile, sleep } from "./stats";

const INTERVAL_MS = Number(process.env.BENCH_SYNC_INTERVAL_MS ?? 1000);
const POLL_DELAY_MS = Number(process.env.BENCH_POLL_DELAY_MS ?? 500);
const RESULT_DELAY_MS = Number(process.env.BENCH_RESULT_DELAY_MS ?? 100);
const RATE = Number(process.env.BENCH_ORDER_RATE ?? 20);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const PRODUCTS = 200;
/** Below Trendyol's 20000 cap, so every order moves the quantity the marketplace shows. */
const STOCK = 5000;
const POLL_MS = 50;

interface Order {
  barcode: string;
  /** What the marketplace should show for the product once this order is synced (or less, after later ones). */
  expected: number;
  sentAt: number;
  status?: number;
  seenAfterMs?: number;
}

async function metricsText(url: string): Promise<string> {
  const res = await fetch(`${url}/metrics`);
  if (res.status !== 200) throw new Error(`/metrics answered ${res.status}`);
  return res.text();
}

async function quantities(sandboxUrl: string, sellerId: string): Promise<Record<string, number>> {
  return (await (await fetch(`${sandboxUrl}/__sandbox/sellers/${sellerId}/quantities`)).json()) as Record<string, number>;
}

async function until(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(200);
  }
}

const latencyBuckets = async (url: string): Promise<Buckets> => parseHistogram(await metricsText(url), "sync_latency_seconds", 'marketplace="TRENDYOL"');
const countOf = (buckets: Buckets) => buckets.get(Number.POSITIVE_INFINITY) ?? 0;
const seconds = (s: number) => (Number.isFinite(s) ? `${s} s` : "+Inf");

export interface LatencyFigures {
  intervalMs: number;
  orders: number;
  benchP50Ms: number;
  benchP99Ms: number;
  serverP50: { lower: number; upper: number };
  serverP99: { lower: number; upper: number };
}

export async function runLatency(out: (line: string) => void, progress: (line: string) => void): Promise<LatencyFigures> {
  const runId = randomBytes(4).toString("hex");
  const sellerId = `BENCH${runId}`;
  const redisUrl = process.env.REDIS_URL || undefined;
  const database = await createBenchDatabase(process.env.DATABASE_URL || undefined);
  const sandbox = await startSandbox({ resultDelayMs: RESULT_DELAY_MS, sellers: [{ sellerId, apiKey: "k", apiSecret: "s" }] });
  try {
    const credentialsKey = randomBytes(32).toString("base64");
    const shop = await seedLatencyShop({ ...database.serverEnv, CREDENTIALS_KEY: credentialsKey }, { products: PRODUCTS, stock: STOCK, sellerId, sandboxUrl: sandbox.url });
    const server = await startBenchServer({
      ...database.serverEnv,
      CREDENTIALS_KEY: credentialsKey,
      JWT_SECRET: randomBytes(32).toString("base64"),
      ACCESS_TOKEN_TTL_SECONDS: "3600",
      PASSWORD_MEMORY_COST_KIB: "1024",
      PASSWORD_TIME_COST: "1",
      SYNC_INTERVAL_MS: String(INTERVAL_MS),
      SYNC_POLL_DELAY_MS: String(POLL_DELAY_MS),
      ...(redisUrl ? { REDIS_URL: redisUrl, REDIS_KEY_PREFIX: `ps:bench:sync:${runId}:` } : {}),
    });
    try {
      out(
        `sync latency: server pid ${server.pid} (src/main.ts), database ${String(server.listening.database)}, key-value store ${String(server.listening.redis)}; ` +
          `SYNC_INTERVAL_MS=${INTERVAL_MS}, SYNC_POLL_DELAY_MS=${POLL_DELAY_MS}, sandbox result delay ${RESULT_DELAY_MS} ms; ` +
          `${RATE} orders/s for ${SECONDS} s over ${PRODUCTS} products (WEB store, same warehouse as the Trendyol store)`,
      );
      // The start-up sweep finds no sentinel and reconciles: every listing goes out once. Wait for
      // parity and for those receipts, so the stream's histogram observations are its own.
      progress("waiting for the start-up reconciliation to reach the sandbox");
      await until("initial parity", 120_000, async () => {
        const shown = await quantities(sandbox.url, sellerId);
        return shop.productIds.every((id) => shown[shop.barcodes.get(id) ?? ""] === STOCK);
      });
      await until("initial receipts", 60_000, async () => countOf(await latencyBuckets(server.url)) >= PRODUCTS);
      const tokens = await signUpCustomers(server.url, 5);
      const before = await latencyBuckets(server.url);

      progress(`placing ${RATE * SECONDS} orders at ${RATE}/s`);
      const orders = await stream(server.url, sandbox.url, sellerId, shop, tokens);
      const failed = orders.filter((o) => o.status !== 201);
      if (failed.length > 0) throw new Error(`${failed.length} orders were not created (statuses ${[...new Set(failed.map((o) => o.status))].join(", ")})`);
      const unseen = orders.filter((o) => o.seenAfterMs === undefined).length;
      if (unseen > 0) throw new Error(`${unseen} orders never showed on the sandbox`);

      // Receipts trail the pushes by the poll delay: wait until the histogram stops growing.
      let last = -1;
      let after = await latencyBuckets(server.url);
      while (countOf(after) !== last) {
        last = countOf(after);
        await sleep(POLL_DELAY_MS + 2 * INTERVAL_MS);
        after = await latencyBuckets(server.url);
      }
      const delta = bucketDelta(before, after);
      const bench = orders.map((o) => o.seenAfterMs as number);
      const figures: LatencyFigures = {
        intervalMs: INTERVAL_MS,
        orders: orders.length,
        benchP50Ms: percentile(bench, 0.5),
        benchP99Ms: percentile(bench, 0.99),
        serverP50: bucketQuantile(delta, 0.5),
        serverP99: bucketQuantile(delta, 0.99),
      };
      const inIntervals = (ms: number) => `${(ms / INTERVAL_MS).toFixed(2)} intervals`;
      out(`orders placed: ${orders.length}, all 201; sync interval ${INTERVAL_MS} ms`);
      out(
        `bench side (order sent -> sandbox shows its quantity, polled every ${POLL_MS} ms): ` +
          `p50 ${figures.benchP50Ms.toFixed(0)} ms (${inIntervals(figures.benchP50Ms)}), p99 ${figures.benchP99Ms.toFixed(0)} ms (${inIntervals(figures.benchP99Ms)}), max ${Math.max(...bench).toFixed(0)} ms`,
      );
      out(
        `server side (sync_latency_seconds, first dirty -> confirmed by the receipt, ${countOf(delta)} items; bucket resolution, ` +
          `includes the ${POLL_DELAY_MS} ms poll delay): p50 in (${seconds(figures.serverP50.lower)}, ${seconds(figures.serverP50.upper)}], ` +
          `p99 in (${seconds(figures.serverP99.lower)}, ${seconds(figures.serverP99.upper)}]`,
      );
      return figures;
    } catch (error) {
      process.stderr.write(`server stderr (tail):\n${server.stderrTail()}\n`);
      throw error;
    } finally {
      await server.stop();
    }
  } finally {
    await sandbox.stop();
    await database.drop();
  }
}

/** The order stream with the sandbox watcher beside it; resolves when every order was seen (or given up on). */
async function stream(url: string, sandboxUrl: string, sellerId: string, shop: Awaited<ReturnType<typeof seedLatencyShop>>, tokens: string[]): Promise<Order[]> {
  const total = RATE * SECONDS;
  const placed = new Map<string, number>();
  const orders: Order[] = [];
  const answers: Promise<void>[] = [];
  let watching = true;
  const watcher = (async () => {
    while (watching) {
      const shown = await quantities(sandboxUrl, sellerId);
      const at = performance.now();
      for (const order of orders) {
        if (order.seenAfterMs === undefined && (shown[order.barcode] ?? STOCK) <= order.expected) order.seenAfterMs = at - order.sentAt;
      }
      await sleep(POLL_MS);
    }
  })();
  const started = performance.now();
  for (let i = 0; i < total; i++) {
    const wait = started + (i * 1000) / RATE - performance.now();
    if (wait > 0) await sleep(wait);
    const productId = shop.productIds[Math.floor(Math.random() * shop.productIds.length)] as string;
    const count = (placed.get(productId) ?? 0) + 1;
    placed.set(productId, count);
    const order: Order = { barcode: shop.barcodes.get(productId) ?? "", expected: STOCK - count, sentAt: performance.now() };
    orders.push(order);
    answers.push(
      fetch(`${url}/api/v1/orders`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${tokens[i % tokens.length]}`, "idempotency-key": `sync-bench-${i}-${Date.now()}` },
        body: JSON.stringify({ storeId: shop.webStoreId, items: [{ productId, quantity: 1 }] }),
      }).then(
        async (res) => {
          order.status = res.status;
          await res.arrayBuffer();
        },
        () => void (order.status = 0),
      ),
    );
  }
  await Promise.all(answers);
  const deadline = performance.now() + 30_000;
  while (orders.some((o) => o.seenAfterMs === undefined) && performance.now() < deadline) await sleep(100);
  watching = false;
  await watcher;
  return orders;
}

/**
 * Order commands going out to Trendyol: how long the command worker takes to bring BENCH_COUNT
 * (500) INVOICE commands of one store to the sandbox through the real port, each with the PICK
 * Trendyol requires first (2 x BENCH_COUNT package-status updates on one endpoint group).
 *
 *   npx -y bun@1.4.5 run bench/order-commands/run.ts          # embedded: PGlite in memory, in-process key-value store
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test REDIS_URL=redis://127.0.0.1:6379 \
 *     npx -y bun@1.4.5 run bench/order-commands/run.ts        # real servers: a scratch database (dropped after), a unique Redis prefix
 *
 * Three rounds, in this process (the app's services, no HTTP server; staff steps through the app's
 * routes in process):
 *  1. raw (the baseline): the Trendyol port alone, PICK then INVOICE per order, 20 at a time (the
 *     worker's batch), to a sandbox whose limits are out of the way;
 *  2. worker, no limit: the outbox worker (claim, resolve, token, send, settle), sandbox windows and
 *     worker clock scaled 1000x, so the limits are far above what the worker reaches;
 *  3. worker at the limit: the sandbox's windows BENCH_SCALE (4) times shorter and the worker's
 *     clock as many times faster; the run's duration times the scale is the full-scale duration at
 *     Trendyol's documented limit (Paket Statü Bildirimi 300 a minute, 50 per 10 s), against the
 *     floor those limits allow. BENCH_SCALE=1 runs at the real limit (about 4 minutes for 500).
 * Prints ms per command as ratios against the raw port, the scaled windows' maxima and the 429s.
 */
import { createMarketplaceAdapter } from "../../packages/backend/src/domains/marketplace/service";
import { trendyolProfile } from "../../packages/backend/src/domains/marketplace/trendyol/adapter";
import { bucketsFor } from "../../packages/backend/src/domains/stock-sync/token-bucket";
import type { CommandTarget } from "../../packages/backend/src/domains/marketplace/order-commands";
import { startSandbox } from "@pazarsync/marketplace-sandbox";
import { createTestApp } from "../../packages/backend/test/support/app";
import { type BurstResult, invoiceBurst } from "../../packages/backend/test/order/invoice-burst";

const COUNT = Number(process.env.BENCH_COUNT ?? 500);
const SCALE = Number(process.env.BENCH_SCALE ?? 4);
const UNLIMITED = 1000;
const out = (line: string) => process.stdout.write(`${line}\n`);
const progress = (line: string) => process.stderr.write(`[bench/order-commands] ${line}\n`);

/** The port alone: PICK then INVOICE for COUNT fresh sandbox orders, 20 orders at a time; answers ms per command. */
async function rawPort(): Promise<number> {
  const sellerId = "RAW1";
  // Windows a million times shorter: the port alone is never paced by the sandbox.
  const sandbox = await startSandbox({ resultDelayMs: 0, rateLimitTimeScale: 1_000_000, sellers: [{ sellerId, apiKey: "k", apiSecret: "s" }] });
  try {
    const adapter = createMarketplaceAdapter({ type: "TRENDYOL", sellerId, baseUrl: sandbox.url, credentials: { apiKey: "k", apiSecret: "s" } });
    const port = adapter.orderCommands;
    if (!port) throw new Error("the Trendyol adapter has no order commands");
    const targets: CommandTarget[] = [];
    for (let i = 0; i < COUNT; i++) {
      const res = await fetch(`${sandbox.url}/__sandbox/sellers/${sellerId}/orders`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ lines: [{ barcode: "RAW-1", quantity: 1, unitPrice: 1000 }] }),
      });
      const created = (await res.json()) as { orderNumber: string; shipmentPackageId: number; payload: { lines: { id: number }[] } };
      const state = (await (await fetch(`${sandbox.url}/__sandbox/sellers/${sellerId}/order-state/${created.orderNumber}`)).json()) as {
        packages: { shipmentPackageId: number; lines: { lineId: number; barcode: string; quantity: number }[] }[];
      };
      const pkg = state.packages[0];
      if (!pkg) throw new Error("no package");
      targets.push({ orderNumber: created.orderNumber, packageId: String(pkg.shipmentPackageId), lines: pkg.lines.map((l) => ({ lineId: String(l.lineId), barcode: l.barcode, quantity: l.quantity })) });
    }
    const began = performance.now();
    for (let i = 0; i < targets.length; i += 20) {
      await Promise.all(
        targets.slice(i, i + 20).map(async (target) => {
          await port.send({ kind: "PICK", target });
          await port.send({ kind: "INVOICE", target, invoiceNumber: `RAW${target.orderNumber}`.slice(0, 16) });
        }),
      );
    }
    return (performance.now() - began) / (2 * COUNT);
  } finally {
    sandbox.state.trendyolWebhooks.stop();
    await sandbox.stop();
  }
}

function checked(result: BurstResult): BurstResult {
  const problems: string[] = [];
  if (result.invoicedOnce !== COUNT) problems.push(`${result.invoicedOnce} of ${COUNT} invoiced exactly once`);
  if ((result.states.CONFIRMED ?? 0) !== 2 * COUNT) problems.push(`command states ${JSON.stringify(result.states)}`);
  if (problems.length > 0) throw new Error(problems.join("; "));
  return result;
}

const t = await createTestApp({ label: "bench-order-commands", env: { ORDER_PULL_QUOTA: "off" } });
let failed = false;
try {
  progress(`raw port: ${2 * COUNT} calls`);
  const raw = await rawPort();
  progress("worker, no limit");
  const free = checked(await invoiceBurst(t, { count: COUNT, scale: UNLIMITED, progress }));
  progress(`worker at the limit, scale ${SCALE}`);
  const limited = checked(await invoiceBurst(t, { count: COUNT, scale: SCALE, progress }));

  const calls = 2 * COUNT;
  const perCommand = (r: BurstResult) => r.drainMs / calls;
  // The floor at the documented limits: the tighter of 300 a minute and 50 per 10 s (both 5 a second).
  const perSecond = Math.min(limited.limits.perMinute / 60, limited.limits.per10s / 10);
  const floorS = calls / perSecond;
  const fullScaleS = (limited.drainMs * SCALE) / 1000;
  out(`bench/order-commands: ${COUNT} INVOICE commands of one Trendyol store (+ ${COUNT} PICKs first: ${calls} package-status calls), ${process.env.DATABASE_URL ? "Postgres + Redis" : "embedded"}`);
  out("");
  out("| round | ms per command | vs raw port | 429s | max per scaled minute (limit 300) | max per scaled 10 s (limit 50) |");
  out("|---|---|---|---|---|---|");
  out(`| raw port (baseline) | ${raw.toFixed(2)} | 1.00x | - | - | - |`);
  out(`| worker, no limit | ${perCommand(free).toFixed(2)} | ${(perCommand(free) / raw).toFixed(2)}x | ${free.tooMany} | - | - |`);
  out(`| worker at the limit, scale ${SCALE} | ${perCommand(limited).toFixed(2)} | ${(perCommand(limited) / raw).toFixed(2)}x | ${limited.tooMany} | ${limited.maxPerMinute} | ${limited.maxPer10s} |`);
  out("");
  // What our own buckets for the group allow at full scale: the smallest burst, then the slowest refill.
  const buckets = bucketsFor({ marketplace: "TRENDYOL", storeKey: "bench", profile: trendyolProfile, group: "package-status" });
  const burst = Math.min(...buckets.map((b) => b.capacity));
  const pace = Math.min(...buckets.map((b) => b.refillPerSecond));
  const bucketS = Math.max(0, calls - burst) / pace;
  out(`at the limit: ${(limited.drainMs / 1000).toFixed(1)} s at scale ${SCALE} -> ${fullScaleS.toFixed(0)} s at full scale for ${COUNT} invoices (+ picks), ${((fullScaleS * 1000) / calls).toFixed(0)} ms per command`);
  out(`  the documented limits allow ${floorS.toFixed(0)} s at best (${perSecond}/s): ${(fullScaleS / floorS).toFixed(2)}x the floor`);
  out(`  our buckets allow ${bucketS.toFixed(0)} s (a burst of ${burst}, then ${pace.toFixed(2)}/s): ${(fullScaleS / bucketS).toFixed(2)}x what they allow`);
  if (limited.tooMany > 0 || limited.maxPerMinute > limited.limits.perMinute || limited.maxPer10s > limited.limits.per10s) {
    failed = true;
    process.stderr.write("bench/order-commands: a documented limit was passed\n");
  }
} catch (error) {
  failed = true;
  process.stderr.write(`bench/order-commands failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
} finally {
  await t.close();
}
process.exit(failed ? 1 : 0);

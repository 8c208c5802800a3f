/**
 * A burst of INVOICE commands for one Trendyol store, sent by the command worker through the real
 * port to a sandbox whose rate windows are `scale` times shorter, the worker on a clock `scale`
 * times faster (so its token buckets refill `scale` times faster and both sides stay in step).
 * Orders are created on the sandbox, taken in by pulls and invoiced by staff (which records the
 * PICK Trendyol requires first), then the worker runs until nothing is open. Answers what the
 * sandbox saw: the status updates, the 429s, and the most calls it received in any (scaled)
 * window of each documented limit. Shared by command-rate-limits.test.ts and bench/order-commands.
 * No bun:test here, so the bench can run it.
 */
import { and, count as countRows, eq, inArray } from "drizzle-orm";
import { Registry } from "prom-client";
import { type RunningSandbox, startSandbox } from "@pazarsync/marketplace-sandbox";
import { TRENDYOL, TRENDYOL_COMMANDS } from "../../src/domains/marketplace/trendyol/facts";
import { createCommandWorker } from "../../src/domains/order/command-worker";
import { orderCommands, orders } from "../../src/domains/order/schema";
import { createRateLimiter } from "../../src/domains/stock-sync/token-bucket";
import { createLogger } from "../../src/infra/logger";
import type { TestApp } from "../support/app";
import { addStock, createSimple, createStore, createWarehouse, putListing } from "../support/catalog";
import { bodyOf } from "../support/http";
import { admin, get, sendJson, staff } from "../support/identity";

export interface BurstOptions {
  /** INVOICE commands (one order each). */
  count: number;
  /** The sandbox's rateLimitTimeScale and the worker clock's speed-up; 1 is Trendyol's real limits. */
  scale: number;
  /** Staff invoice calls in flight at once while recording. */
  concurrency?: number;
  progress?: (line: string) => void;
}

export interface BurstResult {
  count: number;
  scale: number;
  /** Real ms from the worker's first run until every command was settled. */
  drainMs: number;
  /** Status updates the sandbox counted per kind, summed over the orders. */
  picked: number;
  invoiced: number;
  /** Orders whose package the sandbox shows Invoiced, with exactly one Picking and one Invoiced call. */
  invoicedOnce: number;
  /** Package-status calls received (refused ones included) and the 429s answered for this seller. */
  statusCalls: number;
  tooMany: number;
  /** The most package-status calls in any sliding window of each documented limit, scaled. */
  maxPerMinute: number;
  maxPer10s: number;
  limits: { perMinute: number; per10s: number };
  /** Our commands' final states, counted. */
  states: Record<string, number>;
}

let sellers = 0;

async function control(sandbox: RunningSandbox, path: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${sandbox.url}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  if (res.status >= 300) throw new Error(`sandbox POST ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as Record<string, unknown>;
}

/** The most timestamps (sorted, ms) falling in any window (t - windowMs, t]. */
export function maxInWindow(times: readonly number[], windowMs: number): number {
  let most = 0;
  let first = 0;
  for (let last = 0; last < times.length; last++) {
    while ((times[first] as number) <= (times[last] as number) - windowMs) first++;
    most = Math.max(most, last - first + 1);
  }
  return most;
}

async function inBatches<T>(items: readonly T[], size: number, run: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(run));
}

/** Needs an app with ORDER_PULL_QUOTA=off (the pulls read at once). The sandbox is stopped before answering. */
export async function invoiceBurst(t: TestApp, options: BurstOptions): Promise<BurstResult> {
  const progress = options.progress ?? (() => undefined);
  const sellerId = `IB${Date.now() % 100_000}${++sellers}`;
  const sandbox = await startSandbox({ resultDelayMs: 0, rateLimitTimeScale: options.scale, maxRecordedRequests: 50_000, sellers: [{ sellerId, apiKey: "k", apiSecret: "s" }] });
  try {
    const adminToken = (await admin(t)).tokens.accessToken as string;
    const staffToken = (await staff(t)).tokens.accessToken as string;
    const warehouse = await createWarehouse(t, staffToken);
    const storeId = await createStore(t, adminToken, { type: "TRENDYOL", sellerId, baseUrl: sandbox.url, credentials: { apiKey: "k", apiSecret: "s" }, warehouseIds: [warehouse.id] });
    const productId = await createSimple(t, staffToken, "Burst");
    await addStock(t, staffToken, warehouse.shelfId, productId, options.count);
    await putListing(t, adminToken, storeId, productId, { enabled: true });
    const barcode = String((await bodyOf(await get(t, `/api/v1/catalog/products/${productId}`, staffToken))).barcode);

    progress(`creating ${options.count} orders on the sandbox`);
    const orderNumbers: string[] = [];
    for (let i = 0; i < options.count; i++) {
      const created = await control(sandbox, `/__sandbox/sellers/${sellerId}/orders`, { lines: [{ barcode, quantity: 1, unitPrice: 1_000 }] });
      orderNumbers.push(String(created.orderNumber));
    }
    progress("taking them in");
    let ids: string[] = [];
    for (let pull = 0; pull < 100 && ids.length < options.count; pull++) {
      await t.services.orderIntake.pullStore(storeId);
      ids = (await t.infra.database.db.select({ id: orders.id }).from(orders).where(eq(orders.storeId, storeId))).map((r) => r.id);
    }
    if (ids.length < options.count) throw new Error(`only ${ids.length} of ${options.count} orders taken in`);

    progress("staff invoice each (PICK + INVOICE recorded)");
    await inBatches(ids, options.concurrency ?? 8, async (id) => {
      const res = await sendJson(t, "POST", `/api/v1/orders/${id}/invoice`, { invoiceNumber: `IB${id.replaceAll("-", "").slice(0, 14)}` }, staffToken);
      if (res.status !== 200) throw new Error(`invoice ${id}: ${res.status} ${await res.text()}`);
    });

    // The worker's clock runs `scale` times faster than the sandbox's real one, from ten minutes ahead of the
    // database (commands recorded at the database's now are due at once).
    const base = Date.now() + 10 * 60_000;
    const start = Date.now();
    const now = () => base + (Date.now() - start) * options.scale;
    const worker = createCommandWorker({
      db: t.infra.database.db,
      log: createLogger({ level: "silent", pretty: false }),
      ports: t.services.orders.commandPorts(),
      stores: t.services.stores,
      limiter: createRateLimiter(t.infra.kv, { now }),
      settings: { pollMs: 1000, leaseMs: 120_000 * options.scale, attemptBudget: 8, retryBaseMs: 5000, maxBackoffMs: 600_000, batchSize: 20 },
      registry: new Registry(),
      now,
    });
    sandbox.state.clearRequests();
    progress(`worker sending ${options.count * 2} commands at scale ${options.scale}`);
    const openCount = async () =>
      Number(
        (
          await t.infra.database.db
            .select({ n: countRows() })
            .from(orderCommands)
            .where(and(eq(orderCommands.storeId, storeId), inArray(orderCommands.state, ["PENDING", "SENDING", "SENT"])))
        )[0]?.n ?? 0,
      );
    const began = performance.now();
    while ((await openCount()) > 0) {
      if ((await worker.runOnce()) === 0) await Bun.sleep(2);
    }
    const drainMs = performance.now() - began;

    const seen = sandbox.state.requests().filter((r) => r.sellerId === sellerId);
    const status = seen.filter((r) => r.endpoint === "package-status");
    const times = status.map((r) => Date.parse(r.receivedAt)).sort((a, b) => a - b);
    let picked = 0;
    let invoiced = 0;
    let invoicedOnce = 0;
    for (const orderNumber of orderNumbers) {
      const calls = sandbox.state.trendyolCommandCalls.of(sellerId, orderNumber);
      picked += calls.PICKING ?? 0;
      invoiced += calls.INVOICED ?? 0;
      const packages = sandbox.state.trendyolOrders.ofOrder(sellerId, orderNumber);
      if (calls.PICKING === 1 && calls.INVOICED === 1 && packages.length === 1 && packages[0]?.status === "Invoiced") invoicedOnce++;
    }
    const stateRows = await t.infra.database.db
      .select({ state: orderCommands.state, n: countRows() })
      .from(orderCommands)
      .where(eq(orderCommands.storeId, storeId))
      .groupBy(orderCommands.state);
    return {
      count: options.count,
      scale: options.scale,
      drainMs,
      picked,
      invoiced,
      invoicedOnce,
      statusCalls: status.length,
      tooMany: seen.filter((r) => r.status === 429).length,
      maxPerMinute: maxInWindow(times, 60_000 / options.scale),
      maxPer10s: maxInWindow(times, TRENDYOL.rateWindowMs / options.scale),
      limits: { perMinute: TRENDYOL_COMMANDS.perMinute.packageStatus, per10s: TRENDYOL.requestsPerWindow },
      states: Object.fromEntries(stateRows.map((r) => [r.state, Number(r.n)])),
    };
  } finally {
    sandbox.state.trendyolWebhooks.stop();
    await sandbox.stop();
  }
}

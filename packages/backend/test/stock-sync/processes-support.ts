/**
 * Real app processes (src/main.ts) on one scratch Postgres database and one Redis key prefix,
 * selling through Trendyol stores pointed at an in-process sandbox: the helpers behind
 * processes.test.ts, which shows the engine across real processes sharing Postgres and Redis.
 */
import { randomBytes } from "node:crypto";
import Redis from "ioredis";
import { startSandbox, type RunningSandbox, type SandboxOptions, type RecordedRequest } from "@pazarsync/marketplace-sandbox";
import { createScratchDatabase, type ScratchDatabase } from "../support/database";
import { redisUrl } from "../support/env";
import { appProcessEnv, startServer, type RunningServer } from "../support/process";

type Json = Record<string, unknown>;

export async function call(base: string, method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Json) : {} };
}

async function created(base: string, method: string, path: string, body: unknown, token: string): Promise<Json> {
  const res = await call(base, method, path, body, token);
  if (res.status !== 201 && res.status !== 200) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Runs fn over items with at most `width` at a time. */
export async function inParallel<T, R>(items: readonly T[], width: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      for (let i = next++; i < items.length; i = next++) results[i] = await fn(items[i] as T, i);
    }),
  );
  return results;
}

/** Polls until check returns a value (not undefined) or the deadline passes; the last failure message is in the error. */
export async function waitFor<T>(what: string, timeoutMs: number, check: () => Promise<T | undefined>, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await Bun.sleep(everyMs);
  }
}

export interface Shop {
  sellerId: string;
  storeId: string;
}

export interface Cluster {
  sandbox: RunningSandbox;
  env: Record<string, string>;
  prefix: string;
  servers: RunningServer[];
  admin: string;
  shelfId: string;
  shops: Shop[];
  /** Listed product ids with their barcodes. */
  products: { id: string; barcode: string }[];
  start(extra?: Record<string, string>): Promise<RunningServer>;
  close(): Promise<void>;
}

export interface ClusterOptions {
  label: string;
  stores: number;
  products: number;
  openingStock: number;
  sandbox: SandboxOptions;
  /** Env of every app process (SYNC_* settings). */
  env: Record<string, string>;
}

/**
 * A scratch database, a Redis prefix, a sandbox with one seller per store, and one app process
 * (servers[0]) through which the catalog is built: a warehouse shared by every store, products
 * with opening stock, each listed in every store.
 */
export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const scratch: ScratchDatabase = await createScratchDatabase(options.label);
  const tag = randomBytes(3).toString("hex");
  const sellers = Array.from({ length: options.stores }, (_, i) => ({ sellerId: `P${tag}${i}`, apiKey: `key${i}`, apiSecret: `secret${i}` }));
  const sandbox = await startSandbox({ resultDelayMs: 0, ...options.sandbox, sellers });
  const adminEmail = `ops-${tag}@example.com`;
  const base = appProcessEnv(scratch.url, options.label, adminEmail);
  const prefix = base.REDIS_KEY_PREFIX as string;
  const env: Record<string, string> = { ...base, ...options.env };
  const servers: RunningServer[] = [];
  const start = async (extra: Record<string, string> = {}) => {
    const server = await startServer({ ...env, ...extra });
    servers.push(server);
    return server;
  };
  const cluster: Cluster = {
    sandbox,
    env,
    prefix,
    servers,
    admin: "",
    shelfId: "",
    shops: [],
    products: [],
    start,
    async close() {
      for (const server of servers) if (server.proc.exitCode === null && server.proc.signalCode === null) await server.stop("SIGKILL");
      await sandbox.stop();
      await scratch.drop();
    },
  };
  try {
    const first = await start();
    const login = await call(first.url, "POST", "/api/v1/auth/login", { email: adminEmail, password: "a long admin password" });
    const admin = String(login.body.accessToken);
    cluster.admin = admin;
    const warehouse = String((await created(first.url, "POST", "/api/v1/inventory/warehouses", { code: "MAIN", name: "Main" }, admin)).id);
    cluster.shelfId = String((await created(first.url, "POST", `/api/v1/inventory/warehouses/${warehouse}/shelves`, { code: "A1" }, admin)).id);
    for (const seller of sellers) {
      const store = await created(
        first.url,
        "POST",
        "/api/v1/stores",
        { name: `Trendyol ${seller.sellerId}`, type: "TRENDYOL", sellerId: seller.sellerId, baseUrl: sandbox.url, credentials: { apiKey: seller.apiKey, apiSecret: seller.apiSecret }, warehouseIds: [warehouse], sendStock: true, sendPrice: false },
        admin,
      );
      cluster.shops.push({ sellerId: seller.sellerId, storeId: String(store.id) });
    }
    cluster.products = await inParallel(Array.from({ length: options.products }, (_, i) => i), 6, async (i) => {
      const sku = `${tag}-${i}`;
      const barcode = `869${tag}${String(i).padStart(5, "0")}`;
      const body = { sku, barcode, name: `Product ${i}`, type: "SIMPLE", price: 1000, listPrice: 1200, currency: "TRY", vatRate: 20 };
      const id = String((await created(first.url, "POST", "/api/v1/catalog/products", body, admin)).id);
      await created(first.url, "POST", `/api/v1/inventory/shelves/${cluster.shelfId}/stock`, { productId: id, delta: options.openingStock, reason: "opening stock" }, admin);
      for (const shop of cluster.shops) await created(first.url, "PUT", `/api/v1/stores/${shop.storeId}/listings/${id}`, { enabled: true }, admin);
      return { id, barcode };
    });
  } catch (error) {
    await cluster.close();
    throw error;
  }
  return cluster;
}

/** One stock change through an app process's API (a restock or a removal); false when refused. */
export async function changeStock(cluster: Cluster, server: RunningServer, productId: string, delta: number): Promise<boolean> {
  const res = await call(server.url, "POST", `/api/v1/inventory/shelves/${cluster.shelfId}/stock`, { productId, delta, reason: "test change" }, cluster.admin);
  return res.status === 200;
}

/**
 * Random changes through the given processes until stop() is called, `width` at a time;
 * stop() resolves once every change in flight has its answer.
 */
export function changeStream(cluster: Cluster, via: () => RunningServer, options: { width: number; pauseMs: number; delta: () => number }) {
  let running = true;
  let made = 0;
  let failed = 0;
  const pick = () => cluster.products[Math.floor(Math.random() * cluster.products.length)] as { id: string };
  const lanes = Array.from({ length: options.width }, async () => {
    while (running) {
      try {
        if (await changeStock(cluster, via(), pick().id, options.delta())) made += 1;
        else failed += 1;
      } catch {
        // The process behind it was killed mid-request: the change may or may not have committed.
        failed += 1;
      }
      if (options.pauseMs > 0) await Bun.sleep(options.pauseMs);
    }
  });
  return {
    async stop(): Promise<{ made: number; failed: number }> {
      running = false;
      await Promise.all(lanes);
      return { made, failed };
    },
  };
}

/** What every store may sell of every product, as the app computes it (one page query per 100). */
export async function databaseSellable(cluster: Cluster, server: RunningServer, shop: Shop): Promise<Map<string, number>> {
  const sellable = new Map<string, number>();
  for (let page = 1; ; page++) {
    const res = await call(server.url, "GET", `/api/v1/catalog/products?storeId=${shop.storeId}&limit=100&page=${page}`, undefined, cluster.admin);
    if (res.status !== 200) throw new Error(`product page: ${res.status} ${JSON.stringify(res.body)}`);
    const items = res.body.items as { barcode: string; sellable: number }[];
    for (const item of items) sellable.set(item.barcode, item.sellable);
    if (items.length < 100) return sellable;
  }
}

/** Listings whose sandbox quantity differs from the database's sellable, across every store ("barcode@seller: shown/db"). */
export async function mismatches(cluster: Cluster, server: RunningServer): Promise<string[]> {
  const out: string[] = [];
  for (const shop of cluster.shops) {
    const db = await databaseSellable(cluster, server, shop);
    const shown = (await (await fetch(`${cluster.sandbox.url}/__sandbox/sellers/${shop.sellerId}/quantities`)).json()) as Record<string, number>;
    for (const { barcode } of cluster.products) {
      if (shown[barcode] !== db.get(barcode)) out.push(`${barcode}@${shop.sellerId}: ${shown[barcode]}/${db.get(barcode)}`);
    }
  }
  return out;
}

/** Waits for parity and answers how long it took (ms); the error lists what still differs. */
export async function timeToParity(cluster: Cluster, server: RunningServer, timeoutMs: number): Promise<number> {
  const started = Date.now();
  let last: string[] = [];
  try {
    await waitFor("sandbox = database", timeoutMs, async () => {
      last = await mismatches(cluster, server);
      return last.length === 0 ? true : undefined;
    }, 200);
  } catch {
    throw new Error(`no parity after ${timeoutMs} ms: ${last.length} listings differ, e.g. ${last.slice(0, 5).join(", ")}`);
  }
  return Date.now() - started;
}

export function stockWrites(cluster: Cluster): RecordedRequest[] {
  return cluster.sandbox.state.requests().filter((r) => r.endpoint === "price-and-inventory");
}

/** Same-seller stock writes whose [receivedAt, answeredAt] intervals overlap. */
export function overlappingWrites(writes: readonly RecordedRequest[]): [RecordedRequest, RecordedRequest][] {
  const bySeller = new Map<string, RecordedRequest[]>();
  for (const w of writes) bySeller.set(w.sellerId ?? "", [...(bySeller.get(w.sellerId ?? "") ?? []), w]);
  const overlaps: [RecordedRequest, RecordedRequest][] = [];
  for (const list of bySeller.values()) {
    const sorted = [...list].sort((a, b) => Date.parse(a.receivedAt) - Date.parse(b.receivedAt));
    for (let i = 1; i < sorted.length; i++) {
      const prev = sorted[i - 1] as RecordedRequest;
      const cur = sorted[i] as RecordedRequest;
      if (Date.parse(cur.receivedAt) < Date.parse(prev.answeredAt)) overlaps.push([prev, cur]);
    }
  }
  return overlaps;
}

/** A counter of a process's /metrics, summed over its labels. */
export async function metricTotal(server: RunningServer, name: string): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  let total = 0;
  for (const line of text.split("\n")) {
    if (line.startsWith(`${name}{`) || line.startsWith(`${name} `)) total += Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return total;
}

/** Every key matching the pattern, through a full SCAN; with del, deleted as found. Answers how many. */
async function scanKeys(pattern: string, del: boolean): Promise<number> {
  const redis = new Redis(redisUrl as string, { lazyConnect: true, maxRetriesPerRequest: 2 });
  await redis.connect();
  let count = 0;
  try {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", pattern, "COUNT", 1000);
      cursor = next;
      if (keys.length > 0) count += del ? await redis.del(...keys) : keys.length;
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
  return count;
}

/** Deletes every key under the prefix (SCAN + DEL): this test's own FLUSHALL. Answers how many went. */
export const wipePrefix = (prefix: string) => scanKeys(`${prefix}*`, true);

/** Whether any dirty or claimed mark of the dirty buffer (stock-sync/dirty-buffer.ts keys) is left under the prefix. */
export async function survivingMarks(prefix: string): Promise<boolean> {
  return (await scanKeys(`${prefix}sync:dirty:*`, false)) + (await scanKeys(`${prefix}sync:processing:*`, false)) > 0;
}

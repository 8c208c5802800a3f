import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import { startSandbox, type RunningSandbox } from "@pazarsync/marketplace-sandbox";
import { openDatabase, queryRows, type DatabaseHandle } from "../../src/infra/db";
import { createLogger } from "../../src/infra/logger";
import { createScratchDatabase, type ScratchDatabase } from "../support/database";
import { skipReason } from "../support/env";
import { MARKETPLACES } from "../support/marketplaces";
import { appProcessEnv, startServer, type RunningServer } from "../support/process";
import { seedCatalog } from "../marketplace/catalog-support";
import { call, waitFor } from "../stock-sync/processes-support";
import { buildCatalog, seedBody, writeOurCatalog } from "./import-sandbox-support";

// A listing import of 2,000 remote listings run by a real src/main.ts process that is SIGKILLed
// halfway; a new process resumes it from the last committed page. One scratch database, one Redis
// prefix, one in-process sandbox whose every answer is slowed so "halfway" can be seen.
const needsServers = skipReason("postgres") ?? skipReason("redis");
const report = (line: string) => process.stderr.write(`[import kill] ${line}\n`);
type Json = Record<string, unknown>;

const LEASE_MS = 1000;
let scratch: ScratchDatabase;
let database: DatabaseHandle;
let sandbox: RunningSandbox;
let env: Record<string, string>;
let adminToken = "";
let server: RunningServer;
const stores = new Map<string, string>();

async function ok(method: string, path: string, body?: unknown): Promise<Json> {
  const res = await call(server.url, method, path, body, adminToken);
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

beforeAll(async () => {
  if (needsServers) return;
  scratch = await createScratchDatabase("import-kill");
  const tag = randomBytes(3).toString("hex");
  const others = MARKETPLACES.filter((m) => m.type !== "TRENDYOL");
  const trendyol = MARKETPLACES.filter((m) => m.type === "TRENDYOL");
  sandbox = await startSandbox({
    resultDelayMs: 0,
    // Each read takes this long, so the page the kill lands in is seen in progress.
    faults: { latencyMs: 150 },
    sellers: trendyol.map((m) => ({ sellerId: m.account, apiKey: m.key, apiSecret: m.secret })),
    accounts: Object.fromEntries(others.map((m) => [m.type, [{ account: m.account, key: m.key, secret: m.secret }]])),
  });
  const adminEmail = `ops-${tag}@example.com`;
  env = {
    ...appProcessEnv(scratch.url, "import-kill", adminEmail),
    JOB_LEASE_MS: String(LEASE_MS),
    JOB_POLL_MS: "100",
  };
  server = await startServer(env);
  adminToken = String((await call(server.url, "POST", "/api/v1/auth/login", { email: adminEmail, password: "a long admin password" })).body.accessToken);
  // No stock or price pushes: the flush of the import's marks would write to the sandbox accounts being read.
  for (const m of MARKETPLACES) {
    const store = await ok("POST", "/api/v1/stores", { name: `${m.type} import`, type: m.type, sellerId: m.account, baseUrl: sandbox.url, credentials: m.credentials, warehouseIds: [], sendStock: false, sendPrice: false });
    stores.set(m.type, String(store.id));
  }
  database = await openDatabase({ url: scratch.url, log: createLogger({ level: "silent", pretty: false }) });
}, 120_000);

afterAll(async () => {
  if (needsServers) return;
  if (server && server.proc.exitCode === null && server.proc.signalCode === null) await server.stop("SIGKILL");
  await database?.close();
  sandbox?.state.trendyolWebhooks.stop();
  await sandbox?.stop();
  await scratch?.drop();
}, 60_000);

/** The listing read of each marketplace, and how many reads an uninterrupted import of the catalog makes (import-sandbox.test.ts). */
const READ_PATH: Record<string, { path: RegExp; pages: number }> = {
  TRENDYOL: { path: /products\/approved/, pages: 20 },
  HEPSIBURADA: { path: /\/listings\/merchantid\//i, pages: 40 },
  N11: { path: /product-query/, pages: 8 },
  PTTAVM: { path: /products\/search/, pages: 21 },
  PAZARAMA: { path: /product\/products/, pages: 20 },
};
const readsOf = (type: string, since: number) =>
  sandbox.state.requests().filter((r) => r.method === "GET" && READ_PATH[type]?.path.test(r.path) && Date.parse(r.receivedAt) >= since).length;

const jobOf = async (id: string) => (await call(server.url, "GET", `/api/v1/jobs/${id}`, undefined, adminToken)).body as Json & { progress: { done: number }; state: string };

describe.skipIf(!!needsServers)("a listing import SIGKILLed halfway and resumed by a new process", () => {
  for (const [index, m] of MARKETPLACES.entries()) {
    test(`${m.type}: 2,000 rows, no duplicates, the counts as built, attempts 2`, async () => {
      const storeId = stores.get(m.type) as string;
      const catalog = buildCatalog(m.type, `K${index}${Date.now().toString(36).toUpperCase()}`, 800_000_000_000 + index * 10_000_000);
      const ids = await writeOurCatalog(database.db, storeId, catalog);
      expect(await seedCatalog(sandbox.url, m.type, m.account, seedBody(catalog))).toBe(2000);

      const started = Date.now();
      const job = await ok("POST", `/api/v1/stores/${storeId}/listings/import`, {});
      const jobId = String(job.id);
      const half = await waitFor("half the listings read", 120_000, async () => {
        const seen = await jobOf(jobId);
        return seen.progress.done >= 1000 ? seen : undefined;
      }, 20);
      server.proc.kill("SIGKILL");
      await server.proc.exited;
      const killedAt = Date.now();
      expect(half.state).toBe("RUNNING");
      expect(half.progress.done).toBeLessThan(2000);

      server = await startServer(env);
      const upAt = Date.now();
      let resumedAt = 0;
      const done = await waitFor("the import to end", 180_000, async () => {
        const seen = await jobOf(jobId);
        if (!resumedAt && seen.attempts === 2) resumedAt = Date.now();
        return seen.state === "SUCCEEDED" || seen.state === "FAILED" ? seen : undefined;
      }, 50);
      const endedAt = Date.now();
      expect(done).toMatchObject({ state: "SUCCEEDED", attempts: 2, result: catalog.expected, progress: { done: 2000, counts: catalog.expected } });

      // Resumed from the cursor: the pages of one read, plus at most the one in flight at the kill.
      const reads = readsOf(m.type, started);
      expect(reads).toBeGreaterThanOrEqual(READ_PATH[m.type]?.pages ?? 0);
      expect(reads).toBeLessThanOrEqual((READ_PATH[m.type]?.pages ?? 0) + 1);

      // One row per remote listing, the outcomes as built.
      const rows = await queryRows<{ remote_key: string; n: number | string; outcome: string; reason: string | null; product_id: string | null }>(
        database.db,
        sql`select remote_key, count(*) over (partition by remote_key) as n, outcome, reason, product_id::text from listing_import_rows where job_id = ${jobId}::uuid order by position`,
      );
      expect(rows).toHaveLength(2000);
      expect(rows.filter((row) => Number(row.n) !== 1)).toEqual([]);
      expect(rows.map((row) => [row.remote_key, row.reason])).toEqual(catalog.remote.map((r) => [r.seed.marketplaceId, r.reason ?? null]));

      // Each linked product has one listing on the store, with the marketplace id it was read under.
      const listings = await queryRows<{ product_id: string; marketplace_product_id: string | null }>(
        database.db,
        sql`select product_id::text, marketplace_product_id from listings where store_id = ${storeId}::uuid`,
      );
      const byProduct = new Map<string, string[]>();
      for (const l of listings) byProduct.set(l.product_id, [...(byProduct.get(l.product_id) ?? []), l.marketplace_product_id ?? ""]);
      for (const r of catalog.remote.filter((x) => x.reason === null)) {
        expect({ sku: r.product, ids: byProduct.get(ids.get(r.product ?? "") ?? "") }).toEqual({ sku: r.product, ids: [r.seed.marketplaceId] });
      }
      const marketplaceIds = listings.map((l) => l.marketplace_product_id).filter((id) => id !== null);
      expect(new Set(marketplaceIds).size).toBe(marketplaceIds.length);
      report(
        `${m.type}: killed at ${half.progress.done}/2000 read, ${killedAt - started} ms after the start; new process up in ${upAt - killedAt} ms, ` +
          `job claimed again ${resumedAt - killedAt} ms after the kill, SUCCEEDED ${endedAt - killedAt} ms after the kill; ${reads} reads; ${JSON.stringify(catalog.expected)}`,
      );
    }, 400_000);
  }
});

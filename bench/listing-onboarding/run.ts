/**
 * A seller onboarding BENCH_COUNT (20,000) products on a Trendyol store pointed at an in-process
 * sandbox whose catalog already lists them (seeded through its catalog control route; stock codes
 * differ from barcodes).
 *
 *   npx -y bun@1.4.5 run bench/listing-onboarding/run.ts          # embedded: PGlite in memory, in-process key-value store
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test REDIS_URL=redis://127.0.0.1:6379 \
 *     npx -y bun@1.4.5 run bench/listing-onboarding/run.ts        # real servers: a scratch database (dropped after), a unique Redis prefix
 *
 * In this process (the app's services and routes, no HTTP server):
 *  (a) the listing import as a job (the job service, the import runner, one step per page):
 *      unpaced (sandbox windows a million times shorter, a limiter that always grants) against
 *      the baseline of the same reads through the adapter alone; then at Trendyol's real limit
 *      (the app's own job worker and listing buckets, the sandbox's real 50 per 10 s, unscaled)
 *      against the adapter's reads paced by the same buckets. Wall time, pages, rows and SQL
 *      statements per second.
 *  (b) bulk enable of the imported listings in one call (POST .../listings/bulk) against
 *      BENCH_PUTS (200) single-listing PUTs on another store, extrapolated to BENCH_COUNT; the marks.
 *  (c) the first flushes (flushOne in a loop, as the sync worker does; a refused token is slept
 *      out) against the real-limit sandbox: requests, items per request, 429s, and the time from
 *      the bulk's answer until the sandbox shows every listing at the quantity we compute.
 * Prints one summary block; speed only as ratios against baselines measured in this run.
 */
import { randomUUID } from "node:crypto";
import { startSandbox, type RunningSandbox } from "@pazarsync/marketplace-sandbox";
import type { MarketplaceAdapter } from "../../packages/backend/src/domains/marketplace/adapter";
import { createMarketplaceAdapter } from "../../packages/backend/src/domains/marketplace/service";
import { trendyolProfile } from "../../packages/backend/src/domains/marketplace/trendyol/adapter";
import { createJobWorker, type JobWorker } from "../../packages/backend/src/domains/jobs/worker";
import { createListingImport } from "../../packages/backend/src/domains/listing-catalog/import";
import { bucketsFor, createRateLimiter } from "../../packages/backend/src/domains/stock-sync/token-bucket";
import { createLogger } from "../../packages/backend/src/infra/logger";
import { createTestApp, type TestApp } from "../../packages/backend/test/support/app";
import { sendJson, staff } from "../../packages/backend/test/support/identity";
import { type OnboardingCatalog, seedCatalog, seedRemote } from "./seed";

const COUNT = Number(process.env.BENCH_COUNT ?? 20_000);
const PUTS = Number(process.env.BENCH_PUTS ?? 200);
/** The sandbox's default: a Trendyol batch result is readable a second after acceptance. */
const RESULT_DELAY_MS = 1000;
const SELLERS = { fastRead: "ONBFR", fastImport: "ONBFI", pacedRead: "ONBPR", onboard: "ONBON", puts: "ONBPU" } as const;
const out = (line: string) => process.stdout.write(`${line}\n`);
const progress = (line: string) => process.stderr.write(`[bench/listing-onboarding] ${line}\n`);
const log = createLogger({ level: "silent", pretty: false });
const seller = (sellerId: string) => ({ sellerId, apiKey: "k", apiSecret: "s" });
const adapterOf = (sandbox: RunningSandbox, sellerId: string): MarketplaceAdapter =>
  createMarketplaceAdapter({ type: "TRENDYOL", sellerId, baseUrl: sandbox.url, credentials: { apiKey: "k", apiSecret: "s" } });
const seconds = (ms: number) => (ms / 1000).toFixed(2);
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}x`;

interface Read {
  ms: number;
  pages: number;
  listings: number;
}

/** Every listing through the adapter alone, each read after `pace` (nothing written anywhere). */
async function readAll(adapter: MarketplaceAdapter, pace?: () => Promise<void>): Promise<Read> {
  const read = adapter.readListings?.bind(adapter);
  if (!read) throw new Error("the Trendyol adapter reads no listings");
  let page: string | null = null;
  let pages = 0;
  let listings = 0;
  const began = performance.now();
  do {
    await pace?.();
    const answer = await read(page ? { page } : {});
    pages += 1;
    listings += answer.listings.length;
    page = answer.listings.length === 0 ? null : answer.next;
  } while (page);
  return { ms: performance.now() - began, pages, listings };
}

interface Imported {
  ms: number;
  statements: number;
  jobId: string;
  result: Record<string, unknown>;
}

async function importJob(t: TestApp, counter: () => number, storeId: string, worker: JobWorker): Promise<Imported> {
  const before = counter();
  const began = performance.now();
  const job = await t.services.listingImports.start(storeId, { enable: false }, null);
  await worker.runOnce();
  await worker.idle();
  const ms = performance.now() - began;
  const done = await t.services.jobs.find(job.id);
  const result = done?.result ?? {};
  if (done?.state !== "SUCCEEDED" || result.linked !== COUNT || result.unlinked !== 0 || result.conflicting !== 0) {
    throw new Error(`import ${job.id}: ${done?.state} ${JSON.stringify(done?.error ?? result)}`);
  }
  return { ms, statements: counter() - before, jobId: job.id, result };
}

const sandboxPages = (sandbox: RunningSandbox, sellerId: string) => sandbox.state.requests().filter((r) => r.sellerId === sellerId && r.endpoint === "products-approved").length;

/** Until the sandbox shows every listing at the quantity the store may sell; answers when, and how many still differ if it never did. */
async function parity(t: TestApp, sandbox: RunningSandbox, storeId: string, catalog: OnboardingCatalog, deadlineMs: number): Promise<{ at: number; differing: number }> {
  const details = await t.services.sellable(storeId, catalog.productIds);
  const expected = catalog.productIds.map((id, n) => [`${catalog.barcodePrefix}${String(n).padStart(6, "0")}`, details.get(id)?.sellable ?? -1] as const);
  const end = performance.now() + deadlineMs;
  for (;;) {
    // The control route settles the sandbox's batches due by now (its state is processed lazily).
    const shown = (await (await fetch(`${sandbox.url}/__sandbox/sellers/${SELLERS.onboard}/quantities`)).json()) as Record<string, number>;
    const differing = expected.filter(([barcode, qty]) => shown[barcode] !== qty).length;
    if (differing === 0 || performance.now() > end) {
      return { at: performance.now(), differing };
    }
    await Bun.sleep(50);
  }
}

let statements = 0;
const t = await createTestApp({ label: "bench-listing-onboarding", env: { SYNC_POLL_DELAY_MS: "0" }, onQuery: () => void (statements += 1) });
// Reads, writes and results out of the way of any limit: the unpaced rounds.
const fast = await startSandbox({ resultDelayMs: 0, rateLimitTimeScale: 1_000_000, sellers: [seller(SELLERS.fastRead), seller(SELLERS.fastImport)] });
// Trendyol's real windows (no time scale): 50 requests per endpoint per 10 s.
const real = await startSandbox({ resultDelayMs: RESULT_DELAY_MS, sellers: [seller(SELLERS.pacedRead), seller(SELLERS.onboard), seller(SELLERS.puts)] });
let failed = false;
try {
  const token = (await staff(t)).tokens.accessToken as string;
  const tag = String(Date.now() % 1_000_000).padStart(6, "0");
  const catalog = await seedCatalog(t.infra.database.db, tag, COUNT);
  for (const [sandbox, sellerId] of [[fast, SELLERS.fastRead], [fast, SELLERS.fastImport], [real, SELLERS.pacedRead], [real, SELLERS.onboard]] as const) {
    await seedRemote(sandbox.url, sellerId, catalog, COUNT);
  }
  const store = async (sandbox: RunningSandbox, sellerId: string) =>
    (await t.services.stores.createStore({ name: `Onboarding ${sellerId}`, type: "TRENDYOL", sellerId, baseUrl: sandbox.url, credentials: { apiKey: "k", apiSecret: "s" }, warehouseIds: [catalog.warehouseId] })).id;
  const stores = { fastImport: await store(fast, SELLERS.fastImport), onboard: await store(real, SELLERS.onboard), puts: await store(real, SELLERS.puts) };

  // (a) unpaced: the adapter alone, then the job.
  progress(`(a) ${COUNT} listings: adapter reads, unpaced`);
  const readFast = await readAll(adapterOf(fast, SELLERS.fastRead));
  if (readFast.listings !== COUNT) throw new Error(`the adapter read ${readFast.listings} listings`);
  const unpacedWorker = createJobWorker({
    jobs: t.services.jobs,
    log,
    settings: t.config.jobs,
    runners: {
      LISTING_IMPORT: createListingImport({
        db: t.infra.database.db,
        log,
        findStore: (id) => t.services.stores.findStore(id),
        adapterFor: async () => adapterOf(fast, SELLERS.fastImport),
        limiter: { tryTake: async () => ({ granted: true, waitMs: 0 }) },
        markDirty: (pairs) => t.services.sync.markDirty(pairs),
        changedBy: (storeId, jobId) => t.services.listingImports.changedBy(storeId, jobId),
      }),
    },
  });
  progress("(a) import job, unpaced");
  const importFast = await importJob(t, () => statements, stores.fastImport, unpacedWorker);

  // (a) at the limit: the same buckets pace both.
  progress("(a) adapter reads paced by the listing buckets (real 50 per 10 s)");
  const limiter = createRateLimiter(t.infra.kv);
  const readBuckets = bucketsFor({ marketplace: "TRENDYOL", storeKey: randomUUID(), profile: trendyolProfile, group: "product-filter" });
  const readPaced = await readAll(adapterOf(real, SELLERS.pacedRead), async () => {
    for (;;) {
      const { granted, waitMs } = await limiter.tryTake(readBuckets);
      if (granted) return;
      await Bun.sleep(Math.max(1, Math.ceil(waitMs)));
    }
  });
  progress("(a) import job through the app's job worker at the limit");
  const importPaced = await importJob(t, () => statements, stores.onboard, t.services.jobWorker);
  const buffer = t.services.sync.buffer;
  const importMarks = (await buffer.backlog(stores.onboard)).count;
  // Linked disabled, the import marks nothing (a disabled listing is told 0); anything left goes off unsent, so the marks counted next are the bulk's own.
  const drained = await buffer.claim(stores.onboard, COUNT * 2, 60_000);
  if (drained) await buffer.ack(drained);

  // (b) single PUTs (another store, never flushed), then the bulk.
  progress(`(b) ${PUTS} single-listing PUTs`);
  const putsBegan = performance.now();
  for (const productId of catalog.productIds.slice(0, PUTS)) {
    const res = await sendJson(t, "PUT", `/api/v1/stores/${stores.puts}/listings/${productId}`, { enabled: true }, token);
    if (res.status !== 200) throw new Error(`PUT listing answered ${res.status}`);
  }
  const perPutMs = (performance.now() - putsBegan) / PUTS;
  progress("(b) bulk enable");
  const bulkBegan = performance.now();
  const bulkRes = await sendJson(t, "POST", `/api/v1/stores/${stores.onboard}/listings/bulk`, { filter: { importJobId: importPaced.jobId }, set: { enabled: true } }, token);
  const bulkAnswered = performance.now();
  const bulk = (await bulkRes.json()) as { matched?: number; changed?: number };
  if (bulkRes.status !== 200 || bulk.matched !== COUNT || bulk.changed !== COUNT) throw new Error(`bulk answered ${bulkRes.status} ${JSON.stringify(bulk)}`);
  const marked = new Set(await buffer.peek(stores.onboard, COUNT * 2));
  const marksExact = marked.size === COUNT && catalog.productIds.every((id) => marked.has(id));

  // (c) the first flushes, timed from the bulk's answer.
  progress("(c) first flushes");
  let flushes = 0;
  let waits = 0;
  for (let round = 0; round < 10_000 && (await buffer.backlog(stores.onboard)).count > 0; round++) {
    const result = await t.services.sync.flushOne(stores.onboard);
    flushes += 1;
    if (result?.outcome === "rate_limited" || result?.outcome === "backoff") {
      waits += 1;
      await Bun.sleep(Math.max(10, result.waitMs ?? 1000));
    } else if (result?.outcome !== "sent") throw new Error(`flush: ${JSON.stringify(result)}`);
  }
  const flushedAt = performance.now();
  const reached = await parity(t, real, stores.onboard, catalog, 60_000);
  if (reached.differing > 0) throw new Error(`${reached.differing} listings never showed our quantity`);
  const writes = real.state.requests().filter((r) => r.sellerId === SELLERS.onboard && r.endpoint === "price-and-inventory");
  const items = writes.map((w) => w.itemCount);
  const tooMany = [...real.state.requests(), ...fast.state.requests()].filter((r) => r.status === 429).length;
  const firstWrite = Math.min(...writes.map((w) => Date.parse(w.receivedAt)));
  const lastWrite = Math.max(...writes.map((w) => Date.parse(w.receivedAt)));

  const rowsPerS = (i: Imported) => ((COUNT / i.ms) * 1000).toFixed(0);
  const perS = (i: Imported) => ((i.statements / i.ms) * 1000).toFixed(0);
  const fullPages = sandboxPages(real, SELLERS.onboard);
  // Our buckets for the read group: the smallest burst, then the slowest refill (what pacing allows at best).
  const burst = Math.min(...readBuckets.map((b) => b.capacity));
  const pace = Math.min(...readBuckets.map((b) => b.refillPerSecond));
  const floorS = Math.max(0, fullPages - burst) / pace;
  const writeFloorS = Math.max(0, writes.length - 50) / 5;

  out(`bench/listing-onboarding: ${COUNT} products onboarded on one Trendyol store, in-process sandbox, ${process.env.DATABASE_URL ? "Postgres + Redis" : "embedded (PGlite, in-process key-value store)"}`);
  out("");
  out("(a) listing import as a job (import with enable=false: the seller reviews, then enables in bulk)");
  out("| round | wall s | pages | vs its baseline | listings/s | SQL statements | statements/s |");
  out("|---|---|---|---|---|---|---|");
  out(`| adapter reads alone, unpaced (baseline) | ${seconds(readFast.ms)} | ${readFast.pages} | 1.00x | ${((COUNT / readFast.ms) * 1000).toFixed(0)} | - | - |`);
  out(`| import job, unpaced | ${seconds(importFast.ms)} | ${sandboxPages(fast, SELLERS.fastImport)} | ${ratio(importFast.ms, readFast.ms)} | ${rowsPerS(importFast)} | ${importFast.statements} | ${perS(importFast)} |`);
  out(`| adapter reads paced by our buckets, real limit (baseline) | ${seconds(readPaced.ms)} | ${readPaced.pages} | 1.00x | ${((COUNT / readPaced.ms) * 1000).toFixed(0)} | - | - |`);
  out(`| import job, app's worker, real limit | ${seconds(importPaced.ms)} | ${fullPages} | ${ratio(importPaced.ms, readPaced.ms)} | ${rowsPerS(importPaced)} | ${importPaced.statements} | ${perS(importPaced)} |`);
  out(`  result ${JSON.stringify(importPaced.result)}; our read buckets allow ${floorS.toFixed(1)} s for ${fullPages} pages (a burst of ${burst}, then ${pace.toFixed(2)}/s): import ${ratio(importPaced.ms / 1000, floorS)} that`);
  out(`  marks left by the import: ${importMarks} (listings linked disabled are not pushed until enabled; 0 expected)`);
  out("(b) bulk enable");
  out(`  one call: ${(bulkAnswered - bulkBegan).toFixed(0)} ms, matched ${bulk.matched}, changed ${bulk.changed}; marks ${marked.size} (${marksExact ? "exactly" : "NOT exactly"} the ${COUNT} products)`);
  out(`  ${PUTS} single PUTs: ${perPutMs.toFixed(2)} ms each -> ${seconds(perPutMs * COUNT)} s for ${COUNT} EXTRAPOLATED (x${COUNT / PUTS}); bulk is ${ratio(perPutMs * COUNT, bulkAnswered - bulkBegan)} faster`);
  out("(c) first flushes (sandbox at Trendyol's real 50 per 10 s, not time-scaled; batch results 1 s after acceptance)");
  out(`  ${writes.length} stock/price requests, items per request min ${Math.min(...items)} / max ${Math.max(...items)} / total ${items.reduce((a, b) => a + b, 0)}; ${flushes} flushOne calls, ${waits} waited out a token`);
  out(`  429s in the whole run: ${tooMany} (0 expected); writes spread over ${((lastWrite - firstWrite) / 1000).toFixed(2)} s; the documented limit allows them in ${writeFloorS.toFixed(1)} s of waiting`);
  out(`  bulk answer -> flushes done ${seconds(flushedAt - bulkAnswered)} s -> parity (sandbox shows all ${COUNT} at our quantity) ${seconds(reached.at - bulkAnswered)} s`);
  if (tooMany > 0) {
    failed = true;
    process.stderr.write("bench/listing-onboarding: the sandbox answered 429\n");
  }
} catch (error) {
  failed = true;
  process.stderr.write(`bench/listing-onboarding failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
} finally {
  await fast.stop();
  await real.stop();
  await t.close();
}
process.exit(failed ? 1 : 0);

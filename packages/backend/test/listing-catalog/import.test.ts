import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Stores } from "@pazarsync/shared";
import { sql } from "drizzle-orm";
import { createJobService } from "../../src/domains/jobs/service";
import { createJobWorker } from "../../src/domains/jobs/worker";
import { createListingImport } from "../../src/domains/listing-catalog/import";
import type { MarketplaceAdapter } from "../../src/domains/marketplace/adapter";
import type { RemoteListing } from "../../src/domains/marketplace/types";
import { createDirtyBuffer } from "../../src/domains/stock-sync/dirty-buffer";
import { createRateLimiter } from "../../src/domains/stock-sync/token-bucket";
import { queryRows } from "../../src/infra/db";
import { createLogger } from "../../src/infra/logger";
import { createTestApp, type TestApp } from "../support/app";
import { createStore } from "../support/catalog";
import { bodyOf, type Json } from "../support/http";
import { admin, customer, get, sendJson, staff } from "../support/identity";
import { listingReader, nonReader, PAGE_SIZE, seedProduct, seedProducts, storeListings } from "./import-support";

let t: TestApp;
let adminToken: string;
let staffToken: string;
/** Each store's adapter for listing reads, as the test sets it. */
const adapters = new Map<string, MarketplaceAdapter>();
const silent = createLogger({ level: "silent", pretty: false });

beforeAll(async () => {
  t = await createTestApp({
    label: "listing-import",
    listingAdapters: async (store: Stores.Store) => {
      const adapter = adapters.get(store.id);
      if (!adapter) throw new Error(`no test adapter for store ${store.id}`);
      return adapter;
    },
  });
  adminToken = (await admin(t)).tokens.accessToken;
  staffToken = (await staff(t)).tokens.accessToken;
});
afterAll(() => t.close());

const newStore = (type = "TRENDYOL") => createStore(t, adminToken, { type, sellerId: "1", warehouseIds: [] });
const startImport = (storeId: string, body: unknown = {}, token = staffToken) => sendJson(t, "POST", `/api/v1/stores/${storeId}/listings/import`, body, token);
const buffer = () => createDirtyBuffer(t.infra.kv);

/** Runs the app's job worker until nothing it started is left running. */
async function runJobs(): Promise<void> {
  await t.services.jobWorker.runOnce();
  await t.services.jobWorker.idle();
}

async function marked(storeId: string): Promise<Set<string>> {
  return new Set(await buffer().peek(storeId, 10_000));
}

/** Takes every mark of the store out of the buffer (as a flush would). */
async function drainMarks(storeId: string): Promise<void> {
  const claim = await buffer().claim(storeId, 10_000, 60_000);
  if (claim) await buffer().ack(claim);
}

async function rowsOf(storeId: string, jobId: string, query = ""): Promise<Json> {
  const res = await get(t, `/api/v1/stores/${storeId}/listings/imports/${jobId}/rows${query}`, staffToken);
  expect(res.status).toBe(200);
  return bodyOf(res);
}

async function allRows(storeId: string, jobId: string): Promise<Json[]> {
  const rows: Json[] = [];
  for (let offset = 0; ; offset += 100) {
    const page = await rowsOf(storeId, jobId, `?limit=100&offset=${offset}`);
    rows.push(...page.items);
    if (page.items.length < 100) return rows;
  }
}

/**
 * A store's marketplace catalog of 2,000 listings, each kind of outcome made on purpose:
 * - 1,500 linked by barcode (odd ones carry our sku as stock code, even ones the barcode), the
 *   last ten each followed at once by a second remote listing of the same product;
 * - 100 linked by stock code alone (their barcodes are the marketplace's own);
 * - 20 whose barcode names one product and stock code another; 20 whose stock code is one
 *   product's sku and another's barcode; 20 of products already linked to another remote id;
 * - 320 matching nothing; and at the very end, 10 more remote listings of products linked on page 1.
 */
async function catalog(storeId: string, tag: string) {
  const products = await seedProducts(t, tag, 1, 1660);
  const id = (i: number) => products.get(i) ?? "";
  const listings: RemoteListing[] = [];
  const expected = { linked: new Set<string>(), reasons: new Map<string, string>() };
  const remote = (key: string, extra: Partial<RemoteListing>, reason?: string) => {
    listings.push({ marketplaceId: key, raw: {}, ...extra });
    if (reason) expected.reasons.set(key, reason);
  };
  for (let i = 1; i <= 1500; i++) {
    remote(`${tag}-M-${i}`, {
      barcode: `${tag}-B-${i}`,
      stockCode: i % 2 === 1 ? `${tag}-S-${i}` : `${tag}-B-${i}`,
      quantity: i % 50,
      fulfilledByMarketplace: i % 100 === 0,
    });
    expected.linked.add(id(i));
    if (i > 1490) remote(`${tag}-NEXT-${i}`, { barcode: `${tag}-B-${i}` }, "DUPLICATE_REMOTE");
  }
  for (let i = 1501; i <= 1600; i++) {
    remote(`${tag}-M-${i}`, { barcode: `${tag}-RB-${i}`, stockCode: `${tag}-S-${i}`, quantity: 3 });
    expected.linked.add(id(i));
  }
  for (let j = 0; j < 20; j++) remote(`${tag}-DIS-${j}`, { barcode: `${tag}-B-${1601 + 2 * j}`, stockCode: `${tag}-S-${1602 + 2 * j}` }, "BARCODE_AND_STOCK_CODE_DISAGREE");
  for (let j = 0; j < 20; j++) {
    await seedProduct(t, `${tag}-AMB-${j}`, `${tag}-AMBA-${j}`);
    await seedProduct(t, `${tag}-AMBB-${j}`, `${tag}-AMB-${j}`);
    remote(`${tag}-AMB-${j}`, { stockCode: `${tag}-AMB-${j}` }, "AMBIGUOUS");
  }
  for (let i = 1641; i <= 1660; i++) {
    await t.services.stores.putListing(storeId, id(i), { enabled: true });
    remote(`${tag}-M-${i}`, { barcode: `${tag}-B-${i}` }, "TAKEN");
  }
  await t.infra.database.db.execute(
    // Linked to other remote listings before this import (by an earlier import or by staff).
    sql`update listings set marketplace_product_id = 'OTHER-' || product_id where store_id = ${storeId}::uuid`,
  );
  for (let j = 0; j < 320; j++) remote(`${tag}-U-${j}`, { barcode: `${tag}-UB-${j}`, stockCode: `${tag}-US-${j}` }, "NO_MATCH");
  for (let i = 1; i <= 10; i++) remote(`${tag}-LATE-${i}`, { barcode: `${tag}-B-${i}`, stockCode: `${tag}-S-${i}` }, "DUPLICATE_REMOTE");
  expect(listings).toHaveLength(2000);
  // The arranged listings' own marks (staff's PUT marks them) are not the import's.
  await drainMarks(storeId);
  return { listings, expected, id };
}

const EXPECTED_COUNTS = { read: 2000, linked: 1600, unlinked: 320, conflicting: 80 };

/** The end state every import of `catalog` must reach, however many workers it took. */
async function expectImported(storeId: string, jobId: string, tag: string, made: Awaited<ReturnType<typeof catalog>>) {
  const job = await bodyOf(await get(t, `/api/v1/jobs/${jobId}`, staffToken));
  expect(job).toMatchObject({ state: "SUCCEEDED", result: EXPECTED_COUNTS, progress: { done: 2000, total: 2000, counts: EXPECTED_COUNTS } });

  const rows = await allRows(storeId, jobId);
  expect(rows).toHaveLength(2000);
  expect(new Set(rows.map((row) => row.remoteKey)).size).toBe(2000);
  expect(rows.map((row) => row.position)).toEqual([...Array(2000).keys()]);
  for (const row of rows) {
    const reason = made.expected.reasons.get(row.remoteKey) ?? null;
    expect({ key: row.remoteKey, reason: row.reason, outcome: row.outcome }).toEqual({
      key: row.remoteKey,
      reason,
      outcome: reason === null ? "LINKED" : reason === "NO_MATCH" ? "UNLINKED" : "CONFLICT",
    });
  }
  const linked = rows.filter((row) => row.outcome === "LINKED").map((row) => row.productId);
  expect(new Set(linked)).toEqual(made.expected.linked);
  expect(linked).toHaveLength(1600);
  const disagree = rows.find((row) => row.remoteKey === `${tag}-DIS-0`);
  expect(new Set(disagree.candidates)).toEqual(new Set([made.id(1601), made.id(1602)]));
  for (const [outcome, total] of [["LINKED", 1600], ["UNLINKED", 320], ["CONFLICT", 80]] as const) {
    expect((await rowsOf(storeId, jobId, `?outcome=${outcome}&limit=1`)).total).toBe(total);
  }

  const listings = await storeListings(t, storeId);
  expect(listings.size).toBe(1620);
  expect(listings.get(made.id(1))).toMatchObject({ barcode: null, stock_code: `${tag}-S-1`, marketplace_product_id: `${tag}-M-1`, import_job_id: jobId, enabled: true, last_seen_quantity: 1 });
  expect(listings.get(made.id(2))).toMatchObject({ barcode: null, stock_code: null, marketplace_product_id: `${tag}-M-2` });
  expect(listings.get(made.id(100))).toMatchObject({ fulfilled_by_marketplace: true, last_seen_quantity: 0 });
  expect(listings.get(made.id(1501))).toMatchObject({ barcode: `${tag}-RB-1501`, stock_code: `${tag}-S-1501`, marketplace_product_id: `${tag}-M-1501` });
  // A product taken by another remote listing keeps that link.
  expect(listings.get(made.id(1641))).toMatchObject({ marketplace_product_id: `OTHER-${made.id(1641)}`, import_job_id: null });
  // Marked: exactly the listings the import created or changed.
  const marks = await marked(storeId);
  expect([...made.expected.linked].filter((id) => !marks.has(id))).toEqual([]);
  expect([...marks].filter((id) => !made.expected.linked.has(id))).toEqual([]);
}

describe("a listing import of 2,000 remote listings", () => {
  test("links, leaves unlinked and reports conflicts exactly as the catalog was made, and marks what it linked", async () => {
    const storeId = await newStore();
    const tag = `IMP${Date.now() % 1_000_000}`;
    const made = await catalog(storeId, tag);
    const reader = listingReader(made.listings);
    adapters.set(storeId, reader.adapter);

    const res = await startImport(storeId);
    expect(res.status).toBe(202);
    const job = await bodyOf(res);
    expect(res.headers.get("location")).toBe(`/api/v1/jobs/${job.id}`);
    expect(job).toMatchObject({ kind: "LISTING_IMPORT", storeId, state: "QUEUED" });
    await runJobs();

    expect((await t.services.jobs.find(job.id))?.error ?? null).toBeNull();
    expect(reader.reads).toHaveLength(2000 / PAGE_SIZE);
    await expectImported(storeId, job.id, tag, made);

    // Re-running on the unchanged catalog: the same answer, no listing touched, nothing marked.
    await drainMarks(storeId);
    const before = await storeListings(t, storeId);
    const again = await bodyOf(await startImport(storeId));
    await runJobs();
    expect(await bodyOf(await get(t, `/api/v1/jobs/${again.id}`, staffToken))).toMatchObject({ state: "SUCCEEDED", result: EXPECTED_COUNTS });
    expect((await rowsOf(storeId, again.id, "?outcome=CONFLICT&limit=1")).total).toBe(80);
    expect(await storeListings(t, storeId)).toEqual(before);
    expect(await marked(storeId)).toEqual(new Set());
  });

  test("a worker that loses its lease halfway stops writing; another resumes from the cursor and the end state has no duplicates", async () => {
    const storeId = await newStore();
    const tag = `CRS${Date.now() % 1_000_000}`;
    const made = await catalog(storeId, tag);
    adapters.set(storeId, listingReader(made.listings).adapter);
    const job = await bodyOf(await startImport(storeId, { enable: true }));

    // Worker A reads eight pages, then hangs on the ninth (a stalled process whose lease runs out).
    let hung!: () => void;
    const reachedNinth = new Promise<void>((resolve) => (hung = resolve));
    let release!: () => void;
    const stalled = new Promise<void>((resolve) => (release = resolve));
    const deps = {
      db: t.infra.database.db,
      log: silent,
      findStore: (id: string) => t.services.stores.findStore(id),
      limiter: createRateLimiter(t.infra.kv),
      markDirty: (pairs: readonly { storeId: string; productId: string }[]) => t.services.sync.markDirty(pairs),
      changedBy: (store: string, jobId: string) => t.services.listingImports.changedBy(store, jobId),
    };
    const gated = listingReader(made.listings, async (offset) => {
      if (offset === 8 * PAGE_SIZE) {
        hung();
        await stalled;
      }
    });
    const settings = { pollMs: 60_000, leaseMs: 60_000, concurrency: 1 };
    const workerA = createJobWorker({
      jobs: createJobService({ db: t.infra.database.db }),
      runners: { LISTING_IMPORT: createListingImport({ ...deps, adapterFor: async () => gated.adapter }) },
      log: silent,
      settings,
    });
    await workerA.runOnce();
    await reachedNinth;
    expect(await t.services.jobs.find(job.id)).toMatchObject({ state: "RUNNING", cursor: { page: "800", position: 800 }, progress: { done: 800 } });

    // Worker B sees the lease as run out and takes the job over.
    const fresh = listingReader(made.listings);
    const workerB = createJobWorker({
      jobs: createJobService({ db: t.infra.database.db, now: () => Date.now() + settings.leaseMs + 1 }),
      runners: { LISTING_IMPORT: createListingImport({ ...deps, adapterFor: async () => fresh.adapter }) },
      log: silent,
      settings,
    });
    await workerB.runOnce();
    await workerB.idle();
    expect(fresh.reads[0]).toBe("800");
    expect(fresh.reads).toHaveLength(12);

    // A wakes up with page nine in hand: its step is refused and nothing it read is written.
    release();
    await workerA.idle();
    expect(await bodyOf(await get(t, `/api/v1/jobs/${job.id}`, staffToken))).toMatchObject({ attempts: 2 });
    await expectImported(storeId, job.id, tag, made);
  });
});

describe("what a link changes for the push", () => {
  test("a listing re-keyed by the import forgets what it was told under the old keys; listings linked disabled are not marked", async () => {
    const storeId = await newStore();
    const tag = `RK${Date.now() % 1_000_000}`;
    const known = await seedProduct(t, `${tag}-SKU-1`, `${tag}-BC-1`);
    const fresh = await seedProduct(t, `${tag}-SKU-2`, `${tag}-BC-2`);
    // Pushed and confirmed under the product's own codes before the import.
    expect((await sendJson(t, "PUT", `/api/v1/stores/${storeId}/listings/${known}`, { enabled: true }, staffToken)).status).toBe(200);
    const db = t.infra.database.db;
    await db.execute(sql`update listings set last_pushed_quantity = 7, last_pushed_at = now() where store_id = ${storeId}::uuid and product_id = ${known}::uuid`);
    await db.execute(sql`insert into sync_sent (store_id, product_id, quantity, sent_at) values (${storeId}::uuid, ${known}::uuid, 7, now())`);
    await drainMarks(storeId);

    // The marketplace knows the first by another stock code; the second is new to us.
    const remote: RemoteListing[] = [
      { barcode: `${tag}-BC-1`, stockCode: `${tag}-THEIRS-1`, marketplaceId: "m-1", quantity: 7, raw: {} },
      { barcode: `${tag}-BC-2`, marketplaceId: "m-2", quantity: 3, raw: {} },
    ];
    adapters.set(storeId, listingReader(remote).adapter);
    const job = await bodyOf(await startImport(storeId, { enable: false }));
    await runJobs();
    expect(await t.services.jobs.find(String(job.id))).toMatchObject({ state: "SUCCEEDED", result: { linked: 2 } });

    const rows = await storeListings(t, storeId);
    expect(rows.get(known)).toMatchObject({ stock_code: `${tag}-THEIRS-1`, enabled: true });
    expect(rows.get(fresh)).toMatchObject({ enabled: false });
    const [pushed] = await queryRows<{ q: number | null }>(db, sql`select last_pushed_quantity as q from listings where store_id = ${storeId}::uuid and product_id = ${known}::uuid`);
    expect(pushed?.q).toBeNull();
    expect(await queryRows(db, sql`select product_id from sync_sent where store_id = ${storeId}::uuid`)).toEqual([]);
    // The re-keyed listing goes out again under its new code; the one linked disabled waits for the seller.
    expect(await marked(storeId)).toEqual(new Set([known]));
  });
});

describe("POST /api/v1/stores/:id/listings/import", () => {
  test("a second import while one is queued is 409 JOB_ALREADY_RUNNING naming it; without a body the import is started too", async () => {
    const storeId = await newStore();
    adapters.set(storeId, listingReader([]).adapter);
    const res = await t.request(`/api/v1/stores/${storeId}/listings/import`, { method: "POST", headers: { authorization: `Bearer ${staffToken}` } });
    expect(res.status).toBe(202);
    const first = await bodyOf(res);
    const second = await startImport(storeId, { enable: false });
    expect(second.status).toBe(409);
    expect((await bodyOf(second)).error).toMatchObject({ code: "JOB_ALREADY_RUNNING", details: { jobId: first.id } });
    await runJobs();
    expect(await bodyOf(await get(t, `/api/v1/jobs/${first.id}`, staffToken))).toMatchObject({ state: "SUCCEEDED", result: { read: 0, linked: 0, unlinked: 0, conflicting: 0 } });
  });

  test("a web store, or one whose marketplace has no listing reads, is 422 LISTING_IMPORT_NOT_SUPPORTED; an unknown store 404", async () => {
    const web = await newStore("WEB");
    const res = await startImport(web);
    expect(res.status).toBe(422);
    expect((await bodyOf(res)).error.code).toBe("LISTING_IMPORT_NOT_SUPPORTED");
    const cannotRead = await newStore();
    adapters.set(cannotRead, nonReader());
    expect((await bodyOf(await startImport(cannotRead))).error.code).toBe("LISTING_IMPORT_NOT_SUPPORTED");
    const missing = await startImport(crypto.randomUUID());
    expect(missing.status).toBe(404);
    expect((await bodyOf(missing)).error.code).toBe("STORE_NOT_FOUND");
  });

  test("only staff start imports and read their rows; rows of another store's job are 404", async () => {
    const storeId = await newStore();
    adapters.set(storeId, listingReader([]).adapter);
    const customerToken = (await customer(t)).tokens.accessToken;
    expect((await startImport(storeId, {}, customerToken)).status).toBe(403);
    expect((await startImport(storeId, { enable: "yes" })).status).toBe(422);
    const job = await bodyOf(await startImport(storeId));
    await runJobs();
    const other = await newStore();
    const res = await get(t, `/api/v1/stores/${other}/listings/imports/${job.id}/rows`, staffToken);
    expect(res.status).toBe(404);
    expect((await bodyOf(res)).error.code).toBe("JOB_NOT_FOUND");
    expect((await get(t, `/api/v1/stores/${storeId}/listings/imports/${job.id}/rows`, customerToken)).status).toBe(403);
    expect((await get(t, `/api/v1/stores/${storeId}/listings/imports/${job.id}/rows?outcome=MAYBE`, staffToken)).status).toBe(422);
  });
});

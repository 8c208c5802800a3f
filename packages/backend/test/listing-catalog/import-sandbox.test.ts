import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { RunningSandbox } from "@pazarsync/marketplace-sandbox";
import { createDirtyBuffer } from "../../src/domains/stock-sync/dirty-buffer";
import { createTestApp, type TestApp } from "../support/app";
import { createStore } from "../support/catalog";
import { bodyOf, type Json } from "../support/http";
import { admin, get, sendJson, staff } from "../support/identity";
import { everyMarketplaceSandbox, MARKETPLACES } from "../support/marketplaces";
import { waitUntil } from "../support/wait";
import { seedCatalog } from "../marketplace/catalog-support";
import { storeListings } from "./import-support";
import { buildCatalog, type BuiltCatalog, expectedListing, seedBody, writeOurCatalog } from "./import-sandbox-support";

// A listing import of 2,000 remote listings from each marketplace's sandbox catalog, through the
// real adapters (their page sizes and listing-read rate limits), every row's outcome known.
let t: TestApp;
let sandbox: RunningSandbox;
let adminToken: string;
let staffToken: string;

beforeAll(async () => {
  t = await createTestApp({ label: "import-sandbox" });
  adminToken = (await admin(t)).tokens.accessToken;
  staffToken = (await staff(t)).tokens.accessToken;
  sandbox = await everyMarketplaceSandbox();
}, 60_000);
afterAll(async () => {
  sandbox.state.trendyolWebhooks.stop();
  await sandbox.stop();
  await t.close();
});

const report = (line: string) => process.stderr.write(`[import sandbox] ${line}\n`);
const buffer = () => createDirtyBuffer(t.infra.kv);

async function allRows(storeId: string, jobId: string): Promise<Json[]> {
  const rows: Json[] = [];
  for (let offset = 0; ; offset += 100) {
    const res = await get(t, `/api/v1/stores/${storeId}/listings/imports/${jobId}/rows?limit=100&offset=${offset}`, staffToken);
    expect(res.status).toBe(200);
    const page = await bodyOf(res);
    rows.push(...page.items);
    if (page.items.length < 100) return rows;
  }
}

/** Starts an import as staff and runs it to its end, watching it through GET /api/v1/jobs/:id. */
async function importOnce(storeId: string): Promise<{ job: Json; ms: number; reads: number; progress: number[] }> {
  const requestsBefore = sandbox.state.requests().length;
  const started = Date.now();
  const res = await sendJson(t, "POST", `/api/v1/stores/${storeId}/listings/import`, {}, staffToken);
  expect(res.status).toBe(202);
  const created = await bodyOf(res);
  const progress: number[] = [];
  const running = t.services.jobWorker.runOnce();
  const job = await waitUntil(
    async () => {
      const seen = await bodyOf(await get(t, `/api/v1/jobs/${created.id}`, staffToken));
      if (progress.at(-1) !== seen.progress.done) progress.push(seen.progress.done);
      return seen.state === "SUCCEEDED" || seen.state === "FAILED" ? seen : undefined;
    },
    { timeoutMs: 180_000, intervalMs: 100, what: `import ${created.id}` },
  );
  await running;
  await t.services.jobWorker.idle();
  return { job, ms: Date.now() - started, reads: sandbox.state.requests().length - requestsBefore, progress };
}

async function expectRows(catalog: BuiltCatalog, ids: Map<string, string>, storeId: string, jobId: string): Promise<void> {
  const rows = await allRows(storeId, jobId);
  expect(rows).toHaveLength(2000);
  // Read in the sandbox's order, one row per remote listing, keyed by the marketplace's id.
  expect(rows.map((row) => row.remoteKey)).toEqual(catalog.remote.map((r) => r.seed.marketplaceId));
  expect(rows.map((row) => row.position)).toEqual([...Array(2000).keys()]);
  const id = (sku: string | undefined) => (sku === undefined ? null : (ids.get(sku) ?? `missing ${sku}`));
  for (const [i, r] of catalog.remote.entries()) {
    const row = rows[i] as Json;
    const outcome = r.reason === null ? "LINKED" : r.reason === "NO_MATCH" ? "UNLINKED" : "CONFLICT";
    const conflictOverProduct = r.reason === "TAKEN" || r.reason === "DUPLICATE_REMOTE";
    expect({
      key: row.remoteKey,
      outcome: row.outcome,
      reason: row.reason,
      productId: row.productId,
      candidates: row.candidates === null ? null : [...row.candidates].sort(),
      read: [row.barcode, row.stockCode, row.marketplaceProductId, row.quantity, row.fulfilledByMarketplace, row.locked],
    }).toEqual({
      key: r.seed.marketplaceId,
      outcome,
      reason: r.reason ?? null,
      productId: r.reason === null || conflictOverProduct ? id(r.product) : null,
      candidates: r.candidates && r.reason !== null && r.reason !== "NO_MATCH" ? r.candidates.map((sku) => id(sku)).sort() : null,
      read: [r.barcode, r.stockCode, r.seed.marketplaceId, r.seed.quantity ?? null, r.fulfilled, r.locked],
    });
  }
  for (const [outcome, total] of [["LINKED", catalog.expected.linked], ["UNLINKED", catalog.expected.unlinked], ["CONFLICT", catalog.expected.conflicting]] as const) {
    expect((await bodyOf(await get(t, `/api/v1/stores/${storeId}/listings/imports/${jobId}/rows?outcome=${outcome}&limit=1`, staffToken))).total).toBe(total);
  }
}

async function expectListings(catalog: BuiltCatalog, ids: Map<string, string>, storeId: string, jobId: string): Promise<void> {
  const listings = await storeListings(t, storeId);
  const linked = catalog.remote.filter((r) => r.reason === null);
  for (const r of linked) {
    const listing = listings.get(ids.get(r.product ?? "") ?? "");
    expect({ sku: r.product, ...listing }).toMatchObject({
      sku: r.product,
      ...expectedListing(catalog, r),
      enabled: true,
      fulfilled_by_marketplace: r.fulfilled,
      locked_by_marketplace: r.locked,
      last_seen_quantity: r.seed.quantity ?? null,
    });
  }
  // Linked listings, plus those that were there and not linked (TAKEN keep their link, PttAVM's ambiguous one its barcode).
  const untouched = catalog.before.filter((b) => !linked.some((r) => r.product === b.sku));
  expect(listings.size).toBe(linked.length + untouched.length);
  for (const b of untouched) expect(listings.get(ids.get(b.sku) ?? "")).toMatchObject({ import_job_id: null, marketplace_product_id: b.marketplaceId ?? null, barcode: b.barcode ?? null });
  const byJob = [...listings.values()].filter((l) => l.import_job_id === jobId).length;
  expect(byJob).toBe(linked.length);
  const marks = new Set(await buffer().peek(storeId, 10_000));
  expect(marks).toEqual(new Set(linked.map((r) => ids.get(r.product ?? "") ?? "")));
}

describe("a listing import against each marketplace's sandbox catalog of 2,000 listings", () => {
  for (const [index, m] of MARKETPLACES.entries()) {
    test(`${m.type}: linked, unlinked and conflicting rows exactly as built; a second import changes and marks nothing`, async () => {
      const storeId = await createStore(t, adminToken, { type: m.type, sellerId: m.account, baseUrl: sandbox.url, credentials: m.credentials, warehouseIds: [] });
      const tag = `E${index}${Date.now().toString(36).toUpperCase()}`;
      const catalog = buildCatalog(m.type, tag, 900_000_000_000 + index * 10_000_000 + (Date.now() % 1_000_000) * 10);
      const ids = await writeOurCatalog(t.infra.database.db, storeId, catalog);
      expect(await seedCatalog(sandbox.url, m.type, m.account, seedBody(catalog))).toBe(2000);

      const first = await importOnce(storeId);
      expect(first.job.error ?? null).toBeNull();
      expect(first.job).toMatchObject({ state: "SUCCEEDED", attempts: 1, result: catalog.expected, progress: { done: 2000, counts: catalog.expected } });
      // Progress moved page by page, never backwards.
      expect(first.progress).toEqual([...first.progress].sort((a, b) => a - b));
      await expectRows(catalog, ids, storeId, String(first.job.id));
      await expectListings(catalog, ids, storeId, String(first.job.id));

      // Again, on the unchanged catalog: the same rows, no listing written, nothing marked.
      const claim = await buffer().claim(storeId, 10_000, 60_000);
      if (claim) await buffer().ack(claim);
      const before = await storeListings(t, storeId);
      const second = await importOnce(storeId);
      expect(second.job).toMatchObject({ state: "SUCCEEDED", attempts: 1, result: catalog.expected });
      await expectRows(catalog, ids, storeId, String(second.job.id));
      expect(await storeListings(t, storeId)).toEqual(before);
      expect(await buffer().peek(storeId, 10_000)).toEqual([]);
      report(`${m.type}: ${JSON.stringify(catalog.expected)}; first import ${first.ms} ms in ${first.reads} reads (progress seen ${first.progress.join(",")}); second ${second.ms} ms in ${second.reads} reads`);
    }, 400_000);
  }
});

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createJobService } from "../../src/domains/jobs/service";
import { createJobWorker } from "../../src/domains/jobs/worker";
import { createListingImport, type ListingImportDeps } from "../../src/domains/listing-catalog/import";
import type { RemoteListing } from "../../src/domains/marketplace/types";
import { createDirtyBuffer } from "../../src/domains/stock-sync/dirty-buffer";
import { createRateLimiter } from "../../src/domains/stock-sync/token-bucket";
import { createLogger } from "../../src/infra/logger";
import { createTestApp, type TestApp } from "../support/app";
import { createStore } from "../support/catalog";
import { admin } from "../support/identity";
import { listingReader, seedProducts } from "./import-support";

let t: TestApp;
let adminToken: string;
const silent = createLogger({ level: "silent", pretty: false });
const settings = { pollMs: 60_000, leaseMs: 60_000, concurrency: 1 };

beforeAll(async () => {
  t = await createTestApp({ label: "listing-import-resume" });
  adminToken = (await admin(t)).tokens.accessToken;
});
afterAll(() => t.close());

/** A store whose marketplace shows `count` listings, each one of our products by barcode. */
async function linkedCatalog(count: number) {
  const storeId = await createStore(t, adminToken, { type: "TRENDYOL", sellerId: "1", warehouseIds: [] });
  const tag = `RES${Date.now() % 1_000_000}`;
  const products = await seedProducts(t, tag, 1, count);
  const listings: RemoteListing[] = [...products.keys()].sort((a, b) => a - b).map((i) => ({ marketplaceId: `${tag}-M-${i}`, barcode: `${tag}-B-${i}`, raw: {} }));
  return { storeId, listings, productIds: new Set(products.values()) };
}

function importDeps(overrides: Partial<ListingImportDeps>): Omit<ListingImportDeps, "adapterFor"> {
  return {
    db: t.infra.database.db,
    log: silent,
    findStore: (id) => t.services.stores.findStore(id),
    limiter: createRateLimiter(t.infra.kv),
    markDirty: (pairs) => t.services.sync.markDirty(pairs),
    changedBy: (storeId, jobId) => t.services.listingImports.changedBy(storeId, jobId),
    ...overrides,
  };
}

describe("listing import resumed", () => {
  test("a process that dies between a page's commit and its marks: the worker that resumes marks that page's listings too", async () => {
    const { storeId, listings, productIds } = await linkedCatalog(250);
    const job = await t.services.jobs.create({ kind: "LISTING_IMPORT", storeId, params: { enable: true } });

    // Worker A commits page one, then freezes before its marks are written.
    let frozen!: () => void;
    const reachedMarks = new Promise<void>((resolve) => (frozen = resolve));
    let thaw!: () => void;
    const thawed = new Promise<void>((resolve) => (thaw = resolve));
    const workerA = createJobWorker({
      jobs: createJobService({ db: t.infra.database.db }),
      runners: {
        LISTING_IMPORT: createListingImport({
          ...importDeps({
            markDirty: async () => {
              frozen();
              await thawed;
            },
          }),
          adapterFor: async () => listingReader(listings).adapter,
        }),
      },
      log: silent,
      settings,
    });
    await workerA.runOnce();
    await reachedMarks;
    expect(await createDirtyBuffer(t.infra.kv).peek(storeId, 1000)).toEqual([]);

    const reader = listingReader(listings);
    const workerB = createJobWorker({
      jobs: createJobService({ db: t.infra.database.db, now: () => Date.now() + settings.leaseMs + 1 }),
      runners: { LISTING_IMPORT: createListingImport({ ...importDeps({}), adapterFor: async () => reader.adapter }) },
      log: silent,
      settings,
    });
    await workerB.runOnce();
    await workerB.idle();
    expect(reader.reads).toEqual(["100", "200"]);
    expect(await t.services.jobs.find(job.id)).toMatchObject({ state: "SUCCEEDED", result: { read: 250, linked: 250, unlinked: 0, conflicting: 0 } });
    expect(new Set(await createDirtyBuffer(t.infra.kv).peek(storeId, 1000))).toEqual(productIds);

    thaw();
    await workerA.idle();
    expect(await t.services.jobs.find(job.id)).toMatchObject({ state: "SUCCEEDED", attempts: 2 });
  });

  test("a read refused by the store's listings bucket waits for it, and a stopping worker does not wait the refill out", async () => {
    const { storeId, listings } = await linkedCatalog(5);
    const job = await t.services.jobs.create({ kind: "LISTING_IMPORT", storeId, params: { enable: true } });
    let refused!: () => void;
    const wasRefused = new Promise<void>((resolve) => (refused = resolve));
    const reader = listingReader(listings);
    const worker = createJobWorker({
      jobs: createJobService({ db: t.infra.database.db }),
      runners: {
        LISTING_IMPORT: createListingImport({
          ...importDeps({
            limiter: {
              tryTake: async () => {
                refused();
                return { granted: false, waitMs: 3_600_000 };
              },
            },
          }),
          adapterFor: async () => reader.adapter,
        }),
      },
      log: silent,
      settings,
    });
    await worker.runOnce();
    await wasRefused;
    await worker.stop();
    expect(reader.reads).toEqual([]);
    expect(await t.services.jobs.find(job.id)).toMatchObject({ state: "QUEUED", attempts: 0, leaseOwner: null });
  });
});

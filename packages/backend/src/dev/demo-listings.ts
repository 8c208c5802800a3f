/**
 * The dev demo's listing catalog: every sandbox marketplace account lists the demo's products
 * under stock codes that are our SKUs (not the barcodes) and two listings of products we do not
 * sell; a listing import per store (the import service's job, run by the job worker) links them.
 * Then, on Trendyol, a shown quantity changed behind our back is found by a drift check and put
 * back by the next flush. The log shows each import's counts and the drift found and restored.
 */
import type { RunningSandbox } from "@pazarsync/marketplace-sandbox";
import type { ProductSummary } from "../domains/catalog/products";
import type { JobKind } from "../domains/jobs/schema";
import type { JobRow } from "../domains/jobs/runner";
import { AppError } from "../infra/errors";
import type { Logger } from "../infra/logger";
import type { Services } from "../services";
import type { DemoStore } from "./demo-seed";

export interface ImportCounts {
  marketplace: string;
  linked: number;
  unlinked: number;
  conflicting: number;
}

export interface DriftReport {
  barcode: string;
  /** What we had pushed and the marketplace confirmed; what it showed behind our back; what it shows after the restore. */
  confirmed: number;
  changedTo: number;
  drifted: number;
  restored: number | null;
}

/** The marketplace's listings that match nothing of ours (a seller's panel always has a few). */
const STRANGERS = [
  { barcode: "DEMO-FOREIGN-1", stockCode: "DEMO-FOREIGN-SKU-1" },
  { barcode: "DEMO-FOREIGN-2", stockCode: "DEMO-FOREIGN-SKU-2" },
];
const JOB_PATIENCE_MS = 30_000;
const PUSH_PATIENCE_MS = 30_000;
/** How much the marketplace's panel is changed behind our back. */
const PANEL_EDIT = 7;

const controlPath = (store: DemoStore) => (store.type === "TRENDYOL" ? `/__sandbox/sellers/${store.account}` : `/__sandbox/marketplaces/${store.type.toLowerCase()}/${store.account}`);

async function put(sandbox: RunningSandbox, path: string, body: unknown): Promise<void> {
  const res = await fetch(`${sandbox.url}${path}`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  if (res.status !== 200) throw new Error(`demo sandbox PUT ${path}: ${res.status} ${await res.text()}`);
}

/**
 * The marketplace's id of a listing, the same on every start: each start's sandbox is new, and an
 * id it numbered afresh would make the import see our listing linked to another one (TAKEN).
 */
function stableId(code: string): string {
  let hash = 2166136261;
  for (const char of code) hash = Math.imul(hash ^ (char.codePointAt(0) ?? 0), 16777619) >>> 0;
  return String(1_000_000_000 + hash);
}

/** The marketplace's own catalog before we link anything: our products under their SKUs as stock codes, and two strangers. */
async function seedCatalogs(sandbox: RunningSandbox, stores: readonly DemoStore[], products: readonly ProductSummary[]): Promise<void> {
  const listings = [
    ...products.map((p) => ({ barcode: p.barcode, stockCode: p.sku, marketplaceId: stableId(p.barcode), salePrice: p.price })),
    ...STRANGERS.map((s) => ({ ...s, marketplaceId: stableId(s.barcode), quantity: 3 })),
  ];
  for (const store of stores) await put(sandbox, `${controlPath(store)}/catalog`, { listings });
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Runs the job here if no worker has taken it (the job worker runs only where SYNC_WORKER does) and waits for its end. */
async function finished(services: Services, job: JobRow): Promise<JobRow> {
  const deadline = Date.now() + JOB_PATIENCE_MS;
  await services.jobWorker.runOnce();
  for (;;) {
    const now = await services.jobs.find(job.id);
    if (now && (now.state === "SUCCEEDED" || now.state === "FAILED")) return now;
    if (Date.now() > deadline) throw new Error(`the ${job.kind} job ${job.id} did not finish in ${JOB_PATIENCE_MS} ms`);
    await sleep(100);
    await services.jobWorker.runOnce();
  }
}

/** A job of `kind` for the store; one already queued (the drift schedule's, at start) is waited out first. */
async function newJob(services: Services, kind: JobKind, storeId: string, create: () => Promise<JobRow>): Promise<JobRow> {
  try {
    return await create();
  } catch (error) {
    const running = error instanceof AppError && error.code === "JOB_ALREADY_RUNNING" ? error.details.jobId : undefined;
    if (typeof running !== "string") throw error;
    const found = await services.jobs.find(running);
    if (found) await finished(services, found);
    return create();
  }
}

const count = (result: Record<string, unknown> | null, key: string) => (typeof result?.[key] === "number" ? (result[key] as number) : 0);

/**
 * Seeds each marketplace's catalog and imports it into each store, one after another; answers
 * the counts per marketplace. Listings the import re-identified forget what they were sent under
 * their old key, so the next flush sends them under the new one.
 */
export async function importCatalogs(services: Services, sandbox: RunningSandbox, stores: readonly DemoStore[], products: readonly ProductSummary[], log: Logger): Promise<ImportCounts[]> {
  try {
    await seedCatalogs(sandbox, stores, products);
  } catch (error) {
    log.warn({ err: error }, "demo: the marketplaces' catalogs could not be seeded; no listing import");
    return [];
  }
  const counts: ImportCounts[] = [];
  for (const store of stores) {
    try {
      const job = await newJob(services, "LISTING_IMPORT", store.storeId, () => services.listingImports.start(store.storeId, { enable: true }, null));
      const done = await finished(services, job);
      if (done.state !== "SUCCEEDED") throw new Error(`${done.errorCode ?? "FAILED"}: ${done.error ?? ""}`);
      const pairs = (await services.listingImports.changedBy(store.storeId, job.id)).map((productId) => ({ storeId: store.storeId, productId }));
      await services.sync.forgetSends(pairs);
      await services.sync.markDirty(pairs);
      const line = { marketplace: store.type, linked: count(done.result, "linked"), unlinked: count(done.result, "unlinked"), conflicting: count(done.result, "conflicting") };
      counts.push(line);
      log.info({ ...line, read: count(done.result, "read"), jobId: job.id }, "demo: listing import");
    } catch (error) {
      log.warn({ err: error, marketplace: store.type }, "demo: the listing import failed");
    }
  }
  return counts;
}

async function listingOf(services: Services, storeId: string, productId: string) {
  const page = await services.stores.listingPage(storeId, { page: 1, limit: 100, offset: 0 });
  return page.items.find((l) => l.productId === productId);
}

async function shownOn(sandbox: RunningSandbox, store: DemoStore, barcode: string): Promise<number | undefined> {
  // The control route settles the batches due by now (the sandbox processes them lazily).
  const res = await fetch(`${sandbox.url}${controlPath(store)}/quantities`);
  return ((await res.json()) as Record<string, number>)[barcode];
}

/** Flushes the store and polls receipts until `ready` holds. */
async function pushUntil(services: Services, storeId: string, ready: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + PUSH_PATIENCE_MS;
  while (!(await ready())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${PUSH_PATIENCE_MS} ms`);
    await services.sync.flushOne(storeId);
    await services.sync.pollReceipts();
    await sleep(200);
  }
}

/**
 * On the Trendyol store: once `product` is pushed and confirmed, the marketplace's panel shows
 * PANEL_EDIT more; a drift check finds it and the next flush puts our quantity back.
 */
export async function driftWalk(services: Services, sandbox: RunningSandbox, store: DemoStore, product: ProductSummary, log: Logger): Promise<DriftReport> {
  let confirmed: number | null = null;
  await pushUntil(services, store.storeId, async () => {
    const listing = await listingOf(services, store.storeId, product.id);
    confirmed = listing?.lastPushStatus === "SUCCEEDED" ? listing.lastPushedQuantity : null;
    return confirmed !== null;
  }, "the first push of the drift walk's listing");
  const told = confirmed ?? 0;
  const changedTo = told + PANEL_EDIT;
  await put(sandbox, `${controlPath(store)}/shown-quantity`, { key: product.barcode, quantity: changedTo });
  log.info({ marketplace: store.type, barcode: product.barcode, confirmed: told, shownNow: changedTo }, "demo: the marketplace's panel changed a quantity behind our back");

  const job = await newJob(services, "LISTING_DRIFT_CHECK", store.storeId, () => services.jobs.create({ kind: "LISTING_DRIFT_CHECK", storeId: store.storeId, createdBy: null }));
  const done = await finished(services, job);
  if (done.state !== "SUCCEEDED") throw new Error(`drift check ${done.errorCode ?? "FAILED"}: ${done.error ?? ""}`);
  const drifted = count(done.result, "drifted");
  log.info({ marketplace: store.type, jobId: job.id, drifted, checked: count(done.result, "checked"), skipped: done.result?.skipped }, "demo: drift check");

  let restored: number | null = null;
  if (drifted > 0) {
    await pushUntil(services, store.storeId, async () => {
      const shown = await shownOn(sandbox, store, product.barcode);
      restored = shown !== undefined && shown !== changedTo ? shown : null;
      return restored !== null;
    }, "the drift restore");
    log.info({ marketplace: store.type, barcode: product.barcode, shownBehindOurBack: changedTo, shownNow: restored }, "demo: the next flush restored the quantity");
  }
  return { barcode: product.barcode, confirmed: told, changedTo, drifted, restored };
}

/** The code a buyer's order line carries on this store's marketplace: what the listing is keyed on there. */
export async function orderCodes(services: Services, store: DemoStore): Promise<Map<string, string>> {
  const page = await services.stores.listingPage(store.storeId, { page: 1, limit: 100, offset: 0 });
  const products = await services.products.findProducts(page.items.map((l) => l.productId));
  const barcodes = new Map(products.map((p) => [p.id, p.barcode]));
  // Hepsiburada and N11 key listings (and so order lines) on the stock code; the others on the barcode.
  const byStockCode = store.type === "HEPSIBURADA" || store.type === "N11";
  return new Map(page.items.map((l) => [barcodes.get(l.productId) ?? l.effective.barcode, byStockCode ? l.effective.stockCode : l.effective.barcode]));
}

/**
 * The drift check's test kit: a job context over the real jobs table (what the job worker gives a
 * runner: one transaction per step with the cursor saved in it), a store channel whose adapter
 * reads its listings from the in-process sandbox's catalog (the marketplace's own reads come from
 * other work), and the check's dependencies on the test app's own services.
 */
import { eq, sql } from "drizzle-orm";
import { driftCheckRunner, type DriftDeps, type DriftResult } from "../../src/domains/listing-catalog/drift";
import type { JobRunContext } from "../../src/domains/jobs/runner";
import { jobs } from "../../src/domains/jobs/schema";
import type { MarketplaceAdapter } from "../../src/domains/marketplace/adapter";
import type { ListingPage, RemoteListing } from "../../src/domains/marketplace/types";
import type { SyncChannel } from "../../src/domains/stock-sync/channels";
import { createRateLimiter } from "../../src/domains/stock-sync/token-bucket";
import { createLogger } from "../../src/infra/logger";
import type { TestApp } from "../support/app";
import type { SyncShop } from "../stock-sync/engine-support";

/** Queues a drift check job for the store, as the route or the schedule would. */
export async function queuedJob(t: TestApp, storeId: string): Promise<typeof jobs.$inferSelect> {
  const [job] = await t.infra.database.db.insert(jobs).values({ kind: "LISTING_DRIFT_CHECK", storeId, state: "RUNNING", startedAt: new Date() }).returning();
  if (!job) throw new Error("no job row");
  return job;
}

/** The context a job worker hands a runner: each step's work and its cursor in one transaction. */
export function jobContext(t: TestApp, job: typeof jobs.$inferSelect): JobRunContext {
  const db = t.infra.database.db;
  return {
    job,
    signal: new AbortController().signal,
    async save(cursor, progress) {
      await db.update(jobs).set({ cursor, progress, updatedAt: sql`now()` }).where(eq(jobs.id, job.id));
    },
    async step(work, next) {
      return db.transaction(async (tx) => {
        const result = await work(tx);
        const { cursor, progress } = next(result);
        await tx.update(jobs).set({ cursor, progress, updatedAt: sql`now()` }).where(eq(jobs.id, job.id));
        return result;
      });
    },
  };
}

/** Runs a queued check to its end and records the result as the worker would. */
export async function runCheck(t: TestApp, deps: DriftDeps, storeId: string): Promise<DriftResult> {
  const job = await queuedJob(t, storeId);
  const result = (await driftCheckRunner(deps)(jobContext(t, job))) as DriftResult;
  await t.infra.database.db.update(jobs).set({ state: "SUCCEEDED", result, finishedAt: new Date() }).where(eq(jobs.id, job.id));
  return result;
}

/** The remote listings the test's marketplace shows, read anew for every page. */
export type Catalog = () => Promise<RemoteListing[]>;

/** What the sandbox seller's catalog shows now (settled through its control routes): quantities, and prices in minor units (decimal lira there). */
export function sandboxCatalog(shop: SyncShop, extra: RemoteListing[] = []): Catalog {
  return async () => {
    const base = `${shop.sandbox.url}/__sandbox/sellers/${shop.sellerId}`;
    const quantities = (await (await fetch(`${base}/quantities`)).json()) as Record<string, number>;
    const prices = (await (await fetch(`${base}/prices`)).json()) as Record<string, { salePrice?: number; listPrice?: number }>;
    const listings = Object.entries(quantities).map(([barcode, quantity]): RemoteListing => {
      const price = prices[barcode];
      return {
        barcode,
        quantity,
        ...(price?.salePrice !== undefined && { salePrice: Math.round(price.salePrice * 100) }),
        ...(price?.listPrice !== undefined && { listPrice: Math.round(price.listPrice * 100) }),
        raw: { barcode, quantity },
      };
    });
    return [...listings.sort((a, b) => String(a.barcode).localeCompare(String(b.barcode))), ...extra];
  };
}

/** Changes what the sandbox shows behind our back (its catalog control route comes with the marketplace reads). */
export function setShown(shop: SyncShop, barcode: string, quantity: number, prices?: { salePrice: number; listPrice: number }): void {
  const seller = shop.sandbox.state.sellers.get(shop.sellerId);
  if (!seller) throw new Error("no sandbox seller");
  seller.quantities.set(barcode, quantity);
  if (prices) seller.prices.set(barcode, prices);
}

/** The store's real channel, its adapter given a listing read over `catalog` that pays into a "listings" group. */
export function readingChannel(t: TestApp, catalog: Catalog, pageSize = 2): DriftDeps["channel"] {
  return async (storeId): Promise<SyncChannel> => {
    const channel = await t.services.sync.channels.channel(storeId);
    if (channel.kind !== "push") return channel;
    const real = channel.adapter;
    const readListings = async (request: { page?: string }): Promise<ListingPage> => {
      const all = await catalog();
      const from = Number(request.page ?? "0");
      const next = from + pageSize < all.length ? String(from + pageSize) : null;
      return { listings: all.slice(from, from + pageSize), next, total: all.length };
    };
    const profile = {
      ...real.profile,
      groups: { ...real.profile.groups, listings: "listings" },
      rateLimits: [...real.profile.rateLimits, { group: "listings", requests: 1000, perMs: 10_000 }],
    };
    const adapter: MarketplaceAdapter = Object.assign(Object.create(real) as MarketplaceAdapter, { profile, readListings });
    return { ...channel, adapter };
  };
}

/** The confirm time the tests run with: the default's floor, passed by stepping `now`, never by waiting. */
export const CONFIRM_MS = 300_000;

export function driftDeps(t: TestApp, channel: DriftDeps["channel"], now: () => number = Date.now, confirmMs = CONFIRM_MS): DriftDeps {
  return {
    db: t.infra.database.db,
    kv: t.infra.kv,
    channel,
    buffer: t.services.sync.buffer,
    limiter: createRateLimiter(t.infra.kv),
    metrics: t.services.sync.metrics,
    log: createLogger({ level: "silent", pretty: false }),
    now,
    confirmMs,
  };
}

/** listing_drift_total for a marketplace, as the app's registry holds it. */
export async function driftCount(t: TestApp, marketplace: string): Promise<number> {
  const metric = await t.services.sync.metrics.drifts.get();
  return metric.values.find((v) => v.labels.marketplace === marketplace)?.value ?? 0;
}

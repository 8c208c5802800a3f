/**
 * The listing import: reads the store's listings from its marketplace page by page and links them
 * to our products (import-match.ts). Each page is one step (rows, links, cursor and counts commit
 * together), so a worker that dies resumes at the page after the last one committed and the rows
 * stay one per remote listing. Listings created or changed are marked dirty after each commit.
 */
import type { Stores } from "@pazarsync/shared";
import type { Database } from "../../infra/db";
import type { Logger } from "../../infra/logger";
import { JobFailure } from "../jobs/errors";
import type { JobRunContext, JobRunner } from "../jobs/runner";
import type { MarketplaceAdapter } from "../marketplace/adapter";
import { bucketsFor, type RateLimiter } from "../stock-sync/token-bucket";
import { ListingImportNotSupported } from "./errors";
import { type ImportCounts, importPage, pageItems } from "./import-match";

/** A store's marketplace adapter, built from its settings (a refusal of them is thrown as the AppError it is). */
export type ListingAdapterFor = (store: Stores.Store) => Promise<MarketplaceAdapter>;

export interface ListingImportDeps {
  db: Database;
  log: Logger;
  findStore(id: string): Promise<Stores.Store | undefined>;
  adapterFor: ListingAdapterFor;
  limiter: Pick<RateLimiter, "tryTake">;
  /** stock-sync's markDirty: the pairs flushed next. */
  markDirty(pairs: readonly { storeId: string; productId: string }[]): Promise<void>;
  /** Listings of the store this import created or changed (to mark them again after a crash between a commit and its marks). */
  changedBy(storeId: string, jobId: string): Promise<string[]>;
  now?: () => number;
}

/** Where an import resumes: the marketplace's next page and the reading position it starts at. */
interface ImportCursor {
  page: string | null;
  position: number;
  /** The last page is committed: only the job's end remains. */
  done: boolean;
}

export interface ImportParams {
  /** Whether listings the import creates are enabled. */
  enable: boolean;
}

/** Why a store cannot import; undefined when it can. */
export function importRefusal(store: Stores.Store, adapter: MarketplaceAdapter | undefined): string | undefined {
  if (store.type === "WEB") return "A web store has no marketplace catalog to import";
  if (!adapter?.readListings) return `Listing reads are not written for ${store.type} yet`;
  return undefined;
}

function cursorOf(value: Record<string, unknown> | null): ImportCursor | null {
  if (!value) return null;
  const page = typeof value.page === "string" ? value.page : null;
  const position = typeof value.position === "number" ? value.position : 0;
  return { page, position, done: value.done === true };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * Takes the token one listing read pays (the store's buckets of its marketplace's listings group,
 * shared by every replica through the KeyValueStore); a refusal waits for the refill, and the
 * wait ends with the signal. Drift checks read the same way.
 */
export async function takeListingToken(limiter: Pick<RateLimiter, "tryTake">, store: Stores.Store, adapter: MarketplaceAdapter, signal: AbortSignal): Promise<void> {
  const group = adapter.profile.groups.listings;
  if (!group) return;
  const buckets = bucketsFor({ marketplace: adapter.marketplace, storeKey: store.id, profile: adapter.profile, group });
  if (buckets.length === 0) return;
  for (;;) {
    const { granted, waitMs } = await limiter.tryTake(buckets);
    if (granted) return;
    await sleep(Math.max(1, Math.ceil(waitMs)), signal);
  }
}

export function createListingImport(deps: ListingImportDeps): JobRunner {
  const now = () => new Date((deps.now ?? Date.now)());

  async function markChanged(storeId: string, productIds: readonly string[]): Promise<void> {
    if (productIds.length > 0) await deps.markDirty(productIds.map((productId) => ({ storeId, productId })));
  }

  return async (ctx: JobRunContext) => {
    const { job, signal } = ctx;
    const storeId = job.storeId;
    const store = storeId ? await deps.findStore(storeId) : undefined;
    if (!store) throw new JobFailure("STORE_NOT_FOUND", "The store was deleted");
    const adapter = store.type === "WEB" ? undefined : await deps.adapterFor(store);
    const refusal = importRefusal(store, adapter);
    const readListings = adapter?.readListings?.bind(adapter);
    if (refusal || !adapter || !readListings) throw new JobFailure(ListingImportNotSupported.code, refusal ?? "Listing reads are not written");
    const enable = job.params.enable !== false;

    let cursor = cursorOf(job.cursor);
    let counts: ImportCounts = { read: 0, linked: 0, unlinked: 0, conflicting: 0, ...job.progress.counts };
    // Resumed: the last committed page's marks may not have been written before the crash.
    if (cursor) await markChanged(store.id, await deps.changedBy(store.id, job.id));
    while (!cursor?.done) {
      await takeListingToken(deps.limiter, store, adapter, signal);
      const page = await readListings(cursor?.page ? { page: cursor.page } : {});
      signal.throwIfAborted();
      const position = cursor?.position ?? 0;
      const items = pageItems(page.listings, position);
      // An empty page ends the read even if it names a next one: a marketplace that loops must not keep the job alive.
      const next: ImportCursor = { page: page.next, position: position + page.listings.length, done: page.next === null || page.listings.length === 0 };
      const outcome = await ctx.step(
        (tx) => importPage(tx, { jobId: job.id, storeId: store.id, enable, items, at: now() }),
        (result) => ({ cursor: { ...next }, progress: { done: result.counts.read, total: page.total ?? null, counts: result.counts } }),
      );
      await markChanged(store.id, outcome.changed);
      counts = outcome.counts;
      cursor = next;
    }
    deps.log.info({ jobId: job.id, storeId: store.id, ...counts }, "listing import finished");
    return { read: counts.read, linked: counts.linked, unlinked: counts.unlinked, conflicting: counts.conflicting };
  };
}

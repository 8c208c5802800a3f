/**
 * The drift check: read back what a marketplace really shows, page by page, and compare each
 * listing's quantity with what it was last told and confirmed. A receipt only proves the value was
 * accepted; a quantity edited in the seller panel, or dropped by the marketplace, would otherwise
 * stay wrong until the next stock change. A drifted listing forgets its last push and is marked,
 * so the next flush sends the quantity again (see drift-sql.ts and stock-sync/drift-prices.ts).
 *
 * Shown higher than told is a drift at once: the marketplace sells stock we never gave it. Shown
 * lower is what a sale looks like before the order pull takes the order in; restoring then would
 * show a unit we no longer have. So a lower value is only `suspected` until a read at least
 * `confirmMs` after its first sighting (with nothing told since) still shows it; by then a real
 * sale has been taken in and pushed, and the suspicion is gone (drift-schedule.ts queues that read).
 */
import type { Database } from "../../infra/db";
import type { KeyValueStore } from "../../infra/kv";
import type { Logger } from "../../infra/logger";
import type { JobRunContext, JobRunner } from "../jobs/runner";
import type { JobProgress } from "../jobs/schema";
import type { RemoteListing } from "../marketplace/types";
import type { PushChannel, SyncChannel } from "../stock-sync/channels";
import type { DirtyBuffer } from "../stock-sync/dirty-buffer";
import { rememberShownPrices } from "../stock-sync/drift-prices";
import type { SyncMetrics } from "../stock-sync/metrics";
import type { RateLimiter } from "../stock-sync/token-bucket";
import { JobFailure } from "../jobs/errors";
import { matchPage, writePage, type PageWrites } from "./drift-sql";
import { takeListingToken } from "./import";

export interface DriftDeps {
  db: Database;
  /** Remembers the prices drifted listings showed (the flush's identical-body rule). */
  kv: KeyValueStore;
  /** The store's sync channel (stock-sync channels.channel): its adapter reads the listings. */
  channel(storeId: string): Promise<SyncChannel>;
  buffer: Pick<DirtyBuffer, "isMarked" | "markDirty">;
  limiter: RateLimiter;
  metrics: Pick<SyncMetrics, "drifts">;
  log: Logger;
  now: () => number;
  /** How long a lower shown quantity must persist, unchanged and with nothing told since, to be a drift (LISTING_DRIFT_CONFIRM_MS). */
  confirmMs: number;
  /** Listings asked for per read (the adapter clamps it to what its marketplace allows). */
  pageSize?: number;
}

export interface DriftResult extends Record<string, unknown> {
  read: number;
  checked: number;
  drifted: number;
  /** Shown lower than told, not yet confirmed: left alone, checked again once confirmMs has passed. */
  suspected: number;
  skipped: { pending: number; marked: number; inFlight: number; fulfilled: number; unconfirmed: number };
  unmatched: number;
}

const COUNTS = ["read", "checked", "drifted", "suspected", "pending", "marked", "inFlight", "fulfilled", "unconfirmed", "unmatched"] as const;
type Counts = Record<(typeof COUNTS)[number], number>;

interface DriftCursor {
  /** The marketplace's next page; null once the last page is done. */
  page: string | null;
  /** When the check started (ms): sends after it are left alone. */
  startedAt: number;
  /** The last page's drifted products, marked after its commit: marked again on a resume in case that was lost. */
  marks: string[];
}

function cursorOf(saved: Record<string, unknown> | null, now: number): DriftCursor | undefined {
  if (!saved) return undefined;
  const page = typeof saved.page === "string" ? saved.page : null;
  const startedAt = typeof saved.startedAt === "number" ? saved.startedAt : now;
  const marks = Array.isArray(saved.marks) ? saved.marks.filter((m): m is string => typeof m === "string") : [];
  return { page, startedAt, marks };
}

function countsOf(progress: JobProgress | undefined): Counts {
  const counts = Object.fromEntries(COUNTS.map((name) => [name, 0])) as Counts;
  for (const name of COUNTS) counts[name] = Number(progress?.counts?.[name] ?? 0);
  return counts;
}

const resultOf = (c: Counts): DriftResult => ({
  read: c.read,
  checked: c.checked,
  drifted: c.drifted,
  suspected: c.suspected,
  skipped: { pending: c.pending, marked: c.marked, inFlight: c.inFlight, fulfilled: c.fulfilled, unconfirmed: c.unconfirmed },
  unmatched: c.unmatched,
});

/**
 * What one page says: each matched listing's verdict, counted; the listings whose shown quantity
 * differs from the confirmed one, for the page's write. A product met twice counts once.
 */
async function judgePage(deps: DriftDeps, storeId: string, listings: readonly RemoteListing[], startedAt: Date, readAt: number, counts: Counts): Promise<PageWrites & { shown: Map<string, RemoteListing> }> {
  const matches = await matchPage(deps.db, storeId, listings, startedAt);
  const writes: PageWrites & { shown: Map<string, RemoteListing> } = { seen: [], drifted: [], shown: new Map() };
  const unskipped: { productId: string; expected: number; remote: RemoteListing; confirmed: boolean }[] = [];
  counts.read += listings.length;
  counts.unmatched += listings.length - matches.length;
  for (const match of matches) {
    const remote = listings[match.index];
    if (!remote || writes.shown.has(match.productId)) continue;
    writes.shown.set(match.productId, remote);
    // The previous sighting counts only if nothing was told since: a send restarts the confirmation.
    const sinceOurSend = match.lastSeenAt !== null && (match.sentAt === null || match.sentAt < match.lastSeenAt);
    const sameAsBefore = sinceOurSend && remote.quantity !== undefined && match.lastSeenQuantity === remote.quantity;
    if (remote.quantity !== undefined) writes.seen.push({ productId: match.productId, quantity: remote.quantity, keep: sameAsBefore });
    const confirmed = sameAsBefore && match.lastSeenAt !== null && readAt - match.lastSeenAt.getTime() >= deps.confirmMs;
    if (match.fulfilled || remote.fulfilledByMarketplace === true) counts.fulfilled += 1;
    else if (match.lastPushedQuantity === null) counts.unconfirmed += 1;
    else if (match.pending) counts.pending += 1;
    else if (match.inFlight || match.unagreed) counts.inFlight += 1;
    else unskipped.push({ productId: match.productId, expected: match.lastPushedQuantity, remote, confirmed });
  }
  // A waiting mark will send the current quantity anyway, and may already be in this very flush.
  const marked = await Promise.all(unskipped.map((u) => deps.buffer.isMarked(storeId, u.productId)));
  unskipped.forEach((u, i) => {
    if (marked[i]) return void (counts.marked += 1);
    if (u.remote.quantity === undefined) return;
    counts.checked += 1;
    if (u.remote.quantity < u.expected && !u.confirmed) return void (counts.suspected += 1);
    if (u.remote.quantity !== u.expected) writes.drifted.push({ productId: u.productId, expected: u.expected });
  });
  return writes;
}

/** The prices drifted listings showed, so the restore may echo them (stock-sync/drift-prices.ts). */
async function rememberPrices(deps: DriftDeps, channel: PushChannel, writes: PageWrites & { shown: Map<string, RemoteListing> }): Promise<void> {
  const prices = writes.drifted.flatMap(({ productId }) => {
    const remote = writes.shown.get(productId);
    if (remote?.salePrice === undefined) return [];
    return [{ productId, salePrice: remote.salePrice, ...(remote.listPrice !== undefined && { listPrice: remote.listPrice }) }];
  });
  const { duplicateWindowMs: windowMs, echoesShownPrices } = channel.adapter.profile;
  if (windowMs !== undefined && echoesShownPrices === true && prices.length > 0) await rememberShownPrices(deps.kv, channel.store.id, prices, windowMs);
}

/**
 * Checks one store: every page of its listings read (a rate-limit token each), judged and written
 * in one step with the cursor, so a resumed job neither repeats nor skips a page's effects.
 */
export async function checkDrift(deps: DriftDeps, storeId: string, ctx: JobRunContext): Promise<DriftResult> {
  const channel = await deps.channel(storeId);
  if (channel.kind === "off") throw new JobFailure("STORE_NOT_PUSHING", `the store pushes nothing (${channel.reason})`);
  if (channel.kind === "broken") throw new JobFailure(channel.code, channel.message);
  // Quantities are what the check compares: a store that sends only prices has none of ours to restore.
  if (!channel.sends.stock) throw new JobFailure("STORE_NOT_PUSHING", "the store does not send stock");
  const read = channel.adapter.readListings?.bind(channel.adapter);
  if (!read) throw new JobFailure("LISTING_READS_NOT_SUPPORTED", `${channel.marketplace} listings cannot be read yet`);
  const counts = countsOf(ctx.job.progress);
  const resumed = cursorOf(ctx.job.cursor, deps.now());
  // The page after a crash: the last page's marks may have been lost with the process.
  if (resumed && resumed.marks.length > 0) await deps.buffer.markDirty(resumed.marks.map((productId) => ({ storeId, productId })));
  if (resumed && resumed.page === null) return resultOf(counts);
  const startedAt = new Date(resumed?.startedAt ?? deps.now());
  let page = resumed?.page ?? undefined;
  for (;;) {
    await takeListingToken(deps.limiter, channel.store, channel.adapter, ctx.signal);
    const readAt = deps.now();
    const answer = await read({ ...(page !== undefined && { page }), ...(deps.pageSize !== undefined && { pageSize: deps.pageSize }) });
    const writes = await judgePage(deps, storeId, answer.listings, startedAt, readAt, counts);
    await rememberPrices(deps, channel, writes);
    const at = new Date(readAt);
    const drifted = await ctx.step(
      (tx) => writePage(tx, storeId, writes, startedAt, at),
      (ids) => {
        counts.drifted += ids.length;
        return { cursor: { page: answer.next, startedAt: startedAt.getTime(), marks: ids }, progress: { done: counts.read, total: answer.total ?? null, counts: { ...counts } } };
      },
    );
    // After the commit: the flush then finds the listing forgotten and sends its quantity.
    await deps.buffer.markDirty(drifted.map((productId) => ({ storeId, productId })));
    if (drifted.length > 0) {
      deps.metrics.drifts.inc({ marketplace: channel.marketplace }, drifted.length);
      deps.log.info({ storeId, marketplace: channel.marketplace, drifted: drifted.length }, "listings drifted from what the marketplace was told");
    }
    if (answer.next === null) return resultOf(counts);
    page = answer.next;
  }
}

/** The runner the job worker registers for LISTING_DRIFT_CHECK. */
export function driftCheckRunner(deps: DriftDeps): JobRunner {
  return async (ctx) => {
    if (!ctx.job.storeId) throw new JobFailure("STORE_REQUIRED", "a drift check needs a store");
    return checkDrift(deps, ctx.job.storeId, ctx);
  };
}

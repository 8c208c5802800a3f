/**
 * One store's flush (DESIGN "Stock sync", worker steps): claim marks, compute quantities in one
 * query, drop what the marketplace already has, take a rate-limit token, send, store the receipt,
 * ack. Every exit path either acks a claim or puts its unsent items back: no mark is lost, and a
 * crash leaves the claim's lease to put them back.
 */
import { createHash } from "node:crypto";
import type { Database } from "../../infra/db";
import type { KeyValueStore } from "../../infra/kv";
import type { Logger } from "../../infra/logger";
import type { StoreService } from "../catalog/service";
import type { SellableLookup } from "../inventory/availability-types";
import { MarketplaceDuplicateRequest, MarketplaceError, MarketplaceRateLimited, type StockPriceItem } from "../marketplace/service";
import { channelBuckets, type PushChannel, type SyncChannel } from "./channels";
import { addDeadLetters } from "./dead-letters";
import { echoShownPrices } from "./drift-prices";
import type { Claim, ClaimedMark, DirtyBuffer } from "./dirty-buffer";
import { partsOf, plan } from "./flush-plan";
import type { SyncMetrics } from "./metrics";
import type { SubmittedItem } from "./schema";
import { recordSent, sentValues, type SentRecord, type SentValues } from "./sent";
import type { StoreHealth } from "./store-health";
import { pendingFor, recordReceipts } from "./submissions";
import type { RateLimiter } from "./token-bucket";

interface FlushSettings {
  /** How long a claim is ours; past it another replica's recovery puts the items back. */
  leaseMs: number;
  /** Batches (requests) one flush may send before yielding the store to the next tick. */
  maxBatchesPerFlush: number;
  /** A send newer than this still counts as "what the marketplace was told" (Trendyol's result retention). */
  sentMemoryMs: number;
  /** The first poll of a batch result, this long after sending. */
  firstPollDelayMs: number;
}

export interface FlushDeps {
  db: Database;
  buffer: DirtyBuffer;
  /** Remembers bodies the marketplace refused as duplicates, until it would take them. */
  kv: KeyValueStore;
  limiter: RateLimiter;
  health: StoreHealth;
  stores: Pick<StoreService, "recordPushOutcomes">;
  sellable: SellableLookup;
  metrics: SyncMetrics;
  log: Logger;
  now: () => number;
  settings: FlushSettings;
}

type FlushOutcome = "idle" | "sent" | "off" | "backoff" | "rate_limited" | "failed" | "broken" | "deferred";

export interface FlushResult {
  storeId: string;
  outcome: FlushOutcome;
  /** Items sent to the marketplace. */
  sent: number;
  /** Requests made. */
  batches: number;
  /** Claimed items not sent because the marketplace already had their quantity (or the store pushes nothing). */
  skipped: number;
  /** For rate_limited and backoff: when trying again makes sense. */
  waitMs?: number;
  error?: string;
}

/** More than this many waiting marks are not scanned for zeros in one flush. */
const ZERO_SCAN_LIMIT = 20_000;
/**
 * What sync_sent says while a push is on its way. A process killed before it hears back leaves
 * this behind: the marketplace may or may not show the push, so the next plan sends again instead
 * of trusting the older value (which would drop a change back to it as "unchanged").
 */
const IN_FLIGHT = -1;

/**
 * Flushes one store until its marks are gone, its rate limit says wait, or a push fails. The
 * caller holds the store's sync lock, so no other replica flushes it meanwhile.
 */
export async function flushStore(deps: FlushDeps, storeId: string, channel: SyncChannel): Promise<FlushResult> {
  if (channel.kind === "off") return drain(deps, storeId, channel.reason);
  const gate = await deps.health.canAttempt(storeId);
  if (!gate.allowed) return { storeId, outcome: "backoff", sent: 0, batches: 0, skipped: 0, waitMs: gate.retryAt === null ? undefined : Math.max(0, gate.retryAt - deps.now()) };
  if (channel.kind === "broken") {
    // Settings the seller must fix: counted as a failure so the store backs off and the status shows why.
    const health = await deps.health.recordFailure(storeId, { error: `${channel.code}: ${channel.message}` });
    return { storeId, outcome: "broken", sent: 0, batches: 0, skipped: 0, error: channel.code, waitMs: Math.max(0, health.retryAt - deps.now()) };
  }
  const started = performance.now();
  const result: FlushResult = { storeId, outcome: "idle", sent: 0, batches: 0, skipped: 0 };
  try {
    await promoteZeros(deps, storeId, channel.adapter.profile.batchSize);
    for (let batch = 0; batch < deps.settings.maxBatchesPerFlush; batch++) {
      const claim = await deps.buffer.claim(storeId, channel.adapter.profile.batchSize, deps.settings.leaseMs);
      if (!claim) break;
      const stop = await flushClaim(deps, channel, claim, result);
      if (stop) return stop;
      // A part held as a refused repeat waits for the next tick rather than being claimed again now.
      if (result.outcome === "deferred") return result;
    }
    if (result.outcome === "sent" || result.skipped > 0) await deps.health.recordSuccess(storeId);
    return result;
  } finally {
    deps.metrics.flushDuration.observe({ marketplace: channel.marketplace }, (performance.now() - started) / 1000);
  }
}

/** Acks every mark of a store that pushes nothing, so its backlog does not grow forever. */
async function drain(deps: FlushDeps, storeId: string, reason: string): Promise<FlushResult> {
  let skipped = 0;
  for (;;) {
    const claim = await deps.buffer.claim(storeId, 1000, deps.settings.leaseMs);
    if (!claim) break;
    skipped += claim.items.length;
    await deps.buffer.ack(claim);
  }
  if (skipped > 0) deps.metrics.itemsSkipped.inc({ marketplace: "NONE", reason }, skipped);
  return { storeId, outcome: "off", sent: 0, batches: 0, skipped };
}

/**
 * DESIGN "Priority": a product that dropped to 0 goes out before other changes. Only a backlog
 * longer than one batch can hold it back, so only then are the waiting marks' quantities read
 * (one availability query) and the zeros promoted; the order path pays nothing for it.
 */
async function promoteZeros(deps: FlushDeps, storeId: string, batchSize: number): Promise<void> {
  const { count } = await deps.buffer.backlog(storeId);
  if (count <= batchSize) return;
  const waiting = await deps.buffer.peek(storeId, ZERO_SCAN_LIMIT);
  const sellable = await deps.sellable(storeId, waiting);
  const zeros = waiting.filter((productId) => (sellable.get(productId)?.sellable ?? 0) === 0);
  if (zeros.length > 0) await deps.buffer.markZero(zeros.map((productId) => ({ storeId, productId })));
}

/** One claim: its parts sent in turn; whatever cannot go now is put back, then the claim is acked. */
async function flushClaim(deps: FlushDeps, channel: PushChannel, claim: Claim, result: FlushResult): Promise<FlushResult | undefined> {
  const planned = await plan(deps, channel, claim).catch(async (error: unknown) => {
    await deps.buffer.putBack(claim);
    throw error;
  });
  result.skipped += planned.skipped;
  if (planned.clashes.length > 0) await addDeadLetters(deps, channel.store.id, planned.clashes);
  const parts = partsOf(planned, channel.adapter.profile.stockAndPriceTogether);
  let stop: FlushResult | undefined;
  for (const [index, plannedPart] of parts.entries()) {
    const admitted = await admit(deps, channel, plannedPart, planned.marks);
    if (!("part" in admitted)) {
      await deps.buffer.putBack(claim, productsOf(parts.slice(index), planned.marks));
      stop = { ...result, outcome: result.sent > 0 ? "sent" : admitted.outcome, waitMs: admitted.waitMs };
      break;
    }
    const outcome = await sendPart(deps, channel, claim, admitted.part, planned.marks, result);
    if (outcome === "failed") {
      await deps.buffer.putBack(claim, productsOf(parts.slice(index + 1), planned.marks));
      stop = result;
      break;
    }
    if (outcome === "sent") result.outcome = "sent";
    else if (result.outcome !== "sent") result.outcome = "deferred";
  }
  await deps.buffer.ack(claim);
  return stop;
}

/**
 * Whether this part may go out now: not a body the marketplace would refuse as a repeat, under
 * its cap of pending batches, and a rate-limit token for each request. `part`: go ahead with it.
 */
async function admit(deps: FlushDeps, channel: PushChannel, planned: StockPriceItem[], marks: Map<string, ClaimedMark>): Promise<{ part: StockPriceItem[] } | { outcome: FlushOutcome; waitMs?: number }> {
  const { profile } = channel.adapter;
  let part = planned;
  // This very body went out (or was refused as a repeat) within the marketplace's duplicate
  // window: sending it again would be refused. A drift restore echoes the prices the marketplace
  // showed (drift-prices.ts); anything else waits for a change or the window's end.
  if (await deps.kv.exists(bodyKey(channel, channel.adapter.validate(part).valid))) {
    const echoed = profile.stockAndPriceTogether && profile.echoesShownPrices ? await echoShownPrices(deps.kv, channel.store.id, part, (b) => marks.get(b)?.productId) : undefined;
    if (!echoed || (await deps.kv.exists(bodyKey(channel, channel.adapter.validate(echoed).valid)))) return { outcome: "deferred" };
    part = echoed;
  }
  const cost = channel.adapter.requestsFor?.(part) ?? Math.ceil(part.length / profile.batchSize);
  if (profile.maxPendingBatches !== undefined && (await pendingFor(deps.db, channel.store.id)) + cost > profile.maxPendingBatches) {
    deps.metrics.rateLimited.inc({ marketplace: channel.marketplace, group: "pending-batches" });
    return { outcome: "rate_limited" };
  }
  const group = profile.groups.write;
  const token = await deps.limiter.tryTake(channelBuckets(channel, group), cost);
  if (token.granted) return { part };
  // No token, no request: the marks keep their first-dirty times for the next tick.
  deps.metrics.rateLimited.inc({ marketplace: channel.marketplace, group });
  return { outcome: "rate_limited", waitMs: token.waitMs };
}

type PartOutcome = "sent" | "failed" | "deferred";

/**
 * Sends one part of a claim (at most one batch of items) and records the receipt and what was
 * told; on a failure, see `failed`. Never acks the claim: the caller does.
 */
async function sendPart(deps: FlushDeps, channel: PushChannel, claim: Claim, part: readonly StockPriceItem[], marks: Map<string, ClaimedMark>, result: FlushResult): Promise<PartOutcome> {
  const { adapter } = channel;
  const checked = adapter.validate(part);
  // Refusals that need the marketplace's listing data (Hepsiburada's own stock) end like local ones.
  const screened = adapter.screen ? await adapter.screen(checked.valid) : { valid: checked.valid, rejected: [] };
  const { valid } = screened;
  const rejected = [...checked.rejected, ...screened.rejected];
  if (rejected.length > 0) {
    deps.metrics.outcomes.inc({ marketplace: channel.marketplace, outcome: "FAILED_PERMANENT" }, rejected.length);
    const byBarcode = new Map(part.map((i) => [i.barcode, i]));
    await addDeadLetters(
      deps,
      channel.store.id,
      rejected.flatMap((r) => {
        const mark = marks.get(r.barcode);
        return mark ? [{ productId: mark.productId, barcode: r.barcode, quantity: byBarcode.get(r.barcode)?.quantity ?? null, reasons: r.reasons, attempts: 1 }] : [];
      }),
    );
  }
  if (valid.length === 0) return "sent";
  const items = sentItems(valid, marks, adapter.profile.maxQuantity);
  // Stamped before the call: a failed receipt forgets sends made up to its submittedAt, which the
  // adapter stamps after the answer; a later stamp here would outlive that and skip the retry.
  const at = new Date(deps.now());
  const before = await markInFlight(deps, channel.store.id, items);
  try {
    const receipts = await adapter.pushStockAndPrice(valid);
    // Remember the body for the marketplace's identical-request window: it is never sent twice in it.
    const windowMs = adapter.profile.duplicateWindowMs;
    if (windowMs && windowMs > 0 && valid.length <= adapter.profile.batchSize) await deps.kv.set(bodyKey(channel, valid), "sent", { ttlMs: windowMs });
    await recordSent(deps.db, channel.store.id, told(items), at);
    await recordReceipts(deps.db, receipts, items, receiptTiming(deps, channel));
    deps.metrics.itemsSent.inc({ marketplace: channel.marketplace }, items.length);
    result.sent += items.length;
    result.batches += receipts.length;
    return "sent";
  } catch (error) {
    return failed(deps, channel, claim, items, valid, error, result, before, at);
  }
}

/** A push failed: keep what the marketplace accepted, put the rest back, back the store off. */
async function failed(
  deps: FlushDeps,
  channel: PushChannel,
  claim: Claim,
  items: SubmittedItem[],
  body: readonly StockPriceItem[],
  error: unknown,
  result: FlushResult,
  before: Map<string, SentValues>,
  at: Date,
): Promise<PartOutcome> {
  const storeId = channel.store.id;
  if (error instanceof MarketplaceError && error.fate === "REFUSED") {
    // Refused before processing: what the marketplace was told before still stands.
    const restore = items.flatMap((i) => {
      const was = before.get(i.productId);
      return was ? [{ productId: i.productId, quantity: i.quantity === null ? null : was.quantity, price: i.salePrice === null ? null : was.price }] : [];
    });
    await recordSent(deps.db, storeId, restore, new Date(deps.now()));
  }
  if (error instanceof MarketplaceDuplicateRequest) {
    const stale = items.filter((i) => {
      const was = before.get(i.productId);
      return (i.quantity !== null && was?.quantity !== i.quantity) || (i.salePrice !== null && was?.price !== i.salePrice);
    });
    if (stale.length > 0) {
      // A value went away and came back within the marketplace's duplicate window: it still shows
      // the in-between value and refuses this exact body until the window ends. Hold the items (a
      // body with any other change differs and goes out at once).
      await deps.kv.set(bodyKey(channel, body), "refused", { ttlMs: Math.max(1000, error.retryAfterMs) });
      await deps.buffer.putBack(claim, stale.map((i) => i.productId));
    }
    result.skipped += items.length - stale.length;
    return stale.length > 0 ? "deferred" : "sent";
  }
  const submitted = error instanceof MarketplaceError ? (error.progress?.submitted ?? []) : [];
  const accepted = new Set(submitted.flatMap((r) => r.barcodes));
  if (submitted.length > 0) {
    const done = items.filter((i) => accepted.has(i.barcode));
    await recordSent(deps.db, storeId, told(done), at);
    await recordReceipts(deps.db, submitted, done, receiptTiming(deps, channel));
    result.sent += done.length;
    result.batches += submitted.length;
  }
  const back = items.filter((i) => !accepted.has(i.barcode)).map((i) => i.productId);
  // After a 5xx or timeout the items are in doubt: they go back and are recomputed, never replayed blindly.
  if (back.length > 0) await deps.buffer.putBack(claim, back);
  const code = error instanceof MarketplaceError ? error.code : "SYNC_INTERNAL";
  const retryAfterMs = error instanceof MarketplaceRateLimited ? error.retryAfterMs : undefined;
  if (error instanceof MarketplaceRateLimited) deps.metrics.received429.inc({ marketplace: channel.marketplace });
  deps.metrics.failures.inc({ marketplace: channel.marketplace, code });
  const health = await deps.health.recordFailure(storeId, { retryAfterMs, error: error instanceof Error ? `${code}: ${error.message}` : code });
  deps.log.warn({ storeId, code, err: error instanceof MarketplaceError ? undefined : error, putBack: back.length, state: health.state, retryAt: health.retryAt }, "stock push failed");
  result.outcome = "failed";
  result.error = code;
  return "failed";
}

/** The identity of a body as the marketplace sees it: the same items with the same values. */
function bodyKey(channel: PushChannel, items: readonly StockPriceItem[]): string {
  const canonical = items.map((i) => `${i.barcode}:${i.stockCode ?? ""}=${i.quantity ?? ""}/${i.salePrice ?? ""}/${i.listPrice ?? ""}`).sort().join("\n");
  return `sync:body:${channel.store.id}:${channel.generation}:${createHash("sha1").update(canonical).digest("hex")}`;
}

/** Products of these parts, for putting them back. */
function productsOf(parts: readonly StockPriceItem[][], marks: Map<string, ClaimedMark>): string[] {
  return [...new Set(parts.flatMap((part) => part.flatMap((item) => marks.get(item.barcode)?.productId ?? [])))];
}

/** Each item as sent: enough to map outcomes back to the product and to measure its latency. */
function sentItems(items: readonly StockPriceItem[], marks: Map<string, ClaimedMark>, profileMax: number): SubmittedItem[] {
  return items.flatMap((item) => {
    const mark = marks.get(item.barcode);
    if (!mark) return [];
    return [
      {
        productId: mark.productId,
        barcode: item.barcode,
        quantity: item.quantity === undefined ? null : Math.min(item.quantity, profileMax),
        salePrice: item.salePrice ?? null,
        listPrice: item.listPrice ?? null,
        firstMarkedAt: mark.firstMarkedAt,
        zero: mark.zero,
      },
    ];
  });
}

const told = (items: readonly SubmittedItem[]): SentRecord[] => items.map((i) => ({ productId: i.productId, quantity: i.quantity, price: i.salePrice }));

async function markInFlight(deps: FlushDeps, storeId: string, items: readonly SubmittedItem[]): Promise<Map<string, SentValues>> {
  const before = await sentValues(deps.db, storeId, items.map((i) => i.productId), new Date(deps.now() - deps.settings.sentMemoryMs));
  const inFlight = items.map((i) => ({ productId: i.productId, quantity: i.quantity === null ? null : IN_FLIGHT, price: i.salePrice === null ? null : IN_FLIGHT }));
  await recordSent(deps.db, storeId, inFlight, new Date(deps.now()));
  return before;
}

const receiptTiming = (deps: FlushDeps, channel: PushChannel) => ({
  storeId: channel.store.id,
  retentionMs: channel.adapter.profile.resultRetentionMs,
  firstPollDelayMs: deps.settings.firstPollDelayMs,
  at: deps.now(),
});

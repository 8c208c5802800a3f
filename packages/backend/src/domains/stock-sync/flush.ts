/**
 * One store's flush (DESIGN "Stock sync", worker steps): claim marks, compute quantities in one
 * query, drop what the marketplace already has, take a rate-limit token, send, store the receipt,
 * ack. Every exit path either acks a claim or puts its unsent items back: no mark is lost, and a
 * crash leaves the claim's lease to put them back.
 */
import type { KeyValueStore } from "../../infra/kv";
import type { Logger } from "../../infra/logger";
import type { SellableLookup } from "../inventory/availability-types";
import type { StockPriceItem } from "../marketplace/service";
import type { SyncChannel } from "./channels";
import type { Claim, ClaimedMark, DirtyBuffer } from "./dirty-buffer";
import type { SyncMetrics } from "./metrics";
import { partsOf, plan } from "./plan";
import type { SyncPorts } from "./ports";
import { bodyKey, sendPart } from "./push";

export type PushChannel = Extract<SyncChannel, { kind: "push" }>;

export interface FlushSettings {
  /** How long a claim is ours; past it another replica's recovery puts the items back. */
  leaseMs: number;
  /** Batches (requests) one flush may send before yielding the store to the next tick. */
  maxBatchesPerFlush: number;
  /** A send newer than this still counts as "what the marketplace was told" (Trendyol's result retention). */
  sentMemoryMs: number;
}

export interface FlushDeps extends SyncPorts {
  buffer: DirtyBuffer;
  /** Remembers bodies the marketplace refused as duplicates, until it would take them. */
  kv: KeyValueStore;
  sellable: SellableLookup;
  metrics: SyncMetrics;
  log: Logger;
  now: () => number;
  settings: FlushSettings;
}

export type FlushOutcome = "idle" | "sent" | "off" | "backoff" | "rate_limited" | "failed" | "broken" | "deferred";

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

/** More than this many waiting marks are not scanned for zeros in one flush. */
const ZERO_SCAN_LIMIT = 20_000;

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

/** Products of these parts, for putting them back. */
function productsOf(parts: readonly StockPriceItem[][], marks: Map<string, ClaimedMark>): string[] {
  return [...new Set(parts.flatMap((part) => part.flatMap((item) => marks.get(item.barcode)?.productId ?? [])))];
}

/**
 * Whether this part may go out now: not a body the marketplace would refuse as a repeat, under
 * its cap of pending batches, and a rate-limit token for each request. Undefined: go ahead.
 */
async function admit(deps: FlushDeps, channel: PushChannel, part: StockPriceItem[]): Promise<{ outcome: FlushOutcome; waitMs?: number } | undefined> {
  const { profile } = channel.adapter;
  // This very body went out (or was refused as a repeat) within the marketplace's duplicate
  // window: sending it again would be refused. Wait for a change or the window's end.
  if (await deps.kv.exists(bodyKey(channel, channel.adapter.validate(part).valid))) return { outcome: "deferred" };
  const cost = channel.adapter.requestsFor?.(part) ?? Math.ceil(part.length / profile.batchSize);
  if (profile.maxPendingBatches !== undefined && (await deps.pendingBatches(channel.store.id)) + cost > profile.maxPendingBatches) {
    deps.metrics.rateLimited.inc({ marketplace: channel.marketplace, group: "pending-batches" });
    return { outcome: "rate_limited" };
  }
  const group = profile.groups.write;
  const token = await deps.limiter.tryTake(deps.bucketsFor(channel, group), cost);
  if (token.granted) return undefined;
  // No token, no request: the marks keep their first-dirty times for the next tick.
  deps.metrics.rateLimited.inc({ marketplace: channel.marketplace, group });
  return { outcome: "rate_limited", waitMs: token.waitMs };
}

/** One claim: its parts sent in turn; whatever cannot go now is put back, then the claim is acked. */
async function flushClaim(deps: FlushDeps, channel: PushChannel, claim: Claim, result: FlushResult): Promise<FlushResult | undefined> {
  const planned = await plan(deps, channel, claim).catch(async (error: unknown) => {
    await deps.buffer.putBack(claim);
    throw error;
  });
  result.skipped += planned.skipped;
  const parts = partsOf(planned, channel.adapter.profile.stockAndPriceTogether);
  let stop: FlushResult | undefined;
  for (const [index, part] of parts.entries()) {
    const denied = await admit(deps, channel, part);
    if (denied) {
      await deps.buffer.putBack(claim, productsOf(parts.slice(index), planned.marks));
      stop = { ...result, outcome: result.sent > 0 ? "sent" : denied.outcome, waitMs: denied.waitMs };
      break;
    }
    const outcome = await sendPart(deps, channel, claim, part, planned.marks, result);
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

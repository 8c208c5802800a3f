/**
 * One store's flush (DESIGN "Stock sync", worker steps): claim marks, compute quantities in one
 * query, drop what the marketplace already has, take a rate-limit token, send, store the receipt,
 * ack. Every exit path either acks a claim or puts its unsent items back: no mark is lost, and a
 * crash leaves the claim's lease to put them back.
 */
import { createHash } from "node:crypto";
import type { KeyValueStore } from "../../infra/kv";
import type { Logger } from "../../infra/logger";
import type { SellableLookup } from "../inventory/availability-types";
import {
  MarketplaceDuplicateRequest,
  MarketplaceError,
  MarketplaceRateLimited,
  type MarketplaceAdapter,
  type StockPriceItem,
  type SubmissionReceipt,
} from "../marketplace/service";
import type { SyncChannel } from "./channels";
import type { Claim, ClaimedMark, DirtyBuffer } from "./dirty-buffer";
import type { SyncMetrics } from "./metrics";
import type { SyncPorts, SentItem } from "./ports";

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

/** The identity of a body as the marketplace sees it: the same items with the same values. */
function bodyKey(channel: PushChannel, items: readonly { barcode: string; quantity?: number }[]): string {
  const canonical = items.map((i) => `${i.barcode}=${i.quantity ?? ""}`).sort().join("\n");
  return `sync:body:${channel.store.id}:${channel.generation}:${createHash("sha1").update(canonical).digest("hex")}`;
}

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

interface Planned {
  items: (StockPriceItem & { quantity: number })[];
  /** Claimed marks by barcode, for outcomes and put-backs. */
  marks: Map<string, ClaimedMark>;
  skipped: number;
}

/** Quantities for the claimed products, minus those the marketplace already shows or was just told. */
async function plan(deps: FlushDeps, channel: PushChannel, claim: Claim): Promise<Planned> {
  const storeId = channel.store.id;
  const ids = claim.items.map((i) => i.productId);
  const [targets, sellable, sent] = await Promise.all([
    deps.targets(storeId, ids),
    deps.sellable(storeId, ids),
    deps.sent.quantities(storeId, ids, new Date(deps.now() - deps.settings.sentMemoryMs)),
  ]);
  const items: Planned["items"] = [];
  const marks = new Map<string, ClaimedMark>();
  let skipped = 0;
  for (const mark of claim.items) {
    const target = targets.get(mark.productId);
    const quantity = sellable.get(mark.productId)?.sellable ?? 0;
    // What the marketplace shows, or will once the in-flight push lands.
    const known = sent.get(mark.productId) ?? target?.lastPushedQuantity ?? null;
    if (!target || known === Math.min(quantity, channel.adapter.profile.maxQuantity)) {
      skipped += 1;
      continue;
    }
    items.push({ barcode: target.barcode, quantity });
    marks.set(target.barcode, mark);
  }
  if (skipped > 0) deps.metrics.itemsSkipped.inc({ marketplace: channel.marketplace, reason: "unchanged" }, skipped);
  return { items, marks, skipped };
}

function sentItems(items: readonly StockPriceItem[], marks: Map<string, ClaimedMark>, profileMax: number): SentItem[] {
  return items.flatMap((item) => {
    const mark = marks.get(item.barcode);
    if (!mark || item.quantity === undefined) return [];
    return [{ productId: mark.productId, barcode: item.barcode, quantity: Math.min(item.quantity, profileMax), firstMarkedAt: mark.firstMarkedAt, zero: mark.zero }];
  });
}

async function recordReceipts(deps: FlushDeps, channel: PushChannel, receipts: readonly SubmissionReceipt[], items: SentItem[]): Promise<void> {
  if (receipts.length === 0) return;
  const byBarcode = new Map(items.map((i) => [i.barcode, i]));
  await deps.submissions.record(
    channel.store.id,
    channel.adapter.profile.resultRetentionMs,
    receipts.map((receipt) => ({ receipt, items: receipt.barcodes.flatMap((b) => byBarcode.get(b) ?? []) })),
  );
}

/**
 * What sync_sent says while a push is on its way. A process killed before it hears back leaves
 * this behind: the marketplace may or may not show the push, so the next plan sends again instead
 * of trusting the older value (which would drop a change back to it as "unchanged").
 */
const IN_FLIGHT = -1;

/** Marks the items in flight; answers what was known of them before, for a refusal to restore. */
async function markInFlight(deps: FlushDeps, storeId: string, items: readonly SentItem[]): Promise<Map<string, number>> {
  const before = await deps.sent.quantities(storeId, items.map((i) => i.productId), new Date(deps.now() - deps.settings.sentMemoryMs));
  await deps.sent.record(storeId, items.map((i) => ({ productId: i.productId, quantity: IN_FLIGHT })), new Date(deps.now()));
  return before;
}

/** Sends one claim's planned items: true when the store may go on to its next batch. */
async function send(deps: FlushDeps, channel: PushChannel, claim: Claim, planned: Planned, result: FlushResult): Promise<boolean> {
  const { adapter } = channel;
  const { valid, rejected } = adapter.validate(planned.items);
  if (rejected.length > 0) {
    deps.metrics.outcomes.inc({ marketplace: channel.marketplace, outcome: "FAILED_PERMANENT" }, rejected.length);
    await deps.deadLetters.add(
      channel.store.id,
      rejected.flatMap((r) => {
        const mark = planned.marks.get(r.barcode);
        const item = planned.items.find((i) => i.barcode === r.barcode);
        return mark ? [{ productId: mark.productId, barcode: r.barcode, quantity: item?.quantity ?? null, reasons: r.reasons, attempts: 1 }] : [];
      }),
    );
  }
  const items = sentItems(valid, planned.marks, adapter.profile.maxQuantity);
  const before = await markInFlight(deps, channel.store.id, items);
  try {
    const receipts = await adapter.pushStockAndPrice(valid);
    const at = new Date(deps.now());
    // Remember the body for the marketplace's identical-request window: it is never sent twice in it.
    const windowMs = adapter.profile.duplicateWindowMs;
    if (windowMs && windowMs > 0 && valid.length <= adapter.profile.batchSize) await deps.kv.set(bodyKey(channel, valid), "sent", { ttlMs: windowMs });
    await deps.sent.record(channel.store.id, items, at);
    await recordReceipts(deps, channel, receipts, items);
    await deps.buffer.ack(claim);
    deps.metrics.itemsSent.inc({ marketplace: channel.marketplace }, items.length);
    result.sent += items.length;
    result.batches += receipts.length;
    return true;
  } catch (error) {
    await failed(deps, channel, claim, items, error, result, before);
    return false;
  }
}

/** A push failed: keep what the marketplace accepted, put the rest back, back the store off. */
async function failed(deps: FlushDeps, channel: PushChannel, claim: Claim, items: SentItem[], error: unknown, result: FlushResult, before: Map<string, number>): Promise<void> {
  const storeId = channel.store.id;
  if (error instanceof MarketplaceError && error.fate === "REFUSED") {
    // Refused before processing: what the marketplace was told before still stands.
    await deps.sent.record(storeId, items.flatMap((i) => (before.has(i.productId) ? [{ ...i, quantity: before.get(i.productId) ?? IN_FLIGHT }] : [])), new Date(deps.now()));
  }
  if (error instanceof MarketplaceDuplicateRequest) {
    const told = before;
    const stale = items.filter((i) => told.get(i.productId) !== i.quantity);
    if (stale.length > 0) {
      // A quantity went away and came back within the marketplace's duplicate window: it still
      // shows the in-between value and refuses this exact body until the window ends. Hold the
      // items (a body with any other change differs and goes out at once).
      await deps.kv.set(bodyKey(channel, items), "refused", { ttlMs: Math.max(1000, error.retryAfterMs) });
      await deps.buffer.putBack(claim, stale.map((i) => i.productId));
    }
    await deps.buffer.ack(claim);
    result.skipped += items.length - stale.length;
    if (stale.length > 0) result.outcome = "deferred";
    return;
  }
  const submitted = error instanceof MarketplaceError ? (error.progress?.submitted ?? []) : [];
  if (submitted.length > 0) {
    const accepted = new Set(submitted.flatMap((r) => r.barcodes));
    const done = items.filter((i) => accepted.has(i.barcode));
    await deps.sent.record(storeId, done, new Date(deps.now()));
    await recordReceipts(deps, channel, submitted, done);
    result.sent += done.length;
    result.batches += submitted.length;
  }
  const accepted = new Set(submitted.flatMap((r) => r.barcodes));
  const back = items.filter((i) => !accepted.has(i.barcode)).map((i) => i.productId);
  // After a 5xx or timeout the items are in doubt: they go back and are recomputed, never replayed blindly.
  if (back.length > 0) await deps.buffer.putBack(claim, back);
  await deps.buffer.ack(claim);
  const code = error instanceof MarketplaceError ? error.code : "SYNC_INTERNAL";
  const retryAfterMs = error instanceof MarketplaceRateLimited ? error.retryAfterMs : undefined;
  if (error instanceof MarketplaceRateLimited) deps.metrics.received429.inc({ marketplace: channel.marketplace });
  deps.metrics.failures.inc({ marketplace: channel.marketplace, code });
  const health = await deps.health.recordFailure(storeId, { retryAfterMs, error: error instanceof Error ? `${code}: ${error.message}` : code });
  deps.log.warn({ storeId, code, err: error instanceof MarketplaceError ? undefined : error, putBack: back.length, state: health.state, retryAt: health.retryAt }, "stock push failed");
  result.outcome = "failed";
  result.error = code;
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
      const planned = await plan(deps, channel, claim).catch(async (error: unknown) => {
        await deps.buffer.putBack(claim);
        throw error;
      });
      result.skipped += planned.skipped;
      if (planned.items.length === 0) {
        await deps.buffer.ack(claim);
        continue;
      }
      if (await deps.kv.exists(bodyKey(channel, channel.adapter.validate(planned.items).valid))) {
        // This very body went out (or was refused as a repeat) within the marketplace's duplicate
        // window: sending it again would be refused. Wait for a change or the window's end.
        await deps.buffer.putBack(claim);
        return { ...result, outcome: result.sent > 0 ? "sent" : "deferred" };
      }
      const group = channel.adapter.profile.groups.write;
      const cost = channel.adapter.requestsFor?.(planned.items) ?? Math.ceil(planned.items.length / channel.adapter.profile.batchSize);
      const token = await deps.limiter.tryTake(deps.bucketsFor(channel, group), cost);
      if (!token.granted) {
        // No token, no request: the marks keep their first-dirty times for the next tick.
        await deps.buffer.putBack(claim);
        deps.metrics.rateLimited.inc({ marketplace: channel.marketplace, group });
        return { ...result, outcome: result.sent > 0 ? "sent" : "rate_limited", waitMs: token.waitMs };
      }
      if (!(await send(deps, channel, claim, planned, result))) return result;
      result.outcome = "sent";
    }
    if (result.outcome === "sent" || result.skipped > 0) await deps.health.recordSuccess(storeId);
    return result;
  } finally {
    deps.metrics.flushDuration.observe({ marketplace: channel.marketplace }, (performance.now() - started) / 1000);
  }
}

export type { MarketplaceAdapter };

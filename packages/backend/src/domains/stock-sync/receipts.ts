/**
 * Receipt polling: an asynchronous marketplace answers a push with a batch id; its
 * per-item outcomes come later. Submissions are polled first after a few seconds, then backing
 * off, and given up well inside the marketplace's result retention (the unfinished items are
 * marked again, so they are recomputed and sent, never lost).
 */
import type { Database } from "../../infra/db";
import type { Logger } from "../../infra/logger";
import type { StoreService } from "../catalog/service";
import { MarketplaceError, MarketplaceRateLimited, type ItemOutcome, type SubmissionReceipt } from "../marketplace/service";
import { bumpAttempts, clearAttempts } from "./attempts";
import { channelBuckets, type Channels } from "./channels";
import { addDeadLetters, resolveForPairs, type DeadItem } from "./dead-letters";
import type { DirtyBuffer } from "./dirty-buffer";
import type { SyncMetrics } from "./metrics";
import type { SubmittedItem } from "./schema";
import { forgetSent } from "./sent";
import { complete, dueSubmissions, expire, reschedule, type SubmissionRow } from "./submissions";
import type { RateLimiter } from "./token-bucket";

export interface ReceiptDeps {
  db: Database;
  channels: Channels;
  buffer: Pick<DirtyBuffer, "markDirty">;
  limiter: RateLimiter;
  stores: Pick<StoreService, "recordPushOutcomes">;
  metrics: SyncMetrics;
  log: Logger;
  now: () => number;
  settings: { firstPollDelayMs: number; maxPollDelayMs: number; attemptBudget: number; batchLimit: number };
}

/** How long a claimed submission is ours before another replica may poll it. */
const POLL_LEASE_MS = 60_000;

/** One polling round: every due submission, one after another (they share the store's poll budget). */
export async function pollReceipts(deps: ReceiptDeps): Promise<number> {
  const due = await dueSubmissions(deps.db, new Date(deps.now()), deps.settings.batchLimit, POLL_LEASE_MS);
  for (const sub of due) {
    try {
      await pollOne(deps, sub);
    } catch (error) {
      deps.log.error({ err: error, submissionId: sub.id, storeId: sub.storeId }, "receipt poll failed");
      await reschedule(deps.db, sub.id, new Date(deps.now() + nextPollDelay(deps.settings, sub.pollCount + 1)), "SYNC_INTERNAL").catch(() => undefined);
    }
  }
  return due.length;
}

/** Polls one submission once; never throws for a marketplace failure (it reschedules instead). */
async function pollOne(deps: ReceiptDeps, sub: SubmissionRow): Promise<void> {
  const channel = await deps.channels.channel(sub.storeId);
  const now = deps.now();
  if (channel.kind !== "push") {
    // The store stopped pushing (or lost its settings): nothing more will be learnt from here.
    await expire(deps.db, sub.id);
    return;
  }
  const expired = now >= sub.expiresAt.getTime();
  const group = channel.adapter.profile.groups.status;
  const token = await deps.limiter.tryTake(channelBuckets(channel, group));
  if (!token.granted) {
    deps.metrics.rateLimited.inc({ marketplace: channel.marketplace, group });
    await reschedule(deps.db, sub.id, new Date(now + Math.max(token.waitMs, 250)));
    return;
  }
  try {
    const status = await channel.adapter.batchStatus(receiptOf(channel.adapter.marketplace, sub));
    // Outcomes are applied once, when final for the whole batch (or when we give up on it).
    if (status.complete || expired) await applyOutcomes(deps, sub.storeId, channel.marketplace, sub, status.items);
    if (status.complete) return void (await complete(deps.db, sub.id));
    if (expired) return await giveUp(deps, sub, status.items);
    await reschedule(deps.db, sub.id, new Date(now + nextPollDelay(deps.settings, sub.pollCount + 1)));
  } catch (error) {
    if (!(error instanceof MarketplaceError)) throw error;
    if (error instanceof MarketplaceRateLimited) deps.metrics.received429.inc({ marketplace: channel.marketplace });
    if (expired) return await giveUp(deps, sub, []);
    const wait = Math.max(nextPollDelay(deps.settings, sub.pollCount + 1), error instanceof MarketplaceRateLimited ? (error.retryAfterMs ?? 0) : 0);
    await reschedule(deps.db, sub.id, new Date(now + wait), error.code);
  }
}

/** Applies final outcomes: confirmations, retries within the budget, dead letters. */
async function applyOutcomes(deps: ReceiptDeps, storeId: string, marketplace: string, sub: SubmissionRow, outcomes: readonly ItemOutcome[]): Promise<void> {
  const byBarcode = new Map(sub.items.map((i) => [i.barcode, i]));
  const now = deps.now();
  const succeeded: SubmittedItem[] = [];
  const retry: { item: SubmittedItem; reasons: string[] }[] = [];
  const dead: DeadItem[] = [];
  for (const outcome of outcomes) {
    const item = byBarcode.get(outcome.barcode);
    if (!item) continue;
    deps.metrics.outcomes.inc({ marketplace, outcome: outcome.outcome });
    if (outcome.outcome === "SUCCEEDED") succeeded.push(item);
    else if (outcome.outcome === "FAILED_RETRYABLE") retry.push({ item, reasons: outcome.reasons });
    else dead.push({ productId: item.productId, barcode: item.barcode, quantity: item.quantity, reasons: outcome.reasons, attempts: 1 });
  }
  if (succeeded.length > 0) {
    const at = new Date(now);
    await deps.stores.recordPushOutcomes(succeeded.map((i) => ({ storeId, productId: i.productId, quantity: i.quantity, price: i.salePrice, status: "SUCCEEDED" as const, at })));
    // A success clears the retry budget and resolves the listing's open dead letter.
    const pairs = succeeded.map((i) => ({ storeId, productId: i.productId }));
    await clearAttempts(deps.db, pairs);
    await resolveForPairs(deps.db, pairs);
    for (const item of succeeded) deps.metrics.latency.observe({ marketplace }, Math.max(0, now - item.firstMarkedAt) / 1000);
  }
  if (retry.length > 0) {
    const counts = await bumpAttempts(deps.db, retry.map((r) => ({ storeId, productId: r.item.productId, reasons: r.reasons })));
    const attempts = new Map(counts.map((c) => [c.productId, c.attempts]));
    const again: SubmittedItem[] = [];
    for (const { item, reasons } of retry) {
      const n = attempts.get(item.productId) ?? deps.settings.attemptBudget;
      if (n < deps.settings.attemptBudget) again.push(item);
      else dead.push({ productId: item.productId, barcode: item.barcode, quantity: item.quantity, reasons, attempts: n });
    }
    await forgetSent(deps.db, storeId, again.map((i) => i.productId), sub.submittedAt);
    await deps.buffer.markDirty(again.map((i) => ({ storeId, productId: i.productId })));
  }
  if (dead.length > 0) {
    await forgetSent(deps.db, storeId, dead.map((d) => d.productId), sub.submittedAt);
    await addDeadLetters(deps, storeId, dead);
  }
}

/** Past the retention margin: items without an outcome are recomputed and sent again. */
async function giveUp(deps: ReceiptDeps, sub: SubmissionRow, known: readonly ItemOutcome[]): Promise<void> {
  const finished = new Set(known.map((o) => o.barcode));
  const open = sub.items.filter((i) => !finished.has(i.barcode));
  await forgetSent(deps.db, sub.storeId, open.map((i) => i.productId), sub.submittedAt);
  await deps.buffer.markDirty(open.map((i) => ({ storeId: sub.storeId, productId: i.productId })));
  await expire(deps.db, sub.id);
  deps.log.warn({ storeId: sub.storeId, batchId: sub.batchId, open: open.length }, "batch result not final before its retention margin: items marked again");
}

function nextPollDelay(settings: ReceiptDeps["settings"], pollCount: number): number {
  return Math.min(settings.maxPollDelayMs, settings.firstPollDelayMs * 2 ** Math.min(pollCount, 20));
}

/** The receipt as the adapter issued it: with the keys it sent where any item had one of its own. */
function receiptOf(marketplace: SubmissionReceipt["marketplace"], sub: SubmissionRow): SubmissionReceipt {
  const barcodes = sub.items.map((i) => i.barcode);
  const keyed = sub.items.some((i) => i.key !== undefined);
  return { marketplace, batchId: sub.batchId, submittedAt: sub.submittedAt.toISOString(), itemCount: sub.items.length, barcodes, ...(keyed && { keys: sub.items.map((i) => i.key ?? i.barcode) }) };
}

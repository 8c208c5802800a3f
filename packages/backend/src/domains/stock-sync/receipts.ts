/**
 * Receipt polling: an asynchronous marketplace answers a push with a batch id; its
 * per-item outcomes come later. Submissions are polled first after a few seconds, then backing
 * off, and given up well inside the marketplace's result retention (the unfinished items are
 * marked again, so they are recomputed and sent, never lost).
 */
import type { Logger } from "../../infra/logger";
import { MarketplaceError, MarketplaceRateLimited, type ItemOutcome, type SubmissionReceipt } from "../marketplace/service";
import type { Channels } from "./channels";
import type { DirtyMarks } from "./marks";
import type { SyncMetrics } from "./metrics";
import type { NewDeadLetter, SentItem, SyncPorts } from "./ports";

export interface DueSubmission {
  id: string;
  storeId: string;
  batchId: string;
  submittedAt: Date;
  expiresAt: Date;
  pollCount: number;
  items: SentItem[];
}

export interface ReceiptPorts extends Pick<SyncPorts, "limiter" | "bucketsFor" | "deadLetters"> {
  submissions: {
    /** Claims due submissions (no two replicas get the same one) and answers them. */
    due(now: Date, limit: number): Promise<DueSubmission[]>;
    reschedule(id: string, nextPollAt: Date, error?: string): Promise<void>;
    complete(id: string): Promise<void>;
    expire(id: string): Promise<void>;
  };
  /** Bumps the retry budget of failed items; answers each product's attempts so far. */
  bumpAttempts(storeId: string, items: readonly { productId: string; reasons: string[] }[]): Promise<Map<string, number>>;
  /** A success clears the budget and resolves the product's open dead letter. */
  settled(storeId: string, productIds: readonly string[]): Promise<void>;
  /** The marketplace confirmed these values (listings' last pushed quantity and price; null keeps a side). */
  confirmed(storeId: string, items: readonly { productId: string; quantity: number | null; price: number | null }[], at: Date): Promise<void>;
  /** Failed items: the last sent value no longer describes the marketplace. */
  forgetSent(storeId: string, productIds: readonly string[], sentBefore: Date): Promise<void>;
}

export interface ReceiptDeps extends ReceiptPorts {
  channels: Channels;
  marks: DirtyMarks;
  metrics: SyncMetrics;
  log: Logger;
  now: () => number;
  settings: { firstPollDelayMs: number; maxPollDelayMs: number; attemptBudget: number; batchLimit: number };
}

export function nextPollDelay(settings: ReceiptDeps["settings"], pollCount: number): number {
  return Math.min(settings.maxPollDelayMs, settings.firstPollDelayMs * 2 ** Math.min(pollCount, 20));
}

function receiptOf(marketplace: SubmissionReceipt["marketplace"], sub: DueSubmission): SubmissionReceipt {
  return { marketplace, batchId: sub.batchId, submittedAt: sub.submittedAt.toISOString(), itemCount: sub.items.length, barcodes: sub.items.map((i) => i.barcode) };
}

/** Applies final outcomes: confirmations, retries within the budget, dead letters. */
async function applyOutcomes(deps: ReceiptDeps, storeId: string, marketplace: string, sub: DueSubmission, outcomes: readonly ItemOutcome[]): Promise<void> {
  const byBarcode = new Map(sub.items.map((i) => [i.barcode, i]));
  const now = deps.now();
  const succeeded: SentItem[] = [];
  const retry: { item: SentItem; reasons: string[] }[] = [];
  const dead: NewDeadLetter[] = [];
  for (const outcome of outcomes) {
    const item = byBarcode.get(outcome.barcode);
    if (!item) continue;
    deps.metrics.outcomes.inc({ marketplace, outcome: outcome.outcome });
    if (outcome.outcome === "SUCCEEDED") succeeded.push(item);
    else if (outcome.outcome === "FAILED_RETRYABLE") retry.push({ item, reasons: outcome.reasons });
    else dead.push({ productId: item.productId, barcode: item.barcode, quantity: item.quantity, reasons: outcome.reasons, attempts: 1 });
  }
  if (succeeded.length > 0) {
    await deps.confirmed(storeId, succeeded.map((i) => ({ productId: i.productId, quantity: i.quantity, price: i.salePrice })), new Date(now));
    await deps.settled(storeId, succeeded.map((i) => i.productId));
    for (const item of succeeded) deps.metrics.latency.observe({ marketplace }, Math.max(0, now - item.firstMarkedAt) / 1000);
  }
  if (retry.length > 0) {
    const attempts = await deps.bumpAttempts(storeId, retry.map((r) => ({ productId: r.item.productId, reasons: r.reasons })));
    const again: SentItem[] = [];
    for (const { item, reasons } of retry) {
      const n = attempts.get(item.productId) ?? deps.settings.attemptBudget;
      if (n < deps.settings.attemptBudget) again.push(item);
      else dead.push({ productId: item.productId, barcode: item.barcode, quantity: item.quantity, reasons, attempts: n });
    }
    await deps.forgetSent(storeId, again.map((i) => i.productId), sub.submittedAt);
    await deps.marks.markDirty(again.map((i) => ({ storeId, productId: i.productId })));
  }
  if (dead.length > 0) {
    await deps.forgetSent(storeId, dead.map((d) => d.productId), sub.submittedAt);
    await deps.deadLetters.add(storeId, dead);
  }
}

/** Polls one submission once; never throws for a marketplace failure (it reschedules instead). */
async function pollOne(deps: ReceiptDeps, sub: DueSubmission): Promise<void> {
  const channel = await deps.channels.channel(sub.storeId);
  const now = deps.now();
  if (channel.kind !== "push") {
    // The store stopped pushing (or lost its settings): nothing more will be learnt from here.
    await deps.submissions.expire(sub.id);
    return;
  }
  const expired = now >= sub.expiresAt.getTime();
  const group = channel.adapter.profile.groups.status;
  const token = await deps.limiter.tryTake(deps.bucketsFor(channel, group));
  if (!token.granted) {
    deps.metrics.rateLimited.inc({ marketplace: channel.marketplace, group });
    await deps.submissions.reschedule(sub.id, new Date(now + Math.max(token.waitMs, 250)));
    return;
  }
  try {
    const status = await channel.adapter.batchStatus(receiptOf(channel.adapter.marketplace, sub));
    // Outcomes are applied once, when final for the whole batch (or when we give up on it).
    if (status.complete || expired) await applyOutcomes(deps, sub.storeId, channel.marketplace, sub, status.items);
    if (status.complete) return await deps.submissions.complete(sub.id);
    if (expired) return await giveUp(deps, sub, status.items);
    await deps.submissions.reschedule(sub.id, new Date(now + nextPollDelay(deps.settings, sub.pollCount + 1)));
  } catch (error) {
    if (!(error instanceof MarketplaceError)) throw error;
    if (error instanceof MarketplaceRateLimited) deps.metrics.received429.inc({ marketplace: channel.marketplace });
    if (expired) return await giveUp(deps, sub, []);
    const wait = Math.max(nextPollDelay(deps.settings, sub.pollCount + 1), error instanceof MarketplaceRateLimited ? (error.retryAfterMs ?? 0) : 0);
    await deps.submissions.reschedule(sub.id, new Date(now + wait), error.code);
  }
}

/** Past the retention margin: items without an outcome are recomputed and sent again. */
async function giveUp(deps: ReceiptDeps, sub: DueSubmission, known: readonly ItemOutcome[]): Promise<void> {
  const finished = new Set(known.map((o) => o.barcode));
  const open = sub.items.filter((i) => !finished.has(i.barcode));
  await deps.forgetSent(sub.storeId, open.map((i) => i.productId), sub.submittedAt);
  await deps.marks.markDirty(open.map((i) => ({ storeId: sub.storeId, productId: i.productId })));
  await deps.submissions.expire(sub.id);
  deps.log.warn({ storeId: sub.storeId, batchId: sub.batchId, open: open.length }, "batch result not final before its retention margin: items marked again");
}

/** One polling round: every due submission, one after another (they share the store's poll budget). */
export async function pollReceipts(deps: ReceiptDeps): Promise<number> {
  const due = await deps.submissions.due(new Date(deps.now()), deps.settings.batchLimit);
  for (const sub of due) {
    try {
      await pollOne(deps, sub);
    } catch (error) {
      deps.log.error({ err: error, submissionId: sub.id, storeId: sub.storeId }, "receipt poll failed");
      await deps.submissions.reschedule(sub.id, new Date(deps.now() + nextPollDelay(deps.settings, sub.pollCount + 1)), "SYNC_INTERNAL").catch(() => undefined);
    }
  }
  return due.length;
}

/**
 * Sending one part of a claim (a request's worth of items) and dealing with what came back:
 * the receipt and what was told on success; on a failure, what the marketplace accepted is kept,
 * the rest put back, and the store backed off. The claim itself is acked by the caller.
 */
import { createHash } from "node:crypto";
import { MarketplaceDuplicateRequest, MarketplaceError, MarketplaceRateLimited, type StockPriceItem, type SubmissionReceipt } from "../marketplace/service";
import type { Claim, ClaimedMark } from "./dirty-buffer";
import type { FlushDeps, FlushResult, PushChannel } from "./flush";
import { sentItems } from "./plan";
import type { SentItem } from "./ports";
import type { SentRecord, SentValues } from "./sent";

/** The identity of a body as the marketplace sees it: the same items with the same values. */
export function bodyKey(channel: PushChannel, items: readonly StockPriceItem[]): string {
  const canonical = items.map((i) => `${i.barcode}=${i.quantity ?? ""}/${i.salePrice ?? ""}/${i.listPrice ?? ""}`).sort().join("\n");
  return `sync:body:${channel.store.id}:${channel.generation}:${createHash("sha1").update(canonical).digest("hex")}`;
}

/**
 * What sync_sent says while a push is on its way. A process killed before it hears back leaves
 * this behind: the marketplace may or may not show the push, so the next plan sends again instead
 * of trusting the older value (which would drop a change back to it as "unchanged").
 */
const IN_FLIGHT = -1;

const told = (items: readonly SentItem[]): SentRecord[] => items.map((i) => ({ productId: i.productId, quantity: i.quantity, price: i.salePrice }));

async function markInFlight(deps: FlushDeps, storeId: string, items: readonly SentItem[]): Promise<Map<string, SentValues>> {
  const before = await deps.sent.values(storeId, items.map((i) => i.productId), new Date(deps.now() - deps.settings.sentMemoryMs));
  const inFlight = items.map((i) => ({ productId: i.productId, quantity: i.quantity === null ? null : IN_FLIGHT, price: i.salePrice === null ? null : IN_FLIGHT }));
  await deps.sent.record(storeId, inFlight, new Date(deps.now()));
  return before;
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

export type PartOutcome = "sent" | "failed" | "deferred";

/** Sends one part (at most one batch of items); never acks the claim. */
export async function sendPart(deps: FlushDeps, channel: PushChannel, claim: Claim, part: readonly StockPriceItem[], marks: Map<string, ClaimedMark>, result: FlushResult): Promise<PartOutcome> {
  const { adapter } = channel;
  const { valid, rejected } = adapter.validate(part);
  if (rejected.length > 0) {
    deps.metrics.outcomes.inc({ marketplace: channel.marketplace, outcome: "FAILED_PERMANENT" }, rejected.length);
    const byBarcode = new Map(part.map((i) => [i.barcode, i]));
    await deps.deadLetters.add(
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
    await deps.sent.record(channel.store.id, told(items), at);
    await recordReceipts(deps, channel, receipts, items);
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
  items: SentItem[],
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
    await deps.sent.record(storeId, restore, new Date(deps.now()));
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
    await deps.sent.record(storeId, told(done), at);
    await recordReceipts(deps, channel, submitted, done);
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

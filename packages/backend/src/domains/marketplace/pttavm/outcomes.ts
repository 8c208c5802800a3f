import type { BatchStatus, ItemOutcome, ItemOutcomeKind } from "../types";
import { TRACKING_FINAL } from "./facts";
import { isRecord } from "../json";

/**
 * PttAVM tracking-result item -> what the sync engine does next (first match wins; texts may be
 * Turkish or English):
 *
 * | productBasedInfos item                                         | outcome          |
 * |----------------------------------------------------------------|------------------|
 * | status Completed                                               | SUCCEEDED        |
 * | Cancelled, reason: locked / kilitli / pasif / onay bekliyor    | LOCKED           |
 * | Cancelled, reason: transient (sistemsel, tekrar deneyin...)    | FAILED_RETRYABLE |
 * | Cancelled, reason: not found / invalid / a range or rate rule  | FAILED_PERMANENT |
 * | Cancelled, reason we do not recognise                          | FAILED_RETRYABLE |
 * | missing from a Completed or Cancelled batch                    | FAILED_RETRYABLE |
 * | Waiting, InProgress, anything else                             | not final yet    |
 *
 * Unrecognised reasons are retryable: the engine's attempt budget turns a persistent one into a
 * dead letter an admin sees, while a transient one heals on its own.
 */
const RULES: { outcome: ItemOutcomeKind; pattern: RegExp }[] = [
  { outcome: "LOCKED", pattern: /kilit|locked|pasif|inactive|onay bekl|awaiting approval/i },
  { outcome: "FAILED_RETRYABLE", pattern: /sistemsel|tekrar deneyin|try again|temporar|timeout|zaman aşımı/i },
  { outcome: "FAILED_PERMANENT", pattern: /bulunamad|not found|9999|geçersiz|invalid|olamaz|cannot be|arasında olmalı|must be between|büyük olmalı|greater than|KDV oranı|VAT rate/i },
];

export const MISSING_FROM_RESULT = "NOT_IN_TRACKING_RESULT";

export function classifyPttavmFailure(reasons: readonly string[]): ItemOutcomeKind {
  const text = reasons.join(" | ");
  return RULES.find((rule) => rule.pattern.test(text))?.outcome ?? "FAILED_RETRYABLE";
}

function reasonsOf(item: Record<string, unknown>): string[] {
  const list = Array.isArray(item.failureReasons) ? item.failureReasons : [];
  const reasons = list.map((r) => (typeof r === "string" ? r : isRecord(r) && typeof r.message === "string" ? r.message : JSON.stringify(r)));
  if (typeof item.message === "string" && item.message && !reasons.includes(item.message)) reasons.push(item.message);
  return reasons;
}

function outcomeOf(item: Record<string, unknown>, barcode: string): ItemOutcome | undefined {
  const status = typeof item.status === "string" ? item.status.toUpperCase() : "";
  if (status === "COMPLETED") return { barcode, outcome: "SUCCEEDED", reasons: [] };
  if (status !== "CANCELLED") return undefined;
  const reasons = reasonsOf(item);
  return { barcode, outcome: classifyPttavmFailure(reasons), reasons };
}

/**
 * A tracking result -> outcomes for the barcodes we sent. Complete when the batch is Completed or
 * Cancelled (then a barcode it does not mention failed retryably: nothing proves it applied) or
 * when every barcode has a final item. Undefined for an answer we cannot read.
 */
export function trackingStatusFrom(body: unknown, sentBarcodes: readonly string[]): BatchStatus | undefined {
  if (!isRecord(body) || typeof body.status !== "string") return undefined;
  const sub = body.productsSubTrackingResult ?? {};
  if (!isRecord(sub)) return undefined;
  const rawItems = sub.productBasedInfos ?? [];
  if (!Array.isArray(rawItems)) return undefined;
  const byBarcode = new Map<string, ItemOutcome>();
  for (const raw of rawItems) {
    if (!isRecord(raw) || typeof raw.barcode !== "string") continue;
    const outcome = outcomeOf(raw, raw.barcode);
    if (outcome) byBarcode.set(raw.barcode, outcome);
  }
  const done = TRACKING_FINAL.has(body.status.toUpperCase());
  const items = sentBarcodes.flatMap((barcode): ItemOutcome[] => {
    const found = byBarcode.get(barcode);
    if (found) return [found];
    return done ? [{ barcode, outcome: "FAILED_RETRYABLE", reasons: [MISSING_FROM_RESULT] }] : [];
  });
  return { complete: items.length === sentBarcodes.length, items };
}

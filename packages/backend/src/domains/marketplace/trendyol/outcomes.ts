import type { BatchStatus, ItemOutcome, ItemOutcomeKind } from "../types";
import { isRecord } from "../json";

/**
 * How Trendyol's per-item failure reasons map to what the sync engine does next. First match
 * wins; the texts are Turkish or English depending on the endpoint, so both are matched.
 * - LOCKED: the listing is locked or archived on Trendyol's side: an operator must act.
 * - FAILED_RETRYABLE: rate-style or transient failures (the 30-price-updates-per-barcode-per-
 *   minute rule shows up here, not as a 429): the same values may succeed later.
 * - FAILED_PERMANENT: unknown barcode, values Trendyol refuses (list < sale, over the cap):
 *   resending the same values cannot succeed.
 * - anything we do not recognise is FAILED_RETRYABLE: the engine's attempt budget turns a
 *   persistent one into a dead letter an admin sees, while a transient one heals on its own.
 */
const RULES: { outcome: ItemOutcomeKind; pattern: RegExp }[] = [
  { outcome: "LOCKED", pattern: /kilit|locked|arşiv|archived/i },
  { outcome: "FAILED_RETRYABLE", pattern: /too many|dakikada|per minute|tekrar deneyin|try again|sistemsel|temporar|timeout/i },
  {
    outcome: "FAILED_PERMANENT",
    pattern: /bulunamad|not found|unknown barcode|20000|liste fiyat|list ?price|geçersiz|invalid|olamaz|cannot be/i,
  },
];

export function classifyFailure(reasons: readonly string[]): ItemOutcomeKind {
  const text = reasons.join(" | ");
  return RULES.find((rule) => rule.pattern.test(text))?.outcome ?? "FAILED_RETRYABLE";
}

function reasonText(reason: unknown): string {
  if (typeof reason === "string") return reason;
  if (isRecord(reason)) {
    const text = reason.message ?? reason.description ?? reason.key;
    if (typeof text === "string") return text;
  }
  return JSON.stringify(reason);
}

/** The final outcome of one result item, or undefined while Trendyol is still processing it. */
function outcomeOf(item: Record<string, unknown>, barcode: string): ItemOutcome | undefined {
  if (item.status === "SUCCESS") return { barcode, outcome: "SUCCEEDED", reasons: [] };
  if (item.status !== "FAILED") return undefined;
  const reasons = Array.isArray(item.failureReasons) ? item.failureReasons.map(reasonText) : [];
  return { barcode, outcome: classifyFailure(reasons), reasons };
}

/**
 * Inventory batches have no batch-level status (Trendyol docs say so outright): the batch is
 * complete when every barcode we sent has an item with SUCCESS or FAILED. Returns undefined for
 * an answer whose shape we cannot read.
 */
export function batchStatusFrom(body: unknown, sentBarcodes: readonly string[]): BatchStatus | undefined {
  if (!isRecord(body)) return undefined;
  const rawItems = body.items ?? [];
  if (!Array.isArray(rawItems)) return undefined;
  const byBarcode = new Map<string, ItemOutcome>();
  for (const raw of rawItems) {
    if (!isRecord(raw) || !isRecord(raw.requestItem)) continue;
    const barcode = raw.requestItem.barcode;
    if (typeof barcode !== "string") continue;
    const outcome = outcomeOf(raw, barcode);
    if (outcome) byBarcode.set(barcode, outcome);
  }
  const items = sentBarcodes.flatMap((barcode) => byBarcode.get(barcode) ?? []);
  return { complete: items.length === sentBarcodes.length, items };
}

import type { BatchStatus, ItemOutcome, ItemOutcomeKind } from "../types";
import { HEPSIBURADA_ITEM_ERRORS, UPLOAD_STATUS } from "./facts";
import { isRecord } from "../json";

/**
 * How an upload's per-item answer maps to what the sync engine does next (first match wins):
 *
 * | Hepsiburada says                                          | outcome          | why                                      |
 * |-----------------------------------------------------------|------------------|------------------------------------------|
 * | Done, item not in errors / priceValidations               | SUCCEEDED        | applied                                  |
 * | Done (price) with priceValidations MinLock / MaxLock      | LOCKED           | the listing got locked: an operator acts |
 * | an item error naming MinLock / MaxLock / a lock           | LOCKED           | same                                     |
 * | ProductNotFound, InvalidAvailableStock, OutOfPriceRange,  | FAILED_PERMANENT | business rejections: the same values     |
 * | ListingFrozen, DuplicateMerchantSkuSpecified, Invalid*... |                  | cannot succeed; not retried automatically|
 * | any other item error (e.g. InternalServerError)           | FAILED_RETRYABLE | may heal; the engine's budget dead-      |
 * |                                                           |                  | letters a persistent one                 |
 * | Failed, item not in errors                                | FAILED_RETRYABLE | the upload as a whole did not apply it   |
 * | any other status (Pending, InProgress, ...)               | (not final)      | not done yet: complete = false           |
 */
const RULES: { outcome: ItemOutcomeKind; pattern: RegExp }[] = [
  { outcome: "LOCKED", pattern: /minlock|maxlock|\block(ed)?\b|kilit/i },
  {
    outcome: "FAILED_PERMANENT",
    pattern: new RegExp(`${Object.values(HEPSIBURADA_ITEM_ERRORS).join("|")}|notfound|not found|invalid|bulunamad|geçersiz`, "i"),
  },
];

/** The reason every item of a Failed upload gets when Hepsiburada names no error of its own for it. */
export const UPLOAD_FAILED = "UPLOAD_FAILED";

export function classifyItemErrors(reasons: readonly string[]): ItemOutcomeKind {
  const text = reasons.join(" | ");
  return RULES.find((rule) => rule.pattern.test(text))?.outcome ?? "FAILED_RETRYABLE";
}

function strings(value: unknown): string[] {
  if (typeof value === "string" && value.length > 0) return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (isRecord(value)) return strings(value.message ?? value.code ?? value.type);
  return [];
}

/**
 * Which sent barcode an error entry names: the item whose merchantSku (`keys`, what was sent) it
 * names, else its 1-based elementNo.
 */
function barcodeOf(entry: Record<string, unknown>, sent: readonly string[], keys: readonly string[]): string | undefined {
  const byKey = typeof entry.merchantSku === "string" ? keys.indexOf(entry.merchantSku) : -1;
  if (byKey >= 0) return sent[byKey];
  const elementNo = typeof entry.elementNo === "string" ? Number(entry.elementNo) : entry.elementNo;
  if (typeof elementNo === "number" && Number.isInteger(elementNo) && elementNo >= 1) return sent[elementNo - 1];
  return undefined;
}

/** priceValidations entries: `{ elementNo, merchantSku, hepsiburadaSku, type: "MinLock" | "MaxLock", ... }`; the reason read from type / validations / errors. */
function lockReasons(entry: Record<string, unknown>): string[] {
  const reasons = [...strings(entry.type), ...strings(entry.validationType), ...strings(entry.validations), ...strings(entry.errors)];
  return reasons.length > 0 ? reasons : ["PriceLocked"];
}

/**
 * An upload status answer `{ id, status, createdAt, total, errors: [{ elementNo, hepsiburadaSku,
 * merchantSku, errors: string[] }], priceValidations? }` as outcomes for the barcodes sent, in that
 * order (`keys`: the merchantSku each was sent as, in the same order). Undefined for an answer we cannot read.
 */
export function uploadStatusFrom(body: unknown, sent: readonly string[], keys: readonly string[] = sent): BatchStatus | undefined {
  if (!isRecord(body) || typeof body.status !== "string") return undefined;
  if (body.status !== UPLOAD_STATUS.done && body.status !== UPLOAD_STATUS.failed) return { complete: false, items: [] };
  const outcomes = new Map<string, ItemOutcome>();
  for (const entry of Array.isArray(body.errors) ? body.errors : []) {
    if (!isRecord(entry)) continue;
    const barcode = barcodeOf(entry, sent, keys);
    if (barcode === undefined) continue;
    const reasons = [...(outcomes.get(barcode)?.reasons ?? []), ...strings(entry.errors)];
    outcomes.set(barcode, { barcode, outcome: classifyItemErrors(reasons), reasons });
  }
  // A lock is the operator's problem whatever else was said about the item: it wins.
  for (const entry of Array.isArray(body.priceValidations) ? body.priceValidations : []) {
    if (!isRecord(entry)) continue;
    const barcode = barcodeOf(entry, sent, keys);
    if (barcode === undefined) continue;
    outcomes.set(barcode, { barcode, outcome: "LOCKED", reasons: [...(outcomes.get(barcode)?.reasons ?? []), ...lockReasons(entry)] });
  }
  const failed = body.status === UPLOAD_STATUS.failed;
  const items = sent.map(
    (barcode): ItemOutcome =>
      outcomes.get(barcode) ?? (failed ? { barcode, outcome: "FAILED_RETRYABLE", reasons: [UPLOAD_FAILED] } : { barcode, outcome: "SUCCEEDED", reasons: [] }),
  );
  return { complete: true, items };
}

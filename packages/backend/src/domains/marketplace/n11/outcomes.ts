import type { BatchStatus, ItemOutcome, ItemOutcomeKind } from "../types";
import { N11_TASK } from "./facts";
import { reasonsOf } from "./http";
import { isRecord } from "../json";

/**
 * N11 task-details -> what the sync engine does next (first match wins; texts may be Turkish or
 * English):
 *
 * | task / sku                                                   | outcome          |
 * |--------------------------------------------------------------|------------------|
 * | sku SUCCESS                                                  | SUCCEEDED        |
 * | sku FAIL, reason: kilitli / locked / askıda / onay bekliyor  | LOCKED           |
 * | sku FAIL, reason: transient (sistemsel, tekrar deneyin ...)  | FAILED_RETRYABLE |
 * | sku FAIL, reason: bulunamadı / geçersiz / olamaz / invalid   | FAILED_PERMANENT |
 * | sku FAIL, reason we do not recognise                         | FAILED_RETRYABLE |
 * | task PROCESSED, sku missing from every page                  | FAILED_RETRYABLE |
 * | task REJECT: every sku without its own result, by the task's reasons (same rules) | as above |
 * | task IN_QUEUE (or unknown): skus without a result             | not final yet    |
 *
 * Unrecognised reasons are retryable: the engine's attempt budget turns a persistent one into a
 * dead letter an admin sees, while a transient one heals on its own.
 */
const RULES: { outcome: ItemOutcomeKind; pattern: RegExp }[] = [
  { outcome: "LOCKED", pattern: /kilit|locked|askı|suspended|onay bekl|awaiting approval|pasif|inactive/i },
  { outcome: "FAILED_RETRYABLE", pattern: /sistemsel|tekrar deneyin|try again|temporar|timeout|zaman aşımı|too many|yoğunluk/i },
  { outcome: "FAILED_PERMANENT", pattern: /bulunamad|not found|geçersiz|invalid|olamaz|cannot be|must be|zorunlu|required/i },
];

export const NOT_IN_TASK_DETAILS = "NOT_IN_TASK_DETAILS";
export const TASK_REJECTED = "TASK_REJECTED";

export function classifyN11Failure(reasons: readonly string[]): ItemOutcomeKind {
  const text = reasons.join(" | ");
  return RULES.find((rule) => rule.pattern.test(text))?.outcome ?? "FAILED_RETRYABLE";
}

export interface TaskDetailsPage {
  /** IN_QUEUE | PROCESSED | REJECT, or whatever else N11 says (treated as not done). */
  status: string;
  reasons: string[];
  /** Final sku results on this page: itemCode -> outcome. */
  items: ItemOutcome[];
  /** Whether this is the last page (from `last`, else totalPages; an empty page is the last). */
  last: boolean;
}

function itemOutcome(raw: Record<string, unknown>): ItemOutcome | undefined {
  const sku = isRecord(raw.sku) ? raw.sku : {};
  const code = raw.itemCode ?? raw.stockCode ?? sku.stockCode;
  if (typeof code !== "string" || code.length === 0) return undefined;
  const status = typeof raw.status === "string" ? raw.status.toUpperCase() : "";
  if (status === "SUCCESS") return { barcode: code, outcome: "SUCCEEDED", reasons: [] };
  if (status !== "FAIL" && status !== "FAILED" && status !== "ERROR") return undefined;
  // Reasons sit on the item or inside its sku block (client code sees both).
  const reasons = reasonsOf(raw).length > 0 ? reasonsOf(raw) : reasonsOf(sku);
  return { barcode: code, outcome: classifyN11Failure(reasons), reasons };
}

/** One page of `POST /ms/product/task-details/page-query`; undefined for an answer we cannot read. */
export function taskDetailsPage(body: unknown, page: number): TaskDetailsPage | undefined {
  if (!isRecord(body) || typeof body.status !== "string") return undefined;
  const skus = body.skus;
  const content = isRecord(skus) ? (skus.content ?? []) : [];
  if (!Array.isArray(content)) return undefined;
  const items = content.flatMap((raw) => {
    const outcome = isRecord(raw) ? itemOutcome(raw) : undefined;
    return outcome ? [outcome] : [];
  });
  let last = true;
  if (isRecord(skus) && content.length > 0) {
    if (typeof skus.last === "boolean") last = skus.last;
    else if (typeof skus.totalPages === "number") last = page + 1 >= skus.totalPages;
  }
  return { status: body.status.toUpperCase(), reasons: reasonsOf({ reasons: body.reasons }), items, last };
}

/**
 * Every page of one task -> outcomes for the barcodes we sent, in the order sent. Task details name
 * skus by the stockCode sent (`keys`, in the same order as the barcodes).
 */
export function taskStatusFrom(pages: readonly TaskDetailsPage[], sentBarcodes: readonly string[], keys: readonly string[] = sentBarcodes): BatchStatus {
  const barcodeOfKey = new Map(keys.map((key, index) => [key, sentBarcodes[index] ?? key]));
  const byBarcode = new Map<string, ItemOutcome>();
  for (const page of pages) {
    for (const item of page.items) {
      const barcode = barcodeOfKey.get(item.barcode);
      if (barcode !== undefined) byBarcode.set(barcode, { ...item, barcode });
    }
  }
  const status = pages[0]?.status ?? N11_TASK.queued;
  const taskReasons = pages[0]?.reasons ?? [];
  const items = sentBarcodes.flatMap((barcode): ItemOutcome[] => {
    const found = byBarcode.get(barcode);
    if (found) return [found];
    if (status === N11_TASK.rejected) {
      const reasons = taskReasons.length > 0 ? taskReasons : [TASK_REJECTED];
      return [{ barcode, outcome: classifyN11Failure(reasons), reasons }];
    }
    // Processed, yet N11 says nothing of it: nothing proves it applied.
    if (status === N11_TASK.processed) return [{ barcode, outcome: "FAILED_RETRYABLE", reasons: [NOT_IN_TASK_DETAILS] }];
    return [];
  });
  return { complete: items.length === sentBarcodes.length, items };
}

import type { BatchStatus, ItemOutcome, ItemOutcomeKind } from "../types";
import { ITEM_STATUS } from "./facts";
import { isRecord } from "../json";

/** Which write a receipt is for: the batchId carries it ("STOCK:<dataId>" / "PRICE:<dataId>"). */
export type WriteKind = "STOCK" | "PRICE";

export function encodeBatchId(kind: WriteKind, dataId: string): string {
  return `${kind}:${dataId}`;
}

export function decodeBatchId(batchId: string): { kind: WriteKind; dataId: string } | undefined {
  const match = /^(STOCK|PRICE):(.+)$/.exec(batchId);
  return match ? { kind: match[1] as WriteKind, dataId: match[2] ?? "" } : undefined;
}

/**
 * A lake-projections item (client docs: `price.status` / `stock.status` 0 Başarılı, 1
 * Tamamlanamadı, 3 İşleniyor; `operationDetail` the reason) -> what the sync engine does next.
 * First match wins; texts are Turkish or English:
 *
 * | item                                                        | outcome          |
 * |-------------------------------------------------------------|------------------|
 * | status 0 (Başarılı)                                         | SUCCEEDED        |
 * | status 1 or 2, reason: onay / approval / kilit / pasif      | LOCKED           |
 * | status 1 or 2, reason: sistemsel / tekrar deneyin / timeout | FAILED_RETRYABLE |
 * | status 1 or 2, reason: bulunamadı / geçersiz / olamaz ...   | FAILED_PERMANENT |
 * | status 1 or 2, reason we do not recognise                   | FAILED_RETRYABLE |
 * | status 3 (İşleniyor), any other value, or not listed yet    | not final yet    |
 *
 * LOCKED covers Pazarama's price approval: a cut of about 70% or more waits for its approval team
 * and is not live, which an operator must see. Unrecognised reasons are retryable: the engine's
 * attempt budget turns a persistent one into a dead letter, a transient one heals.
 */
const RULES: { outcome: ItemOutcomeKind; pattern: RegExp }[] = [
  { outcome: "LOCKED", pattern: /onay|approval|kilit|locked|pasif|inactive|satışa kapalı/i },
  { outcome: "FAILED_RETRYABLE", pattern: /sistemsel|tekrar deneyin|try again|temporar|timeout|zaman aşımı/i },
  { outcome: "FAILED_PERMANENT", pattern: /bulunamad|not found|geçersiz|invalid|olamaz|cannot|must be|büyük|küçük/i },
];

export function classifyPazaramaFailure(reasons: readonly string[]): ItemOutcomeKind {
  const text = reasons.join(" | ");
  return RULES.find((rule) => rule.pattern.test(text))?.outcome ?? "FAILED_RETRYABLE";
}

const STATUS_TEXT: Record<string, number> = { "başarılı": ITEM_STATUS.succeeded, "tamamlanamadı": ITEM_STATUS.notCompleted, "işleniyor": ITEM_STATUS.processing };

/** The status of the part of an entry this write touched: `stock` or `price`, else the entry's own. */
function statusOf(entry: Record<string, unknown>, kind: WriteKind): { status?: number; detail: string } {
  const part = entry[kind === "STOCK" ? "stock" : "price"];
  const source = isRecord(part) ? part : entry;
  const detail = [source.operationDetail, entry.operationDetail].find((d): d is string => typeof d === "string" && d.length > 0) ?? "";
  if (typeof source.status === "number") return { status: source.status, detail };
  const text = typeof entry.operationStatusText === "string" ? entry.operationStatusText.toLocaleLowerCase("tr-TR") : "";
  return { status: STATUS_TEXT[text], detail };
}

function outcomeOf(entry: Record<string, unknown>, kind: WriteKind, barcode: string): ItemOutcome | undefined {
  const { status, detail } = statusOf(entry, kind);
  if (status === ITEM_STATUS.succeeded) return { barcode, outcome: "SUCCEEDED", reasons: [] };
  if (status !== ITEM_STATUS.notCompleted && status !== ITEM_STATUS.failed) return undefined;
  const reasons = detail ? [detail] : ["Tamamlanamadı"];
  return { barcode, outcome: classifyPazaramaFailure(reasons), reasons };
}

/** The entries of an answer: `data` is the list (client docs) or wraps one (`data.data`). */
function entriesOf(body: unknown): unknown[] | undefined {
  if (!isRecord(body)) return undefined;
  if (Array.isArray(body.data)) return body.data;
  if (isRecord(body.data) && Array.isArray(body.data.data)) return body.data.data;
  return body.data === null || body.data === undefined ? [] : undefined;
}

/**
 * A lake-projections answer -> outcomes for the barcodes we sent. Complete when every barcode has
 * a final item; Pazarama lists items as it processes them, so one not listed is still pending.
 * Undefined for an answer we cannot read.
 */
export function listingStateFrom(body: unknown, kind: WriteKind, sentBarcodes: readonly string[]): BatchStatus | undefined {
  const entries = entriesOf(body);
  if (!entries) return undefined;
  const found = new Map<string, ItemOutcome>();
  for (const entry of entries) {
    if (!isRecord(entry) || typeof entry.code !== "string") continue;
    const outcome = outcomeOf(entry, kind, entry.code);
    if (outcome) found.set(entry.code, outcome);
  }
  const items = sentBarcodes.flatMap((barcode) => found.get(barcode) ?? []);
  return { complete: items.length === sentBarcodes.length, items };
}

/**
 * How every adapter turns a push into requests and receipts. Writes go out one after another and
 * stop at the first failure (after a refusal or an unknown outcome, more requests only make it
 * worse); the thrown error says how far the push got, so no mark is lost (errors.ts PushProgress).
 */
import { chunk } from "./adapter";
import { MarketplaceError, MarketplaceMismatch } from "./errors";
import type { ApiCallType, MarketplaceName, StockPriceItem, SubmissionReceipt } from "./types";

/** One request's worth of items (plus whatever the adapter needs to send it). */
export interface Write {
  items: StockPriceItem[];
}

/** Sends the writes in turn; on a MarketplaceError, records progress on it and rethrows. */
export async function sendInTurn<W extends Write>(writes: readonly W[], submit: (write: W) => Promise<SubmissionReceipt>): Promise<SubmissionReceipt[]> {
  const submitted: SubmissionReceipt[] = [];
  for (const [index, write] of writes.entries()) {
    try {
      submitted.push(await submit(write));
    } catch (error) {
      if (!(error instanceof MarketplaceError)) throw error;
      const barcodes = write.items.map((item) => item.barcode);
      const later = writes.slice(index + 1).flatMap((rest) => rest.items.map((item) => item.barcode));
      error.progress = {
        submitted,
        inDoubt: error.fate === "UNKNOWN" ? barcodes : [],
        // A barcode in both a stock and a price write is listed once (elsewhere barcodes are already unique).
        unsent: [...new Set(error.fate === "REFUSED" ? [...barcodes, ...later] : later)],
      };
      throw error;
    }
  }
  return submitted;
}

/** Batches of at most batchSize items, for marketplaces that take stock and price in one request. */
export function batchesOf(valid: readonly StockPriceItem[], batchSize: number): Write[] {
  return chunk(valid, batchSize).map((items) => ({ items }));
}

/**
 * For marketplaces with separate stock and price endpoints: quantities first (what sells out
 * matters most), then prices, each chunked; `kinds` names the two as the marketplace does.
 */
export function stockThenPriceWrites<K extends string>(valid: readonly StockPriceItem[], batchSize: number, kinds: { stock: K; price: K }): (Write & { kind: K })[] {
  const stock = valid.filter((item) => item.quantity !== undefined);
  const price = valid.filter((item) => item.salePrice !== undefined);
  return [...chunk(stock, batchSize).map((items) => ({ kind: kinds.stock, items })), ...chunk(price, batchSize).map((items) => ({ kind: kinds.price, items }))];
}

/** A combined write is logged as a stock update when it carries any quantity. */
export function writeCallType(items: readonly StockPriceItem[]): ApiCallType {
  return items.some((item) => item.quantity !== undefined) ? "STOCK_UPDATE" : "PRICE_UPDATE";
}

/**
 * The receipt for a batch the marketplace accepted now under this id. `keyOf`: what a marketplace
 * that keys on something else was sent for each item; the receipt carries those keys when any
 * differs from its barcode, so outcomes named by key map back.
 */
export function receiptFor(marketplace: MarketplaceName, batchId: string, items: readonly StockPriceItem[], keyOf?: (item: StockPriceItem) => string): SubmissionReceipt {
  const barcodes = items.map((item) => item.barcode);
  const keys = keyOf ? items.map(keyOf) : barcodes;
  const keyed = keys.some((key, index) => key !== barcodes[index]);
  return { marketplace, batchId, submittedAt: new Date().toISOString(), itemCount: items.length, barcodes, ...(keyed && { keys }) };
}

/** What each item of a receipt was sent as: its keys, else its barcodes. */
export const receiptKeys = (receipt: SubmissionReceipt): readonly string[] => (receipt.keys?.length === receipt.barcodes.length ? receipt.keys : receipt.barcodes);

/** 422 MARKETPLACE_MISMATCH for a receipt another marketplace issued. */
export function requireOwnReceipt(marketplace: MarketplaceName, receipt: SubmissionReceipt): void {
  if (receipt.marketplace !== marketplace) {
    throw new MarketplaceMismatch("This receipt belongs to another marketplace", { marketplace: receipt.marketplace });
  }
}

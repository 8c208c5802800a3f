import type { OrderCommandPort } from "./order-commands";
import type { AdapterProfile, ApiCall, BatchStatus, ItemOutcome, ListingPage, MarketplaceName, OrderPage, StockPriceItem, SubmissionReceipt } from "./types";

/**
 * One marketplace behind one interface (MARKETPLACES.md, "What this means for the adapters").
 * Adapters know nothing of our tables: they take desired values and return receipts and
 * per-item outcomes; failures are thrown as the MarketplaceError classes in errors.ts.
 */
export interface MarketplaceAdapter {
  readonly marketplace: MarketplaceName;
  readonly profile: AdapterProfile;
  /**
   * Local checks that save quota: items the marketplace would refuse come back as
   * FAILED_PERMANENT outcomes; the valid ones are normalised (quantity clamped to the cap).
   */
  validate(items: readonly StockPriceItem[]): ValidationResult;
  /**
   * Validates, sorts by barcode (identical state gives an identical body), splits into batches
   * of profile.batchSize and sends them one after another. Locally refused items are not sent:
   * call validate first to learn about them. On a failure the thrown error carries `progress`.
   */
  pushStockAndPrice(items: readonly StockPriceItem[]): Promise<SubmissionReceipt[]>;
  /**
   * Checks that need the marketplace's own listing data, run after validate and before the push
   * (Hepsiburada: the stock of listings it fulfils itself is not ours to send). Held-back items
   * come back rejected with a final outcome; an item whose price may still go keeps it in valid
   * without its quantity. Never fails a push for a read that fails. Absent: nothing to check.
   */
  screen?(items: readonly StockPriceItem[]): Promise<ValidationResult>;
  /** Reads an asynchronous batch's result; complete once every item has a final outcome. */
  batchStatus(receipt: SubmissionReceipt): Promise<BatchStatus>;
  /**
   * How many requests pushStockAndPrice will make for these (valid) items: the engine takes that
   * many rate-limit tokens first. Absent: one per batch of profile.batchSize.
   */
  requestsFor?(items: readonly StockPriceItem[]): number;
  /**
   * Orders modified in [since, until), one page at a time (`page` from the previous answer's
   * `next`, absent for the first). Absent until the marketplace's order intake is written.
   */
  pullOrders?(window: { since: Date; until: Date; page?: string }): Promise<OrderPage>;
  /**
   * The seller's listings as the marketplace's catalog shows them, one page at a time (`page` from
   * the previous answer's `next`, absent for the first; `pageSize` a wish the adapter clamps to
   * what the marketplace allows). `barcodes` narrows the read where the marketplace can filter
   * (drift checks of a few listings); an adapter that cannot filter reads everything. Each call
   * is one request paying into profile.groups.listings.
   */
  readListings?(request: { page?: string; pageSize?: number; barcodes?: readonly string[]; stockCodes?: readonly string[] }): Promise<ListingPage>;
  /** The way back: order status steps, unsupplied units, cancellations, returns (order-commands.ts). Absent until written. */
  orderCommands?: OrderCommandPort;
}

export interface ValidationResult {
  valid: StockPriceItem[];
  rejected: ItemOutcome[];
}

/** Called once per HTTP call, success or not; a hook that throws never breaks the call. */
export type ApiCallHook = (call: ApiCall) => void;

/** How every adapter reaches its marketplace: the settings beside each one's own credentials and limits. */
export interface AdapterCallOptions {
  fetch?: typeof fetch;
  /** Deadline per HTTP call; past it the outcome is unknown. Default 30 s. */
  timeoutMs?: number;
  onCall?: ApiCallHook;
}

/** Code-point order, not locale order: the same on every machine. */
export function byBarcode(a: StockPriceItem, b: StockPriceItem): number {
  return a.barcode < b.barcode ? -1 : a.barcode > b.barcode ? 1 : 0;
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const batches: T[][] = [];
  for (let start = 0; start < items.length; start += size) batches.push(items.slice(start, start + size));
  return batches;
}

/**
 * What the flush and the receipt poller need from the rest of the engine, as narrow functions:
 * service.ts binds them to the database, the key-value store and the catalog; tests can read
 * each step's effects through the real implementations.
 */
import type { SyncTarget } from "../catalog/sync-targets";
import type { SubmissionReceipt } from "../marketplace/service";
import type { PushChannel } from "./flush";
import type { SentRecord, SentValues } from "./sent";
import type { BucketSpec } from "./token-bucket";

/** One item as sent: enough to map outcomes back to the product and to measure its latency. */
export interface SentItem {
  productId: string;
  barcode: string;
  /** Null when this send carried no quantity (a price-only item). */
  quantity: number | null;
  /** Minor units; null when this send carried no prices. */
  salePrice: number | null;
  listPrice: number | null;
  firstMarkedAt: number;
  zero: boolean;
}

export interface NewDeadLetter {
  productId: string;
  barcode: string;
  quantity: number | null;
  reasons: string[];
  attempts: number;
}

export type HealthState = "closed" | "open" | "half-open";

export interface SyncPorts {
  targets(storeId: string, productIds: readonly string[]): Promise<Map<string, SyncTarget>>;
  sent: {
    values(storeId: string, productIds: readonly string[], since: Date): Promise<Map<string, SentValues>>;
    record(storeId: string, items: readonly SentRecord[], at: Date): Promise<void>;
  };
  submissions: {
    record(storeId: string, retentionMs: number, rows: readonly { receipt: SubmissionReceipt; items: SentItem[] }[]): Promise<void>;
  };
  deadLetters: {
    add(storeId: string, rows: readonly NewDeadLetter[]): Promise<void>;
  };
  /** Batches of the store whose result is not final yet (the marketplace may cap them). */
  pendingBatches(storeId: string): Promise<number>;
  limiter: {
    tryTake(buckets: BucketSpec[], cost?: number): Promise<{ granted: boolean; waitMs: number }>;
  };
  bucketsFor(channel: PushChannel, group: string): BucketSpec[];
  health: {
    canAttempt(storeId: string): Promise<{ allowed: boolean; state: HealthState; retryAt: number | null }>;
    recordSuccess(storeId: string): Promise<void>;
    recordFailure(storeId: string, info: { retryAfterMs?: number; error: string }): Promise<{ state: HealthState; retryAt: number; failures: number }>;
  };
}

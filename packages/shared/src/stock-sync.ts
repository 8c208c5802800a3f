import { Type, type Static } from "@sinclair/typebox";
import { Nullable, Timestamp, Uuid } from "./common";

export const CircuitState = Type.Union([Type.Literal("closed"), Type.Literal("open"), Type.Literal("half-open")]);

export const StoreSyncStatus = Type.Object(
  {
    storeId: Uuid,
    name: Type.String(),
    type: Type.String(),
    /** False for web stores, inactive ones and those with sendStock off: their marks are acked unsent. */
    pushing: Type.Boolean(),
    backlog: Type.Integer({ minimum: 0, description: "marks waiting to be pushed" }),
    oldestDirtyAgeMs: Nullable(Type.Integer({ minimum: 0 })),
    pendingReceipts: Type.Integer({ minimum: 0, description: "batches sent whose results are not final yet" }),
    lastPushAt: Nullable(Timestamp),
    lastError: Nullable(Type.String()),
    lastFailureAt: Nullable(Timestamp),
    circuit: CircuitState,
    failures: Type.Integer({ minimum: 0 }),
    retryAt: Nullable(Timestamp),
    deadLetters: Type.Integer({ minimum: 0 }),
    lastDriftAt: Nullable(Timestamp),
    lastDriftCheckAt: Nullable(Timestamp),
    driftsFound: Nullable(Type.Integer({ minimum: 0, description: "listings the last finished drift check found showing another quantity than they were told" })),
  },
  { description: "One store's stock sync" },
);
export type StoreSyncStatus = Static<typeof StoreSyncStatus>;

export const DeadLetter = Type.Object({
  id: Uuid,
  storeId: Uuid,
  productId: Uuid,
  barcode: Type.String(),
  quantity: Nullable(Type.Integer()),
  reasons: Type.Array(Type.String()),
  attempts: Type.Integer({ minimum: 0 }),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type DeadLetter = Static<typeof DeadLetter>;

export const SyncStatus = Type.Object(
  {
    stores: Type.Array(StoreSyncStatus),
    /** The newest open dead letters (at most 100); retry one with POST /stock-sync/dead-letters/:id/retry. */
    deadLetters: Type.Array(DeadLetter),
  },
  { description: "Per store backlog, last push, last error, circuit state and dead letters" },
);
export type SyncStatus = Static<typeof SyncStatus>;

export const FlushResult = Type.Object(
  {
    storeId: Uuid,
    outcome: Type.Union([
      Type.Literal("idle"),
      Type.Literal("sent"),
      Type.Literal("off"),
      Type.Literal("backoff"),
      Type.Literal("rate_limited"),
      Type.Literal("failed"),
      Type.Literal("broken"),
      Type.Literal("busy"),
      Type.Literal("deferred"),
    ]),
    sent: Type.Integer({ minimum: 0 }),
    batches: Type.Integer({ minimum: 0 }),
    skipped: Type.Integer({ minimum: 0 }),
    waitMs: Type.Optional(Type.Integer({ minimum: 0 })),
    error: Type.Optional(Type.String()),
  },
  { description: "What one flush did; `busy`: another replica is flushing the store right now; `deferred`: the marketplace would refuse the body as a repeat within its duplicate window" },
);
export type FlushResult = Static<typeof FlushResult>;

export const RetryResult = Type.Object({ id: Uuid, retried: Type.Literal(true) }, { description: "The listing is marked dirty again" });
export type RetryResult = Static<typeof RetryResult>;

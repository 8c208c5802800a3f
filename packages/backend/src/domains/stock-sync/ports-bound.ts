/** The flush's and poller's ports bound to Postgres, the key-value store and the catalog. */
import type { Database } from "../../infra/db";
import type { Logger } from "../../infra/logger";
import type { StoreService } from "../catalog/service";
import { syncTargets } from "../catalog/sync-targets";
import { bumpAttempts, clearAttempts } from "./attempts";
import { markRetried, resolveForPairs, upsertDeadLetters } from "./dead-letters";
import type { DirtyMarks } from "./marks";
import type { SyncMetrics } from "./metrics";
import type { SyncPorts } from "./ports";
import type { DueSubmission, ReceiptPorts } from "./receipts";
import { forgetSent, recordSent, sentValues } from "./sent";
import type { StoreHealth } from "./store-health";
import { complete, dueSubmissions, expire, pendingFor, recordSubmissions, reschedule } from "./submissions";
import { bucketsFor, type RateLimiter } from "./token-bucket";

export interface PortDeps {
  db: Database;
  limiter: RateLimiter;
  health: StoreHealth;
  stores: Pick<StoreService, "recordPushOutcomes">;
  metrics: SyncMetrics;
  log: Logger;
  /** The first poll of a batch result, this long after sending. */
  pollDelayMs: number;
}

/** Polls may not outlive the marketplace's memory of a batch: stop at 3/4 of its retention. */
const RETENTION_MARGIN = 0.75;
/** How long a claimed submission is ours before another replica may poll it. */
const POLL_LEASE_MS = 60_000;

export function bindPorts(deps: PortDeps): SyncPorts & ReceiptPorts & { retryDeadLetter(id: string, marks: DirtyMarks): Promise<boolean> } {
  const { db } = deps;
  return {
    targets: (storeId, productIds) => syncTargets(db, storeId, productIds),
    sent: {
      values: (storeId, productIds, since) => sentValues(db, storeId, productIds, since),
      record: (storeId, items, at) => recordSent(db, storeId, items, at),
    },
    pendingBatches: (storeId) => pendingFor(db, storeId),
    limiter: deps.limiter,
    bucketsFor: (channel, group) =>
      bucketsFor({
        marketplace: channel.marketplace,
        storeKey: channel.store.id,
        profile: channel.adapter.profile,
        group,
        // The tier quota is Trendyol's "Inventory & Price Write" group: writes only.
        writeQuotaPerMinute: group === channel.adapter.profile.groups.write ? channel.writeQuotaPerMinute : null,
      }),
    health: deps.health,
    deadLetters: {
      async add(storeId, rows) {
        await upsertDeadLetters(
          db,
          rows.map((r) => ({ storeId, productId: r.productId, barcode: r.barcode, quantity: r.quantity, salePrice: null, reasons: r.reasons, attempts: r.attempts })),
        );
        await clearAttempts(db, rows.map((r) => ({ storeId, productId: r.productId })));
        await deps.stores.recordPushOutcomes(rows.map((r) => ({ storeId, productId: r.productId, quantity: null, price: null, status: "DEAD" as const, at: new Date() })));
        deps.log.warn({ storeId, items: rows.length, reasons: rows.slice(0, 3).map((r) => r.reasons) }, "stock sync dead letters");
      },
    },
    submissions: {
      async record(storeId, retentionMs, rows) {
        const at = Date.now();
        await recordSubmissions(
          db,
          rows.map(({ receipt, items }) => ({
            storeId,
            marketplace: receipt.marketplace,
            batchId: receipt.batchId,
            items: items.map((i) => ({ ...i })),
            submittedAt: new Date(receipt.submittedAt),
            nextPollAt: new Date(at + deps.pollDelayMs),
            expiresAt: new Date(new Date(receipt.submittedAt).getTime() + retentionMs * RETENTION_MARGIN),
          })),
        );
      },
      async due(now, limit): Promise<DueSubmission[]> {
        const rows = await dueSubmissions(db, now, limit, POLL_LEASE_MS);
        return rows.map((r) => ({
          id: r.id,
          storeId: r.storeId,
          batchId: r.batchId,
          submittedAt: r.submittedAt,
          expiresAt: r.expiresAt,
          pollCount: r.pollCount,
          items: r.items.map((i) => ({ productId: i.productId, barcode: i.barcode, quantity: i.quantity, salePrice: i.salePrice, listPrice: i.listPrice, firstMarkedAt: i.firstMarkedAt, zero: i.zero })),
        }));
      },
      reschedule: async (id, next, error) => void (await reschedule(db, id, next, error)),
      complete: async (id) => void (await complete(db, id)),
      expire: async (id) => void (await expire(db, id)),
    },
    async bumpAttempts(storeId, items) {
      const counts = await bumpAttempts(db, items.map((i) => ({ storeId, productId: i.productId, reasons: i.reasons })));
      return new Map(counts.map((c) => [c.productId, c.attempts]));
    },
    async settled(storeId, productIds) {
      const pairs = productIds.map((productId) => ({ storeId, productId }));
      await clearAttempts(db, pairs);
      await resolveForPairs(db, pairs);
    },
    async confirmed(storeId, items, at) {
      await deps.stores.recordPushOutcomes(items.map((i) => ({ storeId, productId: i.productId, quantity: i.quantity, price: i.price, status: "SUCCEEDED" as const, at })));
    },
    forgetSent: (storeId, productIds, sentBefore) => forgetSent(db, storeId, productIds, sentBefore),
    async retryDeadLetter(id, marks) {
      const letter = await markRetried(db, id);
      if (!letter) return false;
      await marks.markDirty([{ storeId: letter.storeId, productId: letter.productId }]);
      return true;
    },
  };
}

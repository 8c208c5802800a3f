/** GET /stock-sync/status: per store what an on-call engineer asks first, from Redis and a few queries. */
import type { StockSync as Model } from "@pazarsync/shared";
import type { Database } from "../../infra/db";
import type { StoreService } from "../catalog/service";
import { lastStockWrites } from "./api-logs";
import { countOpenByStore, openDeadLetters } from "./dead-letters";
import type { DirtyBuffer } from "./dirty-buffer";
import { driftStatus } from "./drift-status";
import type { StoreHealth } from "./store-health";
import { pendingCounts } from "./submissions";

interface StatusDeps {
  db: Database;
  buffer: DirtyBuffer;
  health: StoreHealth;
  stores: Pick<StoreService, "listStores">;
  now: () => number;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export async function readStatus(deps: StatusDeps): Promise<Model.SyncStatus> {
  const [stores, pending, letters, pushes, openLetters, drifts] = await Promise.all([
    deps.stores.listStores(),
    pendingCounts(deps.db),
    countOpenByStore(deps.db),
    lastStockWrites(deps.db),
    openDeadLetters(deps.db, { limit: 100 }),
    driftStatus(deps.db),
  ]);
  const pendingByStore = new Map(pending.map((p) => [p.storeId, p.pending]));
  const now = deps.now();
  const rows = await Promise.all(
    stores.map(async (store): Promise<Model.StoreSyncStatus> => {
      const [backlog, health] = await Promise.all([deps.buffer.backlog(store.id), deps.health.snapshot(store.id)]);
      return {
        storeId: store.id,
        name: store.name,
        type: store.type,
        pushing: store.type !== "WEB" && store.active && store.sendStock,
        backlog: backlog.count,
        oldestDirtyAgeMs: backlog.oldestMarkedAt === null ? null : Math.max(0, Math.round(now - backlog.oldestMarkedAt)),
        pendingReceipts: pendingByStore.get(store.id) ?? 0,
        lastPushAt: pushes.get(store.id)?.toISOString() ?? null,
        lastError: health.lastError,
        lastFailureAt: iso(health.lastFailureAt),
        circuit: health.state,
        failures: health.failures,
        retryAt: iso(health.retryAt),
        deadLetters: letters.get(store.id) ?? 0,
        lastDriftAt: drifts.get(store.id)?.lastDriftAt?.toISOString() ?? null,
        lastDriftCheckAt: drifts.get(store.id)?.lastDriftCheckAt?.toISOString() ?? null,
        driftsFound: drifts.get(store.id)?.driftsFound ?? null,
      };
    }),
  );
  return {
    stores: rows,
    deadLetters: openLetters.map((l) => ({
      id: l.id,
      storeId: l.storeId,
      productId: l.productId,
      barcode: l.barcode,
      quantity: l.quantity,
      reasons: l.reasons,
      attempts: l.attempts,
      createdAt: l.createdAt.toISOString(),
      updatedAt: l.updatedAt.toISOString(),
    })),
  };
}

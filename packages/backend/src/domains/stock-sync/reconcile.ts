/**
 * Full reconciliation: every listing of every pushing store whose sellable quantity
 * differs from what the marketplace last confirmed is marked dirty. Pages of listings, one
 * availability query per page; a progress line for long runs. Runs rarely (daily by default),
 * on demand (`bun run sync:reconcile`) and when the sweep finds the dirty buffer lost.
 */
import type { Logger } from "../../infra/logger";
import type { SellableLookup } from "../inventory/availability-types";
import type { SyncTarget } from "../catalog/sync-targets";
import type { DirtyMarks } from "./marks";

export interface ReconcileDeps {
  marks: DirtyMarks;
  sellable: SellableLookup;
  log: Logger;
  /** Stores whose marketplace quantities we keep: not web, active, sending stock. */
  pushingStores(): Promise<string[]>;
  listedPage(storeId: string, after: string | null, limit: number): Promise<string[]>;
  targets(storeId: string, productIds: readonly string[]): Promise<Map<string, SyncTarget>>;
  pageSize?: number;
  /** A progress line every this many listings. */
  progressEvery?: number;
}

export interface ReconcileReport {
  stores: number;
  listings: number;
  marked: number;
  ms: number;
}

export async function reconcileListings(deps: ReconcileDeps, reason: string): Promise<ReconcileReport> {
  const started = performance.now();
  const pageSize = deps.pageSize ?? 1000;
  const progressEvery = deps.progressEvery ?? 50_000;
  const storeIds = await deps.pushingStores();
  let listings = 0;
  let marked = 0;
  let nextProgress = progressEvery;
  for (const storeId of storeIds) {
    let after: string | null = null;
    for (;;) {
      const page = await deps.listedPage(storeId, after, pageSize);
      if (page.length === 0) break;
      const [sellable, targets] = await Promise.all([deps.sellable(storeId, page), deps.targets(storeId, page)]);
      const differing = page.filter((productId) => (sellable.get(productId)?.sellable ?? 0) !== targets.get(productId)?.lastPushedQuantity);
      await deps.marks.markDirty(differing.map((productId) => ({ storeId, productId })));
      listings += page.length;
      marked += differing.length;
      after = page.at(-1) ?? null;
      if (listings >= nextProgress) {
        deps.log.info({ reason, storeId, listings, marked, ms: Math.round(performance.now() - started) }, "reconciliation in progress");
        nextProgress += progressEvery;
      }
      if (page.length < pageSize) break;
    }
  }
  const report = { stores: storeIds.length, listings, marked, ms: Math.round(performance.now() - started) };
  deps.log.info({ reason, ...report }, "reconciliation done");
  return report;
}

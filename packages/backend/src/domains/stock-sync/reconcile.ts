/**
 * Full reconciliation: every listing of every pushing store whose sellable quantity
 * differs from what the marketplace last confirmed is marked dirty. Pages of listings, one
 * availability query per page; a progress line for long runs. Runs rarely (daily by default),
 * on demand (`bun run sync:reconcile`) and when the sweep finds the dirty buffer lost.
 */
import type { Database } from "../../infra/db";
import type { Logger } from "../../infra/logger";
import type { StoreService } from "../catalog/service";
import { listedProductsPage, syncTargets } from "../catalog/sync-targets";
import type { SellableLookup } from "../inventory/availability-types";
import type { DirtyBuffer } from "./dirty-buffer";

interface ReconcileDeps {
  db: Database;
  buffer: Pick<DirtyBuffer, "markDirty">;
  sellable: SellableLookup;
  stores: Pick<StoreService, "listStores">;
  log: Logger;
}

const PAGE_SIZE = 1000;
/** A progress line every this many listings. */
const PROGRESS_EVERY = 50_000;

export interface ReconcileReport {
  stores: number;
  listings: number;
  marked: number;
  ms: number;
}

export async function reconcileListings(deps: ReconcileDeps, reason: string): Promise<ReconcileReport> {
  const started = performance.now();
  // Stores whose marketplace quantities we keep: not web, active, sending stock.
  const storeIds = (await deps.stores.listStores()).filter((s) => s.type !== "WEB" && s.active && s.sendStock).map((s) => s.id);
  let listings = 0;
  let marked = 0;
  let nextProgress = PROGRESS_EVERY;
  for (const storeId of storeIds) {
    let after: string | null = null;
    for (;;) {
      const page = await listedProductsPage(deps.db, storeId, after, PAGE_SIZE);
      if (page.length === 0) break;
      const [sellable, targets] = await Promise.all([deps.sellable(storeId, page), syncTargets(deps.db, storeId, page)]);
      const differing = page.filter((productId) => (sellable.get(productId)?.sellable ?? 0) !== targets.get(productId)?.lastPushedQuantity);
      await deps.buffer.markDirty(differing.map((productId) => ({ storeId, productId })));
      listings += page.length;
      marked += differing.length;
      after = page.at(-1) ?? null;
      if (listings >= nextProgress) {
        deps.log.info({ reason, storeId, listings, marked, ms: Math.round(performance.now() - started) }, "reconciliation in progress");
        nextProgress += PROGRESS_EVERY;
      }
      if (page.length < PAGE_SIZE) break;
    }
  }
  const report = { stores: storeIds.length, listings, marked, ms: Math.round(performance.now() - started) };
  deps.log.info({ reason, ...report }, "reconciliation done");
  return report;
}

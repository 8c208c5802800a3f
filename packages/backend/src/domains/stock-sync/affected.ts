import type { CatalogChange } from "../catalog/events";
import type { ProductService, StoreService } from "../catalog/service";
import type { StockChange } from "../inventory/events";
import type { StoreProduct } from "./dirty-buffer";

interface AffectedDeps {
  products: Pick<ProductService, "setsContaining">;
  stores: Pick<StoreService, "storesSellingFrom" | "listStores">;
}

function pairs(storeIds: readonly string[], productIds: readonly string[]): StoreProduct[] {
  return storeIds.flatMap((storeId) => productIds.map((productId) => ({ storeId, productId })));
}

/**
 * A stock change touches every store selling from the touched warehouses, for the products
 * themselves and every set containing one of them (a set's quantity moves with its components).
 */
export async function pairsForStockChange(change: StockChange, deps: AffectedDeps): Promise<StoreProduct[]> {
  const [storeIds, sets] = await Promise.all([
    deps.stores.storesSellingFrom(change.warehouseIds),
    deps.products.setsContaining(change.productIds),
  ]);
  return pairs(storeIds, [...new Set([...change.productIds, ...sets])]);
}

/** A catalog change names its stores, or concerns every active store. */
export async function pairsForCatalogChange(change: CatalogChange, deps: AffectedDeps): Promise<StoreProduct[]> {
  const storeIds = change.storeIds ?? (await deps.stores.listStores()).filter((s) => s.active).map((s) => s.id);
  const sets = await deps.products.setsContaining(change.productIds);
  return pairs(storeIds, [...new Set([...change.productIds, ...sets])]);
}

/** Long enough to spare a busy shop two queries per order, short enough that a missed change heals soon. */
const AFFECTED_TTL_MS = 3000;
const AFFECTED_MAX_ENTRIES = 10_000;

/**
 * The lookups a stock change needs, remembered for a few seconds per argument list. `clear()`
 * on every catalog change (stores, warehouses, sets) drops them; a change this process does not
 * hear of (another process's) is seen within the TTL, and the ledger sweep re-marks anyway.
 */
export function createAffectedCache(deps: AffectedDeps, ttlMs = AFFECTED_TTL_MS) {
  let generation = 0;
  const stores = new Map<string, { at: number; ids: string[] }>();
  const sets = new Map<string, { at: number; ids: string[] }>();

  async function remembered(cache: Map<string, { at: number; ids: string[] }>, ids: readonly string[], load: () => Promise<string[]>): Promise<string[]> {
    const key = [...ids].sort().join(",");
    const hit = cache.get(key);
    if (hit && Date.now() - hit.at < ttlMs) return hit.ids;
    const started = generation;
    const at = Date.now();
    const loaded = await load();
    // A catalog change while this read ran may have made it stale: use it once, keep it not.
    if (started === generation) {
      if (cache.size >= AFFECTED_MAX_ENTRIES) cache.clear();
      cache.set(key, { at, ids: loaded });
    }
    return loaded;
  }

  const cached: AffectedDeps = {
    stores: {
      storesSellingFrom: (warehouseIds) => remembered(stores, warehouseIds, () => deps.stores.storesSellingFrom(warehouseIds)),
      listStores: () => deps.stores.listStores(),
    },
    products: {
      setsContaining: (productIds) => remembered(sets, productIds, () => deps.products.setsContaining(productIds)),
    },
  };
  return {
    ...cached,
    clear(): void {
      generation++;
      stores.clear();
      sets.clear();
    },
  };
}

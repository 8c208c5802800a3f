import type { CatalogChange } from "../catalog/events";
import type { ProductService, StoreService } from "../catalog/service";
import type { StockChange } from "../inventory/events";
import type { StoreProduct } from "./dirty-buffer";

interface AffectedDeps {
  products: Pick<ProductService, "setsContaining">;
  stores: Pick<StoreService, "storesSellingFrom" | "listStores">;
}

interface CacheDeps {
  products: Pick<ProductService, "setsContaining" | "setMembership">;
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
/** Set items held in memory at most; a catalog with more asks Postgres per change instead. */
const MEMBERSHIP_MAX_ROWS = 50_000;

/** A lookup's answer, or the read that will give it, and when that read started. */
interface Remembered {
  at: number;
  ids: Promise<string[]>;
}

/**
 * The lookups a stock change needs, remembered for a few seconds: the stores per warehouse list,
 * and which sets hold which component for the whole catalog at once (per product it would miss
 * on almost every order of a large catalog). `clear()` on every catalog change (stores,
 * warehouses, sets) drops them; a change this process does not hear of (another process's) is
 * seen within the TTL, and the ledger sweep re-marks anyway.
 */
export function createAffectedCache(deps: CacheDeps, options: { ttlMs?: number; membershipMaxRows?: number } = {}) {
  const { ttlMs = AFFECTED_TTL_MS, membershipMaxRows = MEMBERSHIP_MAX_ROWS } = options;
  let generation = 0;
  const stores = new Map<string, Remembered>();
  const sets = new Map<string, Remembered>();
  let membership: { at: number; generation: number; loading: Promise<Map<string, string[]> | null> } | undefined;

  /** The whole catalog's set membership, loaded once per TTL by one caller while the others wait for it. */
  function setMembership(): Promise<Map<string, string[]> | null> {
    if (membership && membership.generation === generation && Date.now() - membership.at < ttlMs) return membership.loading;
    const loading = deps.products.setMembership(membershipMaxRows);
    const entry = { at: Date.now(), generation, loading };
    membership = entry;
    // A failed load is not kept: the next change asks again.
    loading.catch(() => {
      if (membership === entry) membership = undefined;
    });
    return loading;
  }

  async function setsContaining(productIds: readonly string[]): Promise<string[]> {
    const byComponent = await setMembership();
    if (!byComponent) return remembered(sets, productIds, () => deps.products.setsContaining(productIds));
    return [...new Set(productIds.flatMap((id) => byComponent.get(id) ?? []))];
  }

  /** One read per key and TTL: callers arriving while it runs share it (under load they come by the dozen). */
  function remembered(cache: Map<string, Remembered>, ids: readonly string[], load: () => Promise<string[]>): Promise<string[]> {
    const key = [...ids].sort().join(",");
    const hit = cache.get(key);
    if (hit && Date.now() - hit.at < ttlMs) return hit.ids;
    const entry: Remembered = { at: Date.now(), ids: load() };
    if (cache.size >= AFFECTED_MAX_ENTRIES) cache.clear();
    // A catalog change while the read runs empties the map: its callers use the answer once, no later one gets it.
    cache.set(key, entry);
    // A failed read is not kept: the next change asks again.
    entry.ids.catch(() => {
      if (cache.get(key) === entry) cache.delete(key);
    });
    return entry.ids;
  }

  const cached: AffectedDeps = {
    stores: {
      storesSellingFrom: (warehouseIds) => remembered(stores, warehouseIds, () => deps.stores.storesSellingFrom(warehouseIds)),
      listStores: () => deps.stores.listStores(),
    },
    products: {
      setsContaining,
    },
  };
  return {
    ...cached,
    clear(): void {
      generation++;
      stores.clear();
      sets.clear();
      membership = undefined;
    },
  };
}

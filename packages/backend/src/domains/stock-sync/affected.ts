import type { CatalogChange } from "../catalog/events";
import type { ProductService, StoreService } from "../catalog/service";
import type { StockChange } from "../inventory/events";
import type { StoreProduct } from "./marks";

export interface AffectedDeps {
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

/**
 * The catalog's one service: products and sets (products.ts), stores and their listings
 * (stores.ts). Built once in services.ts; other domains import only from here.
 */
import { createProductService, type ProductServiceDeps } from "./products";
import { createStoreService, type StoreServiceDeps } from "./stores";

export { createProductService, type ProductService, type ProductSummary } from "./products";
export { createStoreService, type LastPushed, type PushOutcome, type PushStatus, type StoreService } from "./stores";
export type { CatalogChange } from "./events";

export type CatalogServiceDeps = ProductServiceDeps & StoreServiceDeps;

export function createCatalogService(deps: CatalogServiceDeps) {
  return { products: createProductService(deps), stores: createStoreService(deps) };
}

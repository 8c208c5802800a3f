// What other domains may use of catalog.
export { createProductService, type ProductService, type ProductSummary } from "./products-service";
export { createStoreService, type LastPushed, type PushOutcome, type PushStatus, type StoreService } from "./stores-service";
export type { CatalogChange } from "./events";

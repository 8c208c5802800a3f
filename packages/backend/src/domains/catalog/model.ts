import { Catalog, PageQueryFields, Stores, Uuid } from "@pazarsync/shared";
import { Type } from "@sinclair/typebox";

/** Request and response schemas of the product routes; shared with clients via @pazarsync/shared. */
export const ProductsModel = Catalog;

/** Request and response schemas of the store and listing routes. */
export const StoresModel = {
  ...Stores,
  StoreParams: Type.Object({ id: Uuid }),
  ListingParams: Type.Object({ id: Uuid, productId: Uuid }),
  PageQuery: Type.Object(PageQueryFields),
};

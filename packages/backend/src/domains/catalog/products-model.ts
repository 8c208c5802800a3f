import { Catalog } from "@pazarsync/shared";

/** Request and response schemas of the product routes; shared with clients via @pazarsync/shared. */
export const ProductsModel = Catalog;

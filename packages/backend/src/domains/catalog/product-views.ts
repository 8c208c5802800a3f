import type { Catalog } from "@pazarsync/shared";
import type { SellableDetail } from "../inventory/availability-types";
import type { ComponentRow, ProductRow } from "./products-repository";

/** What other domains need to know of a product (orders price it, inventory checks it exists). */
export interface ProductSummary {
  id: string;
  sku: string;
  barcode: string;
  name: string;
  type: "SIMPLE" | "SET";
  /** Minor units. */
  price: number;
  listPrice: number;
  currency: string;
  vatRate: number;
  active: boolean;
}

export function toSummary(row: ProductRow): ProductSummary {
  return {
    id: row.id,
    sku: row.sku,
    barcode: row.barcode,
    name: row.name,
    type: row.type,
    price: row.price,
    listPrice: row.listPrice,
    currency: row.currency,
    vatRate: row.vatRate,
    active: row.active,
  };
}

/** The API shape; a set carries its components, a simple product has none to show. */
export function toProduct(row: ProductRow, components: readonly ComponentRow[]): Catalog.Product {
  const product: Catalog.Product = {
    ...toSummary(row),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
  if (row.type === "SET") {
    product.components = components.map((c) => ({ productId: c.productId, sku: c.sku, name: c.name, quantity: c.quantity }));
  }
  return product;
}

/** One store's number; a store the lookup knows nothing about sells 0 of it. */
export function toStoreAvailability(storeId: string, detail: SellableDetail | undefined): Catalog.StoreAvailability {
  const availability: Catalog.StoreAvailability = { storeId, sellable: detail?.sellable ?? 0 };
  if (detail?.components) {
    availability.components = detail.components.map((c) => ({
      productId: c.productId,
      quantity: c.quantity,
      free: c.free,
      sets: c.sets,
    }));
  }
  return availability;
}

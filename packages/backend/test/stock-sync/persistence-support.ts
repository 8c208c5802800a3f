/** Stores and products for the stock-sync persistence tests, made through the catalog services. */
import type { TestApp } from "../support/app";

let counter = 0;
const unique = (prefix: string) => `${prefix}-${++counter}-${Math.random().toString(36).slice(2, 7)}`;

export async function marketplaceStore(t: TestApp): Promise<string> {
  const store = await t.services.stores.createStore({ name: unique("Trendyol"), type: "TRENDYOL", sellerId: "998877", warehouseIds: [] });
  return store.id;
}

export async function simpleProducts(t: TestApp, n: number): Promise<{ id: string; barcode: string }[]> {
  const made: { id: string; barcode: string }[] = [];
  for (let i = 0; i < n; i += 1) {
    const product = await t.services.products.createProduct({
      sku: unique("SKU"),
      barcode: unique("869"),
      name: "Kettle",
      type: "SIMPLE",
      price: 10_000,
      listPrice: 12_000,
      vatRate: 20,
    });
    made.push({ id: product.id, barcode: product.barcode });
  }
  return made;
}

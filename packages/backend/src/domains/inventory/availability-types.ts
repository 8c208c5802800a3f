/** What one store may sell of one product, and how the number came about. */
export interface SellableDetail {
  productId: string;
  storeId: string;
  /** The number every reader shows: after sets, policy and clamps. */
  sellable: number;
  /** Free stock (on hand - reserved) over the store's warehouses; for a set, complete sets before policy. */
  raw: number;
  /** For sets: each component's free stock and how many sets it alone allows. */
  components?: { productId: string; quantity: number; free: number; sets: number }[];
}

/** Sellable quantities for many products in one store, in one SQL round trip. */
export type SellableLookup = (storeId: string, productIds: readonly string[]) => Promise<Map<string, SellableDetail>>;

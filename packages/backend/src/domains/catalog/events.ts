/** Announced after a commit that can change what a store may sell (set components, active flag, listings, policy). */
export interface CatalogChange {
  productIds: string[];
  /** Only these stores are affected; every store selling the products when omitted. */
  storeIds?: string[];
}

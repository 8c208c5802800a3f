/** Announced after a commit that can change what a store may sell (set components, active flag, listings, policy). */
export interface CatalogChange {
  productIds: string[];
  /** Only these stores are affected; every store selling the products when omitted. */
  storeIds?: string[];
  /**
   * The listings are known by other identifiers on the marketplace now (a listing's own, or the
   * store's stockCodeSource): what was sent under the old ones proves nothing, so the sync forgets
   * those sends before marking the pairs (the flush would otherwise skip them as unchanged).
   */
  forgetSent?: boolean;
}

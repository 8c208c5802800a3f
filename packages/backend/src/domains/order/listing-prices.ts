/** A store's price overrides for some products: productId -> minor units; products without one are absent. */
export type ListingPrices = (storeId: string, productIds: readonly string[]) => Promise<Map<string, number>>;

/**
 * The marketplace domain's public face: other domains (stock-sync, order) import from here only.
 * It takes plain store settings, never our tables, so its contract tests need no database.
 */
export type { ApiCallHook, MarketplaceAdapter, ValidationResult } from "./adapter";
export * from "./errors";
export type * from "./types";
export { createTrendyolAdapter, trendyolProfile, type TrendyolConfig } from "./trendyol/adapter";
export { normaliseTrendyolPackage } from "./trendyol/order-normaliser";
export { pushedCancellationOf, pushedOrdersOf } from "./hepsiburada/push-normaliser";

export { createMarketplaceAdapter, QUANTITY_CAPS } from "./adapters";
export type { MarketplaceStoreSettings } from "./store-settings";

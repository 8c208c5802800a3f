/**
 * The marketplace domain's public face: other domains (stock-sync, order) import from here only.
 * It takes plain store settings, never our tables, so its contract tests need no database.
 */
import { ValidationFailed } from "../../infra/errors";
import type { ApiCallHook, MarketplaceAdapter } from "./adapter";
import { createTrendyolAdapter } from "./trendyol/adapter";

export type { ApiCallHook, MarketplaceAdapter, ValidationResult } from "./adapter";
export * from "./errors";
export type * from "./types";
export { createTrendyolAdapter, trendyolProfile, type TrendyolConfig } from "./trendyol/adapter";
export { startSandbox, type RunningSandbox } from "./sandbox/server";
export type { SandboxOptions, Faults as SandboxFaults } from "./sandbox/options";

/** What an adapter needs from a store, as plain values (credentials already decrypted). */
export interface MarketplaceStoreSettings {
  /** The store type (catalog's store_type). SANDBOX stores speak Trendyol's API to the sandbox. */
  type: string;
  sellerId: string | null;
  baseUrl: string | null;
  credentials: Record<string, string> | undefined;
  fetch?: typeof fetch;
  timeoutMs?: number;
  /** Overrides the marketplace's identical-request window (only for a time-scaled sandbox). */
  duplicateWindowMs?: number;
  onCall?: ApiCallHook;
}

function required(settings: MarketplaceStoreSettings) {
  const missing = [
    ...(settings.sellerId ? [] : ["sellerId"]),
    ...(settings.baseUrl ? [] : ["baseUrl"]),
    ...(settings.credentials?.apiKey ? [] : ["credentials.apiKey"]),
    ...(settings.credentials?.apiSecret ? [] : ["credentials.apiSecret"]),
  ];
  if (missing.length > 0) {
    throw new ValidationFailed(`A ${settings.type} store needs ${missing.join(", ")} to reach its marketplace`, { missing }, "MARKETPLACE_SETTINGS_MISSING");
  }
  return { sellerId: settings.sellerId ?? "", baseUrl: settings.baseUrl ?? "", apiKey: settings.credentials?.apiKey ?? "", apiSecret: settings.credentials?.apiSecret ?? "" };
}

/** The adapter for a store's marketplace; 422 MARKETPLACE_NOT_SUPPORTED for types without one yet. */
export function createMarketplaceAdapter(settings: MarketplaceStoreSettings): MarketplaceAdapter {
  if (settings.type !== "TRENDYOL" && settings.type !== "SANDBOX") {
    throw new ValidationFailed(`No marketplace adapter for ${settings.type} stores yet`, { type: settings.type }, "MARKETPLACE_NOT_SUPPORTED");
  }
  return createTrendyolAdapter({
    ...required(settings),
    integratorName: settings.credentials?.integratorName,
    fetch: settings.fetch,
    timeoutMs: settings.timeoutMs,
    duplicateWindowMs: settings.duplicateWindowMs,
    onCall: settings.onCall,
  });
}

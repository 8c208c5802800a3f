/**
 * Store settings -> the adapter for the store's marketplace. One factory per store type; a new
 * marketplace registers here with one line.
 */
import type { MarketplaceAdapter } from "./adapter";
import { type MarketplaceStoreSettings, requireSettings } from "./store-settings";
import { createTrendyolAdapter, type TrendyolConfig } from "./trendyol/adapter";
import { pttavmFromSettings } from "./pttavm/settings";
import { n11FromSettings } from "./n11/settings";
import { pazaramaFromSettings } from "./pazarama/settings";
import { hepsiburadaFromSettings } from "./hepsiburada/settings";
import { MarketplaceNotSupported } from "./errors";
import { HEPSIBURADA } from "./hepsiburada/facts";
import { N11 } from "./n11/facts";
import { PAZARAMA } from "./pazarama/facts";
import { PTTAVM } from "./pttavm/facts";
import { TRENDYOL } from "./trendyol/facts";

function required(settings: MarketplaceStoreSettings) {
  const missing = [
    ...(settings.sellerId ? [] : ["sellerId"]),
    ...(settings.baseUrl ? [] : ["baseUrl"]),
    ...(settings.credentials?.apiKey ? [] : ["credentials.apiKey"]),
    ...(settings.credentials?.apiSecret ? [] : ["credentials.apiSecret"]),
  ];
  requireSettings(settings, missing);
  return { sellerId: settings.sellerId ?? "", baseUrl: settings.baseUrl ?? "", apiKey: settings.credentials?.apiKey ?? "", apiSecret: settings.credentials?.apiSecret ?? "" };
}

/** A Trendyol store's settings as the adapter's (and the webhook API's) config; 422 naming what is missing. */
export function trendyolConfigFromSettings(settings: MarketplaceStoreSettings): TrendyolConfig {
  return {
    ...required(settings),
    integratorName: settings.credentials?.integratorName,
    fetch: settings.fetch,
    timeoutMs: settings.timeoutMs,
    duplicateWindowMs: settings.duplicateWindowMs,
    onCall: settings.onCall,
  };
}

function trendyol(settings: MarketplaceStoreSettings): MarketplaceAdapter {
  return createTrendyolAdapter(trendyolConfigFromSettings(settings));
}

/** Store type -> adapter factory. A store pointed at the sandbox is one of these with the sandbox's base URL. */
const FACTORIES: Record<string, (settings: MarketplaceStoreSettings) => MarketplaceAdapter> = {
  TRENDYOL: trendyol,
  PTTAVM: pttavmFromSettings,
  N11: n11FromSettings,
  PAZARAMA: pazaramaFromSettings,
  HEPSIBURADA: hepsiburadaFromSettings,
};

/** The most each marketplace takes as a listing's quantity, by store type (the adapters clamp to it). */
export const QUANTITY_CAPS: Readonly<Record<string, number>> = {
  TRENDYOL: TRENDYOL.maxQuantity,
  PTTAVM: PTTAVM.maxQuantity,
  N11: N11.maxQuantity,
  PAZARAMA: PAZARAMA.maxQuantity,
  HEPSIBURADA: HEPSIBURADA.maxQuantity,
};

/** The adapter for a store's marketplace; 422 MARKETPLACE_NOT_SUPPORTED for types without one yet. */
export function createMarketplaceAdapter(settings: MarketplaceStoreSettings): MarketplaceAdapter {
  const factory = FACTORIES[settings.type];
  if (!factory) throw new MarketplaceNotSupported(settings.type);
  return factory(settings);
}

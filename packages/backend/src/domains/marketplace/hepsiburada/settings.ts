import type { MarketplaceAdapter } from "../adapter";
import { type MarketplaceStoreSettings, requireSettings } from "../store-settings";
import { createHepsiburadaAdapter } from "./adapter";

/**
 * A Hepsiburada store -> its adapter. store.sellerId is the merchant id (Basic auth user and
 * path); credentials `serviceKey` (Basic auth password) and `developerUsername` (the
 * User-Agent), both required. baseUrl, when set, serves both the listing and the order host (the
 * sandbox); null means production (listing-external / oms-external.hepsiburada.com).
 */
export function hepsiburadaFromSettings(settings: MarketplaceStoreSettings): MarketplaceAdapter {
  const merchantId = settings.sellerId ?? "";
  const serviceKey = settings.credentials?.serviceKey ?? "";
  const developerUsername = settings.credentials?.developerUsername ?? "";
  requireSettings(settings, [
    ...(merchantId ? [] : ["sellerId"]),
    ...(serviceKey ? [] : ["credentials.serviceKey"]),
    ...(developerUsername ? [] : ["credentials.developerUsername"]),
  ]);
  return createHepsiburadaAdapter({
    ...(settings.baseUrl ? { listingBaseUrl: settings.baseUrl, ordersBaseUrl: settings.baseUrl } : {}),
    merchantId,
    serviceKey,
    developerUsername,
    fetch: settings.fetch,
    timeoutMs: settings.timeoutMs,
    onCall: settings.onCall,
  });
}

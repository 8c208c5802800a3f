import type { MarketplaceAdapter } from "../adapter";
import { type MarketplaceStoreSettings, requireSettings } from "../store-settings";
import { createHepsiburadaAdapter } from "./adapter";
import { HEPSIBURADA } from "./facts";

/**
 * A Hepsiburada store -> its adapter. store.sellerId is the merchant id (Basic auth user and
 * path); credentials `serviceKey` (Basic auth password) and `developerUsername` (the
 * User-Agent), both required. A store that carries its own packages (Hepsiburada's store-account
 * model) adds `trackingUrlTemplate` and `trackingPhoneNumber` (and optionally
 * `estimatedArrivalDays`, `deci`) to its credentials: with them the in-transit step is sent. baseUrl, when set, serves both the listing and the order host (the
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
  const credentials = settings.credentials ?? {};
  const storeAccount = credentials.trackingUrlTemplate && credentials.trackingPhoneNumber
    ? {
        trackingUrlTemplate: credentials.trackingUrlTemplate,
        trackingPhoneNumber: credentials.trackingPhoneNumber,
        estimatedArrivalDays: credentials.estimatedArrivalDays ? Number(credentials.estimatedArrivalDays) : HEPSIBURADA.estimatedArrivalDays,
        deci: credentials.deci ? Number(credentials.deci) : HEPSIBURADA.deci,
      }
    : undefined;
  return createHepsiburadaAdapter({
    ...(storeAccount ? { storeAccount } : {}),
    ...(settings.now ? { now: settings.now } : {}),
    ...(settings.baseUrl ? { listingBaseUrl: settings.baseUrl, ordersBaseUrl: settings.baseUrl } : {}),
    merchantId,
    serviceKey,
    developerUsername,
    fetch: settings.fetch,
    timeoutMs: settings.timeoutMs,
    onCall: settings.onCall,
  });
}

import type { MarketplaceAdapter } from "../adapter";
import { type MarketplaceStoreSettings, requireSettings } from "../store-settings";
import { createPazaramaAdapter } from "./adapter";
import type { PazaramaOrderCall } from "./pull";

/**
 * A PAZARAMA store -> its adapter. Credentials: `clientId` and `clientSecret` (the client
 * credentials for POST /connect/token). Pazarama identifies the seller by its client, so sellerId
 * is not sent. baseUrl, when set, is used for both hosts (token and API): that is how a store
 * points at the sandbox; null means production (isortagimgiris / isortagimapi.pazarama.com).
 * `orderCall` (beside the credentials, like N11's integrator) picks the order call clients
 * disagree on: V2 (default, getOrdersForApiV2) or PAGED (getOrdersForApi StartDate/EndDate/Page/Size);
 * another value is refused with MARKETPLACE_CONFIG_INVALID. `cargoCompanyId` (Pazarama's id of the
 * store's own carrier) goes with shipment notices. `listingsPath` picks the approved-products read's
 * path where clients disagree (default /product/products; zolm's /product/getProducts).
 */
export function pazaramaFromSettings(settings: MarketplaceStoreSettings): MarketplaceAdapter {
  const clientId = settings.credentials?.clientId ?? "";
  const clientSecret = settings.credentials?.clientSecret ?? "";
  requireSettings(settings, [...(clientId ? [] : ["credentials.clientId"]), ...(clientSecret ? [] : ["credentials.clientSecret"])]);
  const host = settings.baseUrl?.replace(/\/+$/, "");
  return createPazaramaAdapter({
    ...(host ? { apiBaseUrl: host, tokenBaseUrl: host } : {}),
    clientId,
    clientSecret,
    ...(settings.credentials?.orderCall ? { orderCall: settings.credentials.orderCall as PazaramaOrderCall } : {}),
    ...(settings.credentials?.cargoCompanyId ? { cargoCompanyId: settings.credentials.cargoCompanyId } : {}),
    ...(settings.credentials?.listingsPath ? { listingsPath: settings.credentials.listingsPath } : {}),
    fetch: settings.fetch,
    timeoutMs: settings.timeoutMs,
    onCall: settings.onCall,
    ...(settings.now ? { now: settings.now } : {}),
  });
}

import type { MarketplaceAdapter } from "../adapter";
import { type MarketplaceStoreSettings, requireSettings } from "../store-settings";
import { createN11Adapter } from "./adapter";

/**
 * An N11 store -> its adapter. Credentials: `appKey` and `appSecret` (sent as the appkey /
 * appsecret headers), optional `integrator` (payload.integrator). N11 identifies the seller by
 * its key, so sellerId is not sent; baseUrl null means production (https://api.n11.com).
 * Optional `returnDenyReasonId`: the reason id N11 gets when staff reject a return (default 2).
 * Optional `shipmentCompanyId`: N11's id of the store's carrier, sent with a shipment notice.
 */
export function n11FromSettings(settings: MarketplaceStoreSettings): MarketplaceAdapter {
  const appKey = settings.credentials?.appKey ?? "";
  const appSecret = settings.credentials?.appSecret ?? "";
  requireSettings(settings, [...(appKey ? [] : ["credentials.appKey"]), ...(appSecret ? [] : ["credentials.appSecret"])]);
  return createN11Adapter({
    ...(settings.baseUrl ? { baseUrl: settings.baseUrl } : {}),
    appKey,
    appSecret,
    ...(settings.credentials?.integrator ? { integrator: settings.credentials.integrator } : {}),
    ...(settings.credentials?.returnDenyReasonId ? { returnDenyReasonId: Number(settings.credentials.returnDenyReasonId) } : {}),
    ...(settings.credentials?.shipmentCompanyId ? { shipmentCompanyId: Number(settings.credentials.shipmentCompanyId) } : {}),
    fetch: settings.fetch,
    timeoutMs: settings.timeoutMs,
    onCall: settings.onCall,
  });
}

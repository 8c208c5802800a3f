import type { MarketplaceAdapter } from "../adapter";
import { type MarketplaceStoreSettings, requireSettings } from "../store-settings";
import { createPttavmAdapter } from "./adapter";
import { PTTAVM } from "./facts";

/** The store's base URL is a host (that is how a store points at the sandbox); PttAVM's REST base adds /api/v1. */
function restBase(baseUrl: string | null): string {
  if (!baseUrl) return PTTAVM.baseUrl;
  const trimmed = baseUrl.replace(/\/+$/, "");
  return trimmed.endsWith(PTTAVM.apiPrefix) ? trimmed : `${trimmed}${PTTAVM.apiPrefix}`;
}

/**
 * A PTTAVM store -> its adapter. Credentials: `apiKey` (sent as Api-Key) and `accessToken` (sent
 * as access-token). PttAVM identifies the shop by its key, so sellerId is not sent; baseUrl null
 * means production.
 */
export function pttavmFromSettings(settings: MarketplaceStoreSettings): MarketplaceAdapter {
  const apiKey = settings.credentials?.apiKey ?? "";
  const accessToken = settings.credentials?.accessToken ?? "";
  requireSettings(settings, [...(apiKey ? [] : ["credentials.apiKey"]), ...(accessToken ? [] : ["credentials.accessToken"])]);
  return createPttavmAdapter({
    baseUrl: restBase(settings.baseUrl),
    apiKey,
    accessToken,
    fetch: settings.fetch,
    timeoutMs: settings.timeoutMs,
    duplicateWindowMs: settings.duplicateWindowMs,
    onCall: settings.onCall,
  });
}

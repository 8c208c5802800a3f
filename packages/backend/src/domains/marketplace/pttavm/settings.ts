import type { MarketplaceAdapter } from "../adapter";
import { MarketplaceConfigInvalid } from "../errors";
import { type MarketplaceStoreSettings, requireSettings } from "../store-settings";
import { createPttavmAdapter } from "./adapter";
import { PTTAVM } from "./facts";

/** The store's base URL is a host (that is how a store points at the sandbox); PttAVM's REST base adds /api/v1. */
function restBase(baseUrl: string | null): string {
  if (!baseUrl) return PTTAVM.baseUrl;
  const trimmed = baseUrl.replace(/\/+$/, "");
  return trimmed.endsWith(PTTAVM.apiPrefix) ? trimmed : `${trimmed}${PTTAVM.apiPrefix}`;
}

/** The store's choices where sources disagree or a store differs, read from its settings map; undefined keeps the default. */
function storeChoices(values: Record<string, string>): { trackingResultMethod?: "GET" | "POST"; vatRate?: number; warehouseId?: number } {
  const problems: string[] = [];
  const method = values.trackingResultMethod?.toUpperCase();
  if (method !== undefined && method !== "GET" && method !== "POST") problems.push("trackingResultMethod must be GET or POST");
  const vat = values.vatRate;
  if (vat !== undefined && !(/^\d+$/.test(vat) && PTTAVM.vatRates.includes(Number(vat)))) problems.push(`vatRate must be one of ${PTTAVM.vatRates.join(", ")}`);
  const warehouse = values.warehouseId;
  if (warehouse !== undefined && !/^[1-9]\d{0,14}$/.test(warehouse)) problems.push("warehouseId must be PttAVM's warehouse id (digits)");
  if (problems.length > 0) throw new MarketplaceConfigInvalid("PttAVM", problems);
  return {
    ...(warehouse === undefined ? {} : { warehouseId: Number(warehouse) }),
    ...(method === "GET" || method === "POST" ? { trackingResultMethod: method } : {}),
    ...(vat === undefined ? {} : { vatRate: Number(vat) }),
  };
}

/**
 * A PTTAVM store -> its adapter. Credentials: `apiKey` (sent as Api-Key) and `accessToken` (sent
 * as access-token); the same map may carry `trackingResultMethod` (POST by default; one client
 * GETs the tracking result) and `vatRate` (0, 1, 10 or 20, default 20: the VAT the store's sale
 * prices include) and `warehouseId` (the warehouse shipment barcodes are made for; unset: the one
 * PttAVM lists). A store's baseUrl (the sandbox) serves the shipment host's paths too. PttAVM identifies the shop by its key, so sellerId is not sent; baseUrl null
 * means production.
 */
export function pttavmFromSettings(settings: MarketplaceStoreSettings): MarketplaceAdapter {
  const apiKey = settings.credentials?.apiKey ?? "";
  const accessToken = settings.credentials?.accessToken ?? "";
  requireSettings(settings, [...(apiKey ? [] : ["credentials.apiKey"]), ...(accessToken ? [] : ["credentials.accessToken"])]);
  return createPttavmAdapter({
    baseUrl: restBase(settings.baseUrl),
    ...(settings.baseUrl ? { shipmentBaseUrl: restBase(settings.baseUrl) } : {}),
    apiKey,
    accessToken,
    ...storeChoices(settings.credentials ?? {}),
    fetch: settings.fetch,
    timeoutMs: settings.timeoutMs,
    duplicateWindowMs: settings.duplicateWindowMs,
    onCall: settings.onCall,
  });
}

/**
 * What every marketplace's settings reader takes from a store, and the one way it reports what
 * is missing. Kept apart from adapters.ts (which imports every settings reader) so the readers
 * need not import it back.
 */
import type { ApiCallHook } from "./adapter";
import { MarketplaceSettingsMissing } from "./errors";

/** What an adapter needs from a store, as plain values (credentials already decrypted). */
export interface MarketplaceStoreSettings {
  /** The store type (catalog's store_type); a store pointed at the sandbox keeps its marketplace's type. */
  type: string;
  sellerId: string | null;
  baseUrl: string | null;
  credentials: Record<string, string> | undefined;
  fetch?: typeof fetch;
  timeoutMs?: number;
  /** Overrides the marketplace's identical-request window (only for a time-scaled sandbox). */
  duplicateWindowMs?: number;
  onCall?: ApiCallHook;
  /** The clock an adapter's own timing reads (Pazarama's write spacing), the engine's: one clock for the bucket and the adapter. */
  now?: () => number;
}

/** Throws 422 MARKETPLACE_SETTINGS_MISSING naming every missing setting at once. */
export function requireSettings(settings: MarketplaceStoreSettings, missing: string[]): void {
  if (missing.length > 0) {
    throw new MarketplaceSettingsMissing(settings.type, missing);
  }
}

/**
 * A store's way back to its marketplace (the adapter's OrderCommandPort), resolved from the store's
 * settings each time it is needed, the way the order pull builds its adapter: credentials change,
 * and a port is cheap to build. A WEB store, or an adapter without a port, has none.
 */
import type { StoreService } from "../catalog/service";
import type { OrderCommandPort } from "../marketplace/order-commands";
import { type ApiCallHook, createMarketplaceAdapter, type MarketplaceAdapter, type MarketplaceStoreSettings } from "../marketplace/service";

export type PortFor = (storeId: string) => Promise<OrderCommandPort | undefined>;

export interface PortDeps {
  stores: Pick<StoreService, "findStore" | "credentialsFor">;
  /** Store settings -> adapter; the marketplace domain's factory unless a caller (a test) brings its own. */
  createAdapter?: (settings: MarketplaceStoreSettings) => MarketplaceAdapter;
  fetch?: typeof fetch;
  timeoutMs?: number;
  /** Where each marketplace call is reported (marketplace_api_logs), per store. */
  onCall?: (storeId: string) => ApiCallHook;
}

export function createPortFor(deps: PortDeps): PortFor {
  return async (storeId) => {
    const store = await deps.stores.findStore(storeId);
    if (!store || store.type === "WEB") return undefined;
    const adapter = (deps.createAdapter ?? createMarketplaceAdapter)({
      type: store.type,
      sellerId: store.sellerId,
      baseUrl: store.baseUrl,
      credentials: await deps.stores.credentialsFor(store.id),
      timeoutMs: deps.timeoutMs,
      fetch: deps.fetch,
      onCall: deps.onCall?.(store.id),
    });
    return adapter.orderCommands;
  };
}

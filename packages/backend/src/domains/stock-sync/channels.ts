/**
 * A store as the sync engine sees it: whether anything is pushed at all, and the adapter that
 * pushes. Adapters are kept for a short while (credentials are decrypted once, not per tick) and
 * dropped on catalog changes, so an edited base URL or key is used within one tick.
 */
import type { Stores } from "@pazarsync/shared";
import { AppError } from "../../infra/errors";
import type { ApiCallHook, MarketplaceAdapter, MarketplaceName } from "../marketplace/service";
import { createMarketplaceAdapter } from "../marketplace/service";

export type SyncChannel =
  /** Pushes through `adapter`. */
  | {
      kind: "push";
      store: Stores.Store;
      adapter: MarketplaceAdapter;
      marketplace: MarketplaceName;
      writeQuotaPerMinute: number | null;
      /** Changes when the store's marketplace was replaced: what it was sent before no longer counts. */
      generation: string;
      /** Which sides go out: quantities (send_stock) and prices (send_price). */
      sends: { stock: boolean; price: boolean };
    }
  /** Nothing to push (web store, inactive, send_stock off, or deleted): marks are acked unsent. */
  | { kind: "off"; reason: "web" | "inactive" | "sends_nothing" | "deleted" }
  /** Should push but cannot (settings missing, marketplace without an adapter yet): marks wait. */
  | { kind: "broken"; store: Stores.Store; code: string; message: string };

export interface ChannelDeps {
  findStore(id: string): Promise<Stores.Store | undefined>;
  credentialsFor(id: string): Promise<Record<string, string> | undefined>;
  generationOf(id: string): Promise<string>;
  /** The api-log and metrics hook for one store's calls. */
  onCall(storeId: string, marketplace: MarketplaceName): ApiCallHook;
  timeoutMs?: number;
  /** MARKETPLACE_DUPLICATE_WINDOW_MS: a time-scaled sandbox's identical-request window. */
  duplicateWindowMs?: number;
  fetch?: typeof fetch;
  ttlMs?: number;
  now?: () => number;
}

export function createChannels(deps: ChannelDeps) {
  const ttlMs = deps.ttlMs ?? 30_000;
  const now = deps.now ?? Date.now;
  const cache = new Map<string, { at: number; channel: SyncChannel }>();

  async function resolve(storeId: string): Promise<SyncChannel> {
    const store = await deps.findStore(storeId);
    if (!store) return { kind: "off", reason: "deleted" };
    if (store.type === "WEB") return { kind: "off", reason: "web" };
    if (!store.active) return { kind: "off", reason: "inactive" };
    if (!store.sendStock && !store.sendPrice) return { kind: "off", reason: "sends_nothing" };
    try {
      const adapter = createMarketplaceAdapter({
        type: store.type,
        sellerId: store.sellerId,
        baseUrl: store.baseUrl,
        credentials: await deps.credentialsFor(storeId),
        timeoutMs: deps.timeoutMs,
        duplicateWindowMs: deps.duplicateWindowMs,
        fetch: deps.fetch,
        onCall: deps.onCall(storeId, store.type === "SANDBOX" ? "TRENDYOL" : (store.type as MarketplaceName)),
      });
      return { kind: "push", store, adapter, marketplace: adapter.marketplace, writeQuotaPerMinute: store.writeQuotaPerMinute,
        generation: await deps.generationOf(storeId),
        sends: { stock: store.sendStock, price: store.sendPrice },
      };
    } catch (error) {
      // A refusal of the settings is the seller's to fix; anything else is ours and propagates.
      if (error instanceof AppError && error.status < 500) return { kind: "broken", store, code: error.code, message: error.message };
      throw error;
    }
  }

  return {
    async channel(storeId: string): Promise<SyncChannel> {
      const hit = cache.get(storeId);
      if (hit && now() - hit.at < ttlMs) return hit.channel;
      const channel = await resolve(storeId);
      cache.set(storeId, { at: now(), channel });
      return channel;
    },
    clear(storeIds?: readonly string[]): void {
      if (!storeIds) cache.clear();
      else for (const id of storeIds) cache.delete(id);
    },
  };
}

export type Channels = ReturnType<typeof createChannels>;

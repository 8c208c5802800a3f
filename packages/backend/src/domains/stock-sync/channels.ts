/**
 * A store as the sync engine sees it: whether anything is pushed at all, and the adapter that
 * pushes. Adapters are kept for a short while (credentials are decrypted once, not per tick) and
 * dropped on catalog changes, so an edited base URL or key is used within one tick.
 */
import { randomUUID } from "node:crypto";
import type { Stores } from "@pazarsync/shared";
import { AppError } from "../../infra/errors";
import type { KeyValueStore } from "../../infra/kv";
import type { StoreService } from "../catalog/service";
import type { MarketplaceAdapter, MarketplaceName } from "../marketplace/service";
import { createMarketplaceAdapter } from "../marketplace/service";
import type { ApiLogWriter } from "./api-logs";
import { bucketsFor, type BucketSpec } from "./token-bucket";

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

export type PushChannel = Extract<SyncChannel, { kind: "push" }>;

interface ChannelDeps {
  stores: Pick<StoreService, "findStore" | "credentialsFor">;
  /** Holds each store's generation. */
  kv: KeyValueStore;
  /** Every call of a store's adapter is logged. */
  apiLogs: ApiLogWriter;
  timeoutMs?: number;
  /** MARKETPLACE_DUPLICATE_WINDOW_MS: a time-scaled sandbox's identical-request window. */
  duplicateWindowMs?: number;
  fetch?: typeof fetch;
  now: () => number;
}

/** Adapters are rebuilt this long after they were made. */
const CHANNEL_TTL_MS = 30_000;

const generationKey = (storeId: string) => `sync:generation:${storeId}`;

/** The store's marketplace account was replaced: bodies and sends remembered under the old generation no longer count. */
export async function renewGeneration(kv: KeyValueStore, storeId: string): Promise<void> {
  await kv.set(generationKey(storeId), randomUUID());
}

/** The buckets one request to `group` of this store must pay into. */
export function channelBuckets(channel: PushChannel, group: string): BucketSpec[] {
  return bucketsFor({
    marketplace: channel.marketplace,
    storeKey: channel.store.id,
    profile: channel.adapter.profile,
    group,
    // The tier quota is Trendyol's "Inventory & Price Write" group: writes only.
    writeQuotaPerMinute: group === channel.adapter.profile.groups.write ? channel.writeQuotaPerMinute : null,
  });
}

export function createChannels(deps: ChannelDeps) {
  const { now } = deps;
  const cache = new Map<string, { at: number; channel: SyncChannel }>();

  async function resolve(storeId: string): Promise<SyncChannel> {
    const store = await deps.stores.findStore(storeId);
    if (!store) return { kind: "off", reason: "deleted" };
    if (store.type === "WEB") return { kind: "off", reason: "web" };
    if (!store.active) return { kind: "off", reason: "inactive" };
    if (!store.sendStock && !store.sendPrice) return { kind: "off", reason: "sends_nothing" };
    try {
      const adapter = createMarketplaceAdapter({
        type: store.type,
        sellerId: store.sellerId,
        baseUrl: store.baseUrl,
        credentials: await deps.stores.credentialsFor(storeId),
        timeoutMs: deps.timeoutMs,
        duplicateWindowMs: deps.duplicateWindowMs,
        fetch: deps.fetch,
        onCall: deps.apiLogs(storeId),
        now,
      });
      return { kind: "push", store, adapter, marketplace: adapter.marketplace, writeQuotaPerMinute: store.writeQuotaPerMinute,
        generation: (await deps.kv.get(generationKey(storeId))) ?? "0",
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
      if (hit && now() - hit.at < CHANNEL_TTL_MS) return hit.channel;
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

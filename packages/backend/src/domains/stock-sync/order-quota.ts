/**
 * What an order pull's requests pay: the store's buckets of its marketplace's `orders` group
 * (the adapter's rateLimits, and where the order quota follows the seller's tier, Trendyol, that
 * tier used at 70% like the write tier), kept in the KeyValueStore beside the sync's push buckets
 * so every replica pulling the store spends one budget. The order domain receives this as a
 * function and never imports the sync.
 */
import type { Stores } from "@pazarsync/shared";
import type { MarketplaceAdapter, OrderQuotaTier } from "../marketplace/service";
import { type BucketSpec, bucketsFor, type RateLimiter } from "./token-bucket";

/**
 * A pull's pages come one interval apart in bursts: the buckets may hold about 15 s of refill,
 * so a pull of a few pages runs at once and a backlog is read at the refill rate.
 */
const ORDER_BURST_MS = 15_000;

/** The tier's order quota: the highest tier the store's write quota reaches, the lowest when it names none. */
export function orderTierQuota(tiers: readonly OrderQuotaTier[] | undefined, writeQuotaPerMinute: number | null): number | null {
  const [lowest] = tiers ?? [];
  if (!tiers || !lowest) return null;
  let chosen = lowest;
  if (writeQuotaPerMinute !== null) for (const tier of tiers) if (tier.writePerMinute <= writeQuotaPerMinute) chosen = tier;
  return chosen.ordersPerMinute;
}

/** The buckets one order request of this store pays into; empty when its marketplace names no orders group. */
export function orderBuckets(store: Pick<Stores.Store, "id" | "writeQuotaPerMinute">, adapter: MarketplaceAdapter): BucketSpec[] {
  const group = adapter.profile.groups.orders;
  if (!group) return [];
  return bucketsFor({
    marketplace: adapter.marketplace,
    storeKey: store.id,
    profile: adapter.profile,
    group,
    writeQuotaPerMinute: orderTierQuota(adapter.profile.orderQuotaTiers, store.writeQuotaPerMinute),
    burstMs: ORDER_BURST_MS,
  });
}

export type OrderQuota = (store: Stores.Store, adapter: MarketplaceAdapter, cost: number) => Promise<{ granted: boolean; waitMs: number }>;

/** Takes `cost` tokens (at most what the smallest bucket holds, so a debt never becomes ungrantable). */
export function createOrderQuota(limiter: Pick<RateLimiter, "tryTake">): OrderQuota {
  return async (store, adapter, cost) => {
    const buckets = orderBuckets(store, adapter);
    if (buckets.length === 0) return { granted: true, waitMs: 0 };
    return limiter.tryTake(buckets, Math.max(1, Math.min(cost, ...buckets.map((b) => b.capacity))));
  };
}

/**
 * What a claims page pays: one token from the store's buckets for its marketplace's claims group
 * (`profile.groups.claims`; the orders group where claims are read through the order calls, as
 * PttAVM's order search and Pazarama's refunds are), in the KeyValueStore beside the worker's and
 * the order pull's buckets, so every replica reading the store spends one budget.
 */
import type { CommandPorts } from "../order/command-ports";
import { bucketsFor, type RateLimiter } from "../stock-sync/token-bucket";
import type { ClaimQuota } from "./claim-pull";

export function createClaimQuota(channels: CommandPorts, limiter: Pick<RateLimiter, "tryTake">): ClaimQuota {
  return async (storeId) => {
    const channel = await channels(storeId);
    const profile = channel?.profile;
    const group = profile?.groups.claims ?? profile?.groups.orders;
    if (!channel || !profile || !group) return { granted: true, waitMs: 0 };
    return limiter.tryTake(bucketsFor({ marketplace: channel.marketplace, storeKey: storeId, profile, group }));
  };
}

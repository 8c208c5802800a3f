/** A channel's stock policy; a listing may override each field. */
export interface StockPolicy {
  safetyStock: number;
  /** Share of the pool offered, 1..100. */
  percentage: number;
  maxQuantity: number | null;
  /** Below this the channel is told 0 ("end when"). */
  floor: number;
}

export type PolicyOverrides = { [K in keyof StockPolicy]?: StockPolicy[K] | null };

/** Marketplace ceilings that hold whatever the seller configures (DESIGN: Trendyol caps at 20000; PttAVM 0..9999). */
export const CHANNEL_MAX_QUANTITY: Readonly<Record<string, number>> = { TRENDYOL: 20_000, PTTAVM: 9_999 };

export function effectivePolicy(store: StockPolicy, listing: PolicyOverrides | undefined): StockPolicy {
  return {
    safetyStock: listing?.safetyStock ?? store.safetyStock,
    percentage: listing?.percentage ?? store.percentage,
    maxQuantity: listing?.maxQuantity ?? store.maxQuantity,
    floor: listing?.floor ?? store.floor,
  };
}

/**
 * The documented order: (1) subtract safety stock, (2) take the percentage of what is left,
 * rounded down, (3) cap at the maximum listed, (4) below the floor show 0. Then the channel's
 * own ceiling. Never negative.
 */
export function applyPolicy(raw: number, policy: StockPolicy, channelCeiling?: number): number {
  const afterSafety = Math.max(0, raw - policy.safetyStock);
  const afterShare = Math.floor((afterSafety * policy.percentage) / 100);
  const afterMax = policy.maxQuantity === null ? afterShare : Math.min(afterShare, policy.maxQuantity);
  const afterFloor = afterMax < policy.floor ? 0 : afterMax;
  return channelCeiling === undefined ? afterFloor : Math.min(afterFloor, channelCeiling);
}

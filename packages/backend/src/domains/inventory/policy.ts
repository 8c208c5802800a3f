/**
 * A channel's stock policy, as SQL: the one implementation, so that what a store shows (the
 * availability lookup, the stock sync) and what a web order may take (checked in the order's own
 * statement, under its row locks) cannot drift apart.
 */

/** A channel's stock policy; a listing may override each field. */
export interface StockPolicy {
  safetyStock: number;
  /** Share of the pool offered, 1..100. */
  percentage: number;
  maxQuantity: number | null;
  /** Below this the channel is told 0 ("end when"). */
  floor: number;
}

/** SQL expressions (column references or literals) for each field of a policy. */
export type PolicySql = { [K in keyof StockPolicy]: string };

/** Quantity ceilings by store type that hold whatever the seller configures: the marketplaces' own caps, handed in by the wiring. */
export type ChannelCeilings = Readonly<Record<string, number>>;

/** The channel's ceiling for a store type expression; null (no ceiling) for the types not in `ceilings`. */
export function channelCeilingSql(storeType: string, ceilings: ChannelCeilings): string {
  const cases = Object.entries(ceilings).map(([type, max]) => {
    // Both go into the SQL text: only names and whole numbers.
    if (!/^[A-Z0-9_]+$/.test(type) || !Number.isSafeInteger(max)) throw new Error(`bad channel ceiling ${type}: ${max}`);
    return `when '${type}' then ${max}`;
  });
  return cases.length === 0 ? "null" : `(case ${storeType} ${cases.join(" ")} end)`;
}

/** Listing fields override the store's one by one; a null listing field (or no listing) means the store's. */
export function effectivePolicySql(store: PolicySql, listing: PolicySql): PolicySql {
  return {
    safetyStock: `coalesce(${listing.safetyStock}, ${store.safetyStock})`,
    percentage: `coalesce(${listing.percentage}, ${store.percentage})`,
    maxQuantity: `coalesce(${listing.maxQuantity}, ${store.maxQuantity})`,
    floor: `coalesce(${listing.floor}, ${store.floor})`,
  };
}

/**
 * The documented order: (1) subtract safety stock, (2) take the percentage of what is left,
 * rounded down, (3) cap at the maximum listed, (4) below the floor show 0. Then the channel's
 * own ceiling. Never negative. bigint throughout: free stock summed over warehouses can pass int4.
 * (least() skips nulls: no maximum or no ceiling caps nothing.)
 */
export function applyPolicySql(raw: string, policy: PolicySql, ceiling = "null"): string {
  const afterSafety = `greatest(0::bigint, (${raw})::bigint - ${policy.safetyStock})`;
  const afterShare = `(${afterSafety} * ${policy.percentage} / 100)`;
  const afterMax = `least(${afterShare}, ${policy.maxQuantity})`;
  return `least(case when ${afterMax} < ${policy.floor} then 0::bigint else ${afterMax} end, ${ceiling})`;
}

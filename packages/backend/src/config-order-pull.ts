/**
 * The order pull's schedule settings: per marketplace, the longest one of its stores goes unread
 * (a store that has just sold is read four times as often, never under 5 s), read from the same
 * environment as config.ts. Precedence, so that existing setups keep their meaning:
 * ORDER_PULL_INTERVAL_MS_<MARKETPLACE>, else ORDER_PULL_INTERVAL_MS (every marketplace at once,
 * as before), else the marketplace's default below. Nothing is pulled more often than every 5 s.
 */

export const ORDER_PULL_MARKETPLACES = ["TRENDYOL", "HEPSIBURADA", "N11", "PAZARAMA", "PTTAVM"] as const;
export type OrderPullMarketplace = (typeof ORDER_PULL_MARKETPLACES)[number];

/** The floor of every interval: no marketplace is asked for orders more often than every 5 s. */
export const MIN_ORDER_PULL_INTERVAL_MS = 5_000;

/**
 * Defaults from each marketplace's documented order quota (README "Default order-pull
 * intervals" gives the sources): Trendyol 30/min at the lowest tier, Hepsiburada 1000/s, N11
 * 1000/min; Pazarama and PttAVM publish none, so they keep the former 60 s.
 */
export const DEFAULT_ORDER_PULL_INTERVALS_MS: Readonly<Record<OrderPullMarketplace, number>> = {
  TRENDYOL: 30_000,
  HEPSIBURADA: 15_000,
  N11: 15_000,
  PAZARAMA: 60_000,
  PTTAVM: 60_000,
};

export const perMarketplaceVariable = (marketplace: OrderPullMarketplace) => `ORDER_PULL_INTERVAL_MS_${marketplace}`;

export interface OrderPullConfig {
  /** ORDER_PULL_INTERVAL_MS when set, else 60000: the base of a marketplace missing from intervalsMs. */
  intervalMs: number;
  /** The base interval of each marketplace's stores, after the precedence above. */
  intervalsMs: Record<OrderPullMarketplace, number>;
  overlapMs: number;
  /** ORDER_CLAIM_PULL_INTERVAL_MS (5 min unset, at least 5 s): how often every marketplace store's returns (claims) are read. */
  claimIntervalMs: number;
  /** False (ORDER_PULL_QUOTA=off, never in production): pulls keep to their page budget only, for tests that pull one store many times a second. */
  quota: boolean;
}

/** Problems with the interval variables, by name (values are already known to be digits). */
export function orderPullProblems(raw: Record<string, string | undefined>, production: boolean): string[] {
  const names = ["ORDER_PULL_INTERVAL_MS", ...ORDER_PULL_MARKETPLACES.map(perMarketplaceVariable), "ORDER_CLAIM_PULL_INTERVAL_MS"];
  const problems = names
    .filter((name) => raw[name] !== undefined && /^[0-9]+$/.test(raw[name] ?? "") && Number(raw[name]) < MIN_ORDER_PULL_INTERVAL_MS)
    .map((name) => `${name} must be at least ${MIN_ORDER_PULL_INTERVAL_MS} (ms): no marketplace's orders are pulled more often than every 5 s`);
  if (production && raw.ORDER_PULL_QUOTA === "off") problems.push("ORDER_PULL_QUOTA=off is refused in production: it is a test switch, and production pulls always pay the marketplace's order quota");
  return problems;
}

export function orderPullConfig(raw: Record<string, string | undefined>): OrderPullConfig {
  const global = raw.ORDER_PULL_INTERVAL_MS === undefined ? undefined : Number(raw.ORDER_PULL_INTERVAL_MS);
  const intervalsMs = { ...DEFAULT_ORDER_PULL_INTERVALS_MS };
  for (const marketplace of ORDER_PULL_MARKETPLACES) {
    const own = raw[perMarketplaceVariable(marketplace)];
    intervalsMs[marketplace] = own !== undefined ? Number(own) : (global ?? DEFAULT_ORDER_PULL_INTERVALS_MS[marketplace]);
  }
  return {
    intervalMs: global ?? 60_000,
    intervalsMs,
    overlapMs: raw.ORDER_PULL_OVERLAP_MS === undefined ? 5 * 60_000 : Number(raw.ORDER_PULL_OVERLAP_MS),
    claimIntervalMs: raw.ORDER_CLAIM_PULL_INTERVAL_MS === undefined ? 5 * 60_000 : Number(raw.ORDER_CLAIM_PULL_INTERVAL_MS),
    quota: raw.ORDER_PULL_QUOTA !== "off",
  };
}

/**
 * The default LISTING_DRIFT_CONFIRM_MS: a sale lowers what the marketplace shows before the order
 * pull takes it in, so a lower shown quantity is confirmed only after at least two of the slowest
 * marketplace's pulls (and never under 5 minutes).
 */
export function defaultDriftConfirmMs(pull: Pick<OrderPullConfig, "intervalsMs">): number {
  return Math.max(300_000, 2 * Math.max(...Object.values(pull.intervalsMs)));
}

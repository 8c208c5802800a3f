/** Small number helpers shared by the sync bench's parts. */

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Nearest-rank percentile, q in (0, 1]. */
export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number;
}

export const median = (values: readonly number[]) => percentile(values, 0.5);

/** One Prometheus histogram's cumulative buckets: upper bound (Infinity for +Inf) -> count. */
export type Buckets = Map<number, number>;

/** The buckets of `name` with the given label value in a /metrics text (absent: empty). */
export function parseHistogram(text: string, name: string, label: string): Buckets {
  const buckets: Buckets = new Map();
  const line = new RegExp(`^${name}_bucket\\{([^}]*)\\}\\s+(\\S+)$`);
  for (const row of text.split("\n")) {
    const match = line.exec(row.trim());
    if (!match || !(match[1] ?? "").includes(label)) continue;
    const le = /le="([^"]+)"/.exec(match[1] ?? "")?.[1];
    if (le === undefined) continue;
    buckets.set(le === "+Inf" ? Number.POSITIVE_INFINITY : Number(le), Number(match[2]));
  }
  return buckets;
}

/** after - before, bucket by bucket: the observations made between two scrapes. */
export function bucketDelta(before: Buckets, after: Buckets): Buckets {
  const delta: Buckets = new Map();
  for (const [le, count] of after) delta.set(le, count - (before.get(le) ?? 0));
  return delta;
}

/** The bucket holding quantile q: its lower and upper bound (bucket resolution, no interpolation). */
export function bucketQuantile(buckets: Buckets, q: number): { count: number; lower: number; upper: number } {
  const bounds = [...buckets.keys()].sort((a, b) => a - b);
  const count = buckets.get(Number.POSITIVE_INFINITY) ?? 0;
  let lower = 0;
  for (const upper of bounds) {
    if ((buckets.get(upper) ?? 0) >= q * count && count > 0) return { count, lower, upper };
    lower = upper;
  }
  return { count, lower, upper: Number.POSITIVE_INFINITY };
}

import type { Registry } from "prom-client";

/** Words PromQL uses between metric names that are not metric names. */
const KEYWORDS = new Set([
  "and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring", "group_left", "group_right", "inf", "nan",
]);

/**
 * Metric names a PromQL expression selects. Label matchers, ranges, grouping label lists,
 * strings and Grafana variables are removed first; what remains that is not a function call
 * or keyword is a metric name. Enough for the dashboards and rules we write, not a full parser.
 */
export function metricNamesIn(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, " ")
    .replace(/\[[^\]]*\]/g, " ")
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, " ")
    .replace(/\$\{?\w+\}?/g, " ");
  const names = new Set<string>();
  for (const match of stripped.matchAll(/(?<![\w.])([a-zA-Z_:][a-zA-Z0-9_:]*)/g)) {
    const word = match[1] ?? "";
    const after = stripped.slice((match.index ?? 0) + word.length).trimStart();
    if (after.startsWith("(") || KEYWORDS.has(word.toLowerCase())) continue;
    names.add(word);
  }
  return [...names];
}

/** Every series name a registry exposes: histograms add _bucket/_sum/_count, summaries _sum/_count. */
export async function exportedSeriesNames(registry: Registry): Promise<Set<string>> {
  const names = new Set<string>();
  for (const metric of await registry.getMetricsAsJSON()) {
    names.add(metric.name);
    const type = String(metric.type);
    if (type === "histogram") for (const suffix of ["_bucket", "_sum", "_count"]) names.add(metric.name + suffix);
    if (type === "summary") for (const suffix of ["_sum", "_count"]) names.add(metric.name + suffix);
  }
  return names;
}

/** Series Prometheus itself adds to every scrape target. */
export const PROMETHEUS_SYNTHETIC_SERIES = new Set(["up", "scrape_duration_seconds", "scrape_samples_scraped"]);

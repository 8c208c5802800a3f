/**
 * The cross-channel tables: p50/p99 per destination (every origin's orders it had to show) and
 * per origin (every other marketplace), each as a ratio of the web baseline measured in the same
 * phase, and the goal checks. Pazarama as a destination is reported apart: it takes one write
 * per seller every 10 s, so its latency is bounded by that spacing, not by intake or the flush.
 */
import type { MarketplaceName } from "../../packages/backend/src/domains/marketplace/types";
import { percentile } from "../sync/stats";
import { destinationsOf, ORIGINS, type Origin, type TimedOrder } from "./stream";
import { MARKETPLACES } from "./shop";

const PAZARAMA_SPACING_MS = 10_000;

export interface Goals {
  syncIntervalMs: number;
  /** Each origin's order pull interval, as the server's config says. */
  pullIntervalMs: (origin: MarketplaceName) => number;
  /** Origins whose orders are pushed in this phase. */
  pushed: readonly MarketplaceName[];
}

interface Row {
  label: string;
  samples: number[];
  missing: number;
}

const ms = (value: number) => (Number.isFinite(value) ? `${(value / 1000).toFixed(2)} s` : "-");

function rowOf(label: string, orders: readonly TimedOrder[], destinations: (o: TimedOrder) => MarketplaceName[]): Row {
  const samples: number[] = [];
  let missing = 0;
  for (const order of orders) {
    for (const d of destinations(order)) {
      const seen = order.seenAfterMs.get(d);
      if (seen === undefined) missing += 1;
      else samples.push(seen);
    }
  }
  return { label, samples, missing };
}

function line(row: Row, baseline?: Row): string {
  const p50 = percentile(row.samples, 0.5);
  const p99 = percentile(row.samples, 0.99);
  const ratio = (mine: number, base: number) => (baseline && Number.isFinite(base) && base > 0 ? ` (${(mine / base).toFixed(1)}x)` : "");
  const b50 = baseline ? percentile(baseline.samples, 0.5) : Number.NaN;
  const b99 = baseline ? percentile(baseline.samples, 0.99) : Number.NaN;
  const lost = row.missing > 0 ? `, ${row.missing} never seen` : "";
  return `  ${row.label.padEnd(28)} n=${String(row.samples.length).padStart(4)}  p50 ${ms(p50).padStart(8)}${ratio(p50, b50).padEnd(8)}  p99 ${ms(p99).padStart(8)}${ratio(p99, b99).padEnd(8)}  max ${ms(Math.max(...row.samples))}${lost}`;
}

export function report(phase: string, orders: readonly TimedOrder[], goals: Goals, out: (line: string) => void): void {
  const web = orders.filter((o) => o.origin === "WEB");
  const market = orders.filter((o) => o.origin !== "WEB");
  const types = MARKETPLACES.map((m) => m.type);
  const writeBound = types.filter((d) => d !== "PAZARAMA");
  const baselineTo = (d: MarketplaceName) => rowOf(`web -> ${d}`, web, () => [d]);

  out(`${phase}: marketplace order placed in the sandbox -> every other marketplace's sandbox shows the new quantity`);
  out("per destination (orders from the four other marketplaces; ratio to the web order's latency to the same destination):");
  for (const d of writeBound) out(line(rowOf(`-> ${d}`, market.filter((o) => o.origin !== d), () => [d]), baselineTo(d)));
  out("per origin (to the other write-bound destinations, Pazarama apart; ratio to the web order's latency to them):");
  for (const origin of ORIGINS.filter((o): o is MarketplaceName => o !== "WEB")) {
    const to = (o: TimedOrder) => destinationsOf(o.origin).filter((d) => d !== "PAZARAMA");
    const pushed = goals.pushed.includes(origin) ? " (pushed)" : "";
    out(line(rowOf(`${origin}${pushed} ->`, market.filter((o) => o.origin === origin), to), rowOf("web", web, () => writeBound)));
  }
  out("baseline (web order through the API, same phase):");
  for (const d of types) out(line(baselineTo(d)));
  out(`Pazarama as destination (one write per seller every ${PAZARAMA_SPACING_MS / 1000} s: its latency is the spacing, not intake):`);
  out(line(rowOf("-> PAZARAMA", market.filter((o) => o.origin !== "PAZARAMA"), () => ["PAZARAMA"]), baselineTo("PAZARAMA")));

  out("goals:");
  for (const origin of types) {
    const row = rowOf(origin, market.filter((o) => o.origin === origin), (o) => destinationsOf(o.origin).filter((d) => d !== "PAZARAMA"));
    const p99 = percentile(row.samples, 0.99);
    const pushed = goals.pushed.includes(origin);
    const bound = pushed ? 3000 : goals.pullIntervalMs(origin) + 2 * goals.syncIntervalMs;
    const what = pushed ? "pushed: p99 <= 3 s" : `pulled: p99 <= pull ${ms(goals.pullIntervalMs(origin))} + 2 x sync ${ms(goals.syncIntervalMs)}`;
    const verdict = row.missing > 0 ? "NOT MET (orders never seen)" : p99 <= bound ? "met" : "NOT MET";
    out(`  ${origin.padEnd(12)} ${what}: p99 ${ms(p99)} vs ${ms(bound)} -> ${verdict}`);
  }
}

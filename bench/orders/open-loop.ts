/**
 * The open-loop part of the orders bench (BENCH_MODE=open): after a mix's closed-loop round has
 * measured the server's saturation throughput, orders are offered at fixed shares of it, and the
 * latency a customer would see at that load (from each order's scheduled start) is reported.
 * Goal: p99 <= 50 ms at half the saturation throughput (uniform mix).
 */
import type { Mix } from "./mix";
import type { OrderDriver, OrderLoad, OrderLoadResult } from "./load";
import { roundLine } from "./report";

export const OPEN_SHARES = [0.25, 0.5, 0.75] as const;
export const OPEN_GOAL = { share: 0.5, p99Ms: 50 } as const;
// The closed round's last orders are still being answered when it ends: let them drain first.
const SETTLE_MS = 2000;

export interface OpenRow {
  mix: Mix;
  share: number;
  saturation: number;
  result: OrderLoadResult;
}

/** One open-loop round per share of `saturation` (orders/s); `check` fails the run on any answer but a 201. */
export async function openLoopRounds(
  driver: OrderDriver,
  load: Omit<OrderLoad, "rate" | "keyPrefix">,
  options: { mix: Mix; saturation: number; keyPrefix: string; label: string; check: (label: string, result: OrderLoadResult) => void },
  write: (line: string) => void,
): Promise<OpenRow[]> {
  const rows: OpenRow[] = [];
  for (const share of OPEN_SHARES) {
    await Bun.sleep(SETTLE_MS);
    const rate = Math.max(1, Math.round(options.saturation * share));
    const label = `${options.label} open ${Math.round(share * 100)}%`;
    const result = await driver.run({ ...load, rate, keyPrefix: `${options.keyPrefix}-open-${share}` });
    options.check(label, result);
    rows.push({ mix: options.mix, share, saturation: options.saturation, result });
    write(`${roundLine(label, result)}  offered ${rate}/s, peak ${result.open?.peakInFlight ?? "?"} in flight`);
  }
  return rows;
}

const fixed = (n: number | undefined, digits: number) => (n === undefined ? "?" : n.toFixed(digits));

/** The open-loop table and the goal's verdict; answers whether the goal was met. */
export function printOpenReport(rows: readonly OpenRow[], write: (line: string) => void): boolean {
  write(`open loop: latency from each order's scheduled start (queueing included)`);
  write(
    `${"mix".padEnd(9)}${"load".padStart(5)}${"offered/s".padStart(11)}${"answered/s".padStart(12)}${"p50 ms".padStart(9)}${"p99 ms".padStart(9)}` +
      `${"max ms".padStart(9)}${"503s".padStart(6)}${"in flight".padStart(11)}${"sched lag p99".padStart(15)}`,
  );
  for (const { mix, share, result } of rows) {
    write(
      `${mix.padEnd(9)}${`${Math.round(share * 100)}%`.padStart(5)}${fixed(result.open?.offered, 0).padStart(11)}${fixed(result.requestsPerSecond, 0).padStart(12)}` +
        `${fixed(result.latencyMs.p50, 1).padStart(9)}${fixed(result.latencyMs.p99, 1).padStart(9)}${fixed(result.maxMs, 0).padStart(9)}${String(result.non2xx).padStart(6)}` +
        `${String(result.open?.peakInFlight ?? "?").padStart(11)}${fixed(result.open?.lagP99Ms, 1).padStart(12)} ms`,
    );
  }
  const goalRow = rows.find((r) => r.mix === "uniform" && r.share === OPEN_GOAL.share);
  if (!goalRow) return true;
  // A shed order is a failed one, whatever its latency.
  const met = goalRow.result.latencyMs.p99 <= OPEN_GOAL.p99Ms && goalRow.result.non2xx === 0;
  write(
    `goal uniform: p99 <= ${OPEN_GOAL.p99Ms} ms at ${OPEN_GOAL.share * 100}% of saturation (${Math.round(goalRow.saturation)}/s closed loop): ` +
      `${goalRow.result.latencyMs.p99.toFixed(1)} ms, ${goalRow.result.non2xx} x 503, ${met ? "met" : "NOT met"}`,
  );
  return met;
}

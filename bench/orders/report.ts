/** The orders bench's printed lines: one per round while it runs, and the table with the goals' verdicts. */
import type { LoadResult } from "../auth/load";
import { MIXES, type Mix } from "./mix";

export type Arm = "raw" | "lock on" | "lock off";

export interface Measured {
  mix: Mix;
  arm: Arm;
  perSecond: number;
  latencyMs: { p50: number; p99: number };
}

export const GOALS = { apiVsRaw: 0.4, p99UniformMs: 100, lockOnVsOff: 0.8 } as const;

const fixed = (n: number | undefined, digits: number) => (n === undefined ? "?" : n.toFixed(digits));

/** One measured round: throughput and latency. */
export function figuresLine(label: string, perSecond: number, latencyMs: { p50: number; p99: number }): string {
  return `${label.padEnd(28)} ${Math.round(perSecond).toString().padStart(6)} orders/s  p50 ${fixed(latencyMs.p50, 1).padStart(6)} ms  p99 ${fixed(latencyMs.p99, 1).padStart(6)} ms`;
}

/** An API round, with who was busy: the server (cores) or the machine as a whole. */
export function roundLine(label: string, result: LoadResult): string {
  const machine = result.machine ? `${fixed(result.machine.busy * 100, 0)}% busy ${fixed(result.machine.steal * 100, 0)}% stolen` : "?";
  return (
    `${figuresLine(label, result.requestsPerSecond, result.latencyMs)}  ` +
    `cpu: server ${fixed(result.serverCores, 2)} core, load ${fixed(result.loadCores, 2)} core, machine ${machine}`
  );
}

const verdict = (met: boolean) => (met ? "met" : "NOT met");

/** The table (one row per mix and arm) and a verdict per goal and mix; answers every goal's verdict. */
export function printReport(rows: readonly Measured[], write: (line: string) => void): boolean {
  const find = (mix: Mix, arm: Arm) => rows.find((r) => r.mix === mix && r.arm === arm);
  write(`${"scenario".padEnd(22)}${"orders/s".padStart(10)}${"p50 ms".padStart(9)}${"p99 ms".padStart(9)}${"vs raw".padStart(9)}${"lock on/off".padStart(13)}`);
  for (const mix of MIXES) {
    const raw = find(mix, "raw");
    const off = find(mix, "lock off");
    for (const arm of ["raw", "lock on", "lock off"] as const) {
      const row = find(mix, arm);
      if (!row) continue;
      const vsRaw = arm === "raw" || !raw ? "" : `${(row.perSecond / raw.perSecond).toFixed(2)}x`;
      const onOff = arm === "lock on" && off ? `${(row.perSecond / off.perSecond).toFixed(2)}x` : "";
      const name = arm === "raw" ? `${mix}, raw SQL` : `${mix}, API ${arm}`;
      write(
        `${name.padEnd(22)}${Math.round(row.perSecond).toString().padStart(10)}${row.latencyMs.p50.toFixed(1).padStart(9)}${row.latencyMs.p99.toFixed(1).padStart(9)}` +
          `${vsRaw.padStart(9)}${onOff.padStart(13)}`,
      );
    }
  }
  write("");
  let all = true;
  for (const mix of MIXES) {
    const [raw, on, off] = [find(mix, "raw"), find(mix, "lock on"), find(mix, "lock off")];
    if (!raw || !on || !off) continue;
    const vsRaw = on.perSecond / raw.perSecond;
    const onOff = on.perSecond / off.perSecond;
    all &&= vsRaw >= GOALS.apiVsRaw && onOff >= GOALS.lockOnVsOff;
    write(`goal ${mix}: API (lock on) / raw SQL >= ${GOALS.apiVsRaw.toFixed(2)}x: ${vsRaw.toFixed(3)}x, ${verdict(vsRaw >= GOALS.apiVsRaw)}`);
    write(`goal ${mix}: lock on / lock off >= ${GOALS.lockOnVsOff.toFixed(2)}x: ${onOff.toFixed(3)}x, ${verdict(onOff >= GOALS.lockOnVsOff)}`);
    if (mix === "uniform") {
      all &&= on.latencyMs.p99 <= GOALS.p99UniformMs;
      write(`goal uniform: API (lock on) p99 <= ${GOALS.p99UniformMs} ms: ${on.latencyMs.p99.toFixed(1)} ms, ${verdict(on.latencyMs.p99 <= GOALS.p99UniformMs)}`);
    }
  }
  return all;
}

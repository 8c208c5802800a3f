/**
 * CPU time from /proc (Linux), to tell who was the bottleneck in a round: a server near 100% of
 * one core is saturated; a busy machine with an idle server means the load generator was.
 */
import { readFileSync } from "node:fs";

const TICKS_PER_SECOND = 100; // USER_HZ, 100 on every Linux this runs on

/** Seconds of CPU (user + system) a process has used so far; undefined if it is gone. */
export function processCpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the ")" that closes the command name: state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

export interface MachineCpu {
  busy: number;
  steal: number;
  total: number;
}

/** The machine's CPU counters (all cores) in ticks; undefined off Linux. */
export function machineCpu(): MachineCpu | undefined {
  try {
    const line = readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "";
    // user nice system idle iowait irq softirq steal (guest time is already inside user).
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = line.trim().split(/\s+/).slice(1, 9).map(Number);
    return { busy: user + nice + system + irq + softirq, steal, total: user + nice + system + idle + iowait + irq + softirq + steal };
  } catch {
    return undefined;
  }
}

/** Shares of all cores between two readings, 0..1: busy here, and taken by the hypervisor (steal). */
export function machineShares(before: MachineCpu | undefined, after: MachineCpu | undefined): { busy: number; steal: number } | undefined {
  if (!before || !after || after.total === before.total) return undefined;
  const total = after.total - before.total;
  return { busy: (after.busy - before.busy) / total, steal: (after.steal - before.steal) / total };
}

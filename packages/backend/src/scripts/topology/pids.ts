/**
 * Signalling processes recorded in a state file, only while /proc still shows them to be what
 * was started: a pid reused by an unrelated process since is left alone.
 */
import { readFileSync, readdirSync } from "node:fs";

/** How a recorded process is recognised: words its command line contains, and optionally one environment entry. */
export interface ProcessIdentity {
  pid: number;
  cmdline: string[];
  environ?: string;
}

function readProc(pid: number, file: string): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/${file}`, "utf8");
  } catch {
    return undefined;
  }
}

/** Running (a zombie waiting to be reaped is not). */
export function isAlive(pid: number): boolean {
  const stat = readProc(pid, "stat");
  if (stat === undefined) return false;
  return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
}

/** The pid is alive and still the process that was recorded. */
export function isOurs(identity: ProcessIdentity): boolean {
  if (!isAlive(identity.pid)) return false;
  const cmdline = (readProc(identity.pid, "cmdline") ?? "").replaceAll("\0", " ");
  if (!identity.cmdline.every((word) => cmdline.includes(word))) return false;
  if (identity.environ === undefined) return true;
  return (readProc(identity.pid, "environ") ?? "").split("\0").includes(identity.environ);
}

/** Direct children of pid (nginx's workers), from /proc/<n>/stat's parent field. */
export function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readProc(Number(name), "stat");
    if (!stat) continue;
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (Number(fields[1]) === pid) children.push(Number(name));
  }
  return children;
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // Already gone between the check and the signal.
  }
}

async function gone(pids: readonly number[], ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (pids.every((pid) => !isAlive(pid))) return true;
    await Bun.sleep(50);
  }
  return pids.every((pid) => !isAlive(pid));
}

export type StopOutcome = "not running" | "not ours" | "stopped" | "killed";

/**
 * SIGTERM, then SIGKILL after graceMs, for the process and the children it had when asked
 * (so nginx workers never outlive a killed master). Nothing is signalled unless isOurs holds.
 */
export async function stopProcess(identity: ProcessIdentity, graceMs: number): Promise<StopOutcome> {
  if (!isAlive(identity.pid)) return "not running";
  if (!isOurs(identity)) return "not ours";
  const family = [identity.pid, ...childrenOf(identity.pid)];
  signal(identity.pid, "SIGTERM");
  if (await gone(family, graceMs)) return "stopped";
  for (const pid of family) if (isAlive(pid)) signal(pid, "SIGKILL");
  await gone(family, 2000);
  return "killed";
}

/**
 * One load round: autocannon, run by Node in a process of its own (so the load generator is the
 * same for every endpoint and is not the bench's own event loop), with --json on stdout.
 */
import { fileURLToPath } from "node:url";
import { machineCpu, machineShares, processCpuSeconds } from "./cpu";

const AUTOCANNON = fileURLToPath(new URL("../../node_modules/autocannon/autocannon.js", import.meta.url));

export interface LoadOptions {
  url: string;
  connections: number;
  seconds: number;
  headers?: Record<string, string>;
  /** Server process whose CPU time is measured over the round. */
  serverPid: number;
}

export interface LoadResult {
  requestsPerSecond: number;
  completed: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  latencyMs: { p50: number; p99: number };
  /** Cores' worth of CPU used over the round (1 = one core fully busy). */
  serverCores?: number;
  loadCores?: number;
  /** Share of the machine's cores busy, and share stolen by the hypervisor, over the round. */
  machine?: { busy: number; steal: number };
}

/** The parts of autocannon's --json report read here. */
interface AutocannonReport {
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  "2xx": number;
  statusCodeStats?: Record<string, { count: number }>;
  requests: { total: number };
  latency: { p50: number; p99: number };
}

function isReport(value: unknown): value is AutocannonReport {
  if (typeof value !== "object" || value === null) return false;
  const r = value as Record<string, unknown>;
  return typeof r.duration === "number" && typeof r.non2xx === "number" && typeof r.requests === "object" && typeof r.latency === "object";
}

function nodeBinary(): string {
  const node = Bun.which("node");
  if (!node) throw new Error("node is not on PATH: the load generator (autocannon) runs under Node");
  return node;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const args = [nodeBinary(), AUTOCANNON, "--json", "-c", String(options.connections), "-d", String(options.seconds)];
  for (const [name, value] of Object.entries(options.headers ?? {})) args.push("-H", `${name}=${value}`);
  args.push(options.url);

  const machineBefore = machineCpu();
  const serverBefore = processCpuSeconds(options.serverPid);
  const started = performance.now();
  const proc = Bun.spawn(args, { stdout: "pipe", stderr: "pipe", stdin: "ignore" });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  const wall = (performance.now() - started) / 1000;
  const serverAfter = processCpuSeconds(options.serverPid);
  const machineAfter = machineCpu();
  if (code !== 0) throw new Error(`autocannon exited with ${code}:\n${stderr}`);

  const parsed: unknown = JSON.parse(stdout.trim().split("\n").pop() ?? "null");
  if (!isReport(parsed)) throw new Error(`autocannon printed no report:\n${stdout}\n${stderr}`);
  const usage = proc.resourceUsage();
  const loadCpu = usage ? (Number(usage.cpuTime.user) + Number(usage.cpuTime.system)) / 1e6 : undefined;
  const statusCodes: Record<string, number> = {};
  for (const [status, stat] of Object.entries(parsed.statusCodeStats ?? {})) statusCodes[status] = stat.count;

  return {
    requestsPerSecond: parsed.requests.total / parsed.duration,
    completed: parsed.requests.total,
    ok: parsed["2xx"],
    non2xx: parsed.non2xx,
    errors: parsed.errors,
    timeouts: parsed.timeouts,
    statusCodes,
    latencyMs: { p50: parsed.latency.p50, p99: parsed.latency.p99 },
    // The server is idle while Node starts, so its share is over the measured duration only.
    serverCores: serverBefore !== undefined && serverAfter !== undefined ? (serverAfter - serverBefore) / parsed.duration : undefined,
    loadCores: loadCpu !== undefined ? loadCpu / wall : undefined,
    machine: machineShares(machineBefore, machineAfter),
  };
}

/**
 * One round of order load: a driver bundled to plain JavaScript for Node, in a process of its own,
 * with the server's and the machine's CPU measured over it (auth's cpu.ts). Closed loop
 * (driver.ts, autocannon: `connections` clients, each sending its next order on the last answer),
 * or open loop when the load names a `rate` (open-driver.ts: orders started on a schedule).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { machineCpu, machineShares, processCpuSeconds } from "../auth/cpu";
import type { LoadResult } from "../auth/load";
import type { DriverInput, DriverOutput, OpenFigures } from "./driver";

const DRIVERS = { closed: fileURLToPath(new URL("./driver.ts", import.meta.url)), open: fileURLToPath(new URL("./open-driver.ts", import.meta.url)) };
const AUTOCANNON = fileURLToPath(new URL("../../node_modules/autocannon/autocannon.js", import.meta.url));

/** With `rate`, the open loop: that many orders started per second, over at most `connections` sockets. */
export type OrderLoad = Omit<DriverInput, "autocannon"> & { serverPid: number; rate?: number };

/** An open-loop round also tells the slowest answer and what was offered. */
export type OrderLoadResult = LoadResult & { maxMs?: number; open?: OpenFigures };

export interface OrderDriver {
  /** `ok` counts 201 answers only; `non2xx` every other status (a 200 would not be an order placed). */
  run(load: OrderLoad): Promise<OrderLoadResult>;
  dispose(): void;
}

function isOutput(value: unknown): value is DriverOutput {
  if (typeof value !== "object" || value === null) return false;
  const o = value as Record<string, unknown>;
  return typeof o.completed === "number" && typeof o.duration === "number" && typeof o.statusCodes === "object" && typeof o.latencyMs === "object";
}

/** Bundles the drivers once (they import mix.ts; Node 20 runs no TypeScript) into a temporary folder. */
export async function prepareOrderDriver(): Promise<OrderDriver> {
  const node = Bun.which("node");
  if (!node) throw new Error("node is not on PATH: the load generator (autocannon) runs under Node");
  const folder = mkdtempSync(join(tmpdir(), "bench-orders-"));
  const built = await Bun.build({ entrypoints: [DRIVERS.closed, DRIVERS.open], target: "node", format: "esm", outdir: folder, naming: "[name].mjs" });
  const scripts = { closed: join(folder, "driver.mjs"), open: join(folder, "open-driver.mjs") };
  if (!built.success || built.outputs.length !== 2) throw new Error(`could not bundle the load drivers: ${built.logs.map(String).join("\n")}`);

  return {
    async run(load) {
      const { serverPid, ...rest } = load;
      const script = load.rate === undefined ? scripts.closed : scripts.open;
      const input = { ...rest, autocannon: AUTOCANNON };
      const machineBefore = machineCpu();
      const serverBefore = processCpuSeconds(serverPid);
      const started = performance.now();
      const proc = Bun.spawn([node, script], { stdin: new Blob([JSON.stringify(input)]), stdout: "pipe", stderr: "pipe" });
      const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
      const wall = (performance.now() - started) / 1000;
      const serverAfter = processCpuSeconds(serverPid);
      const machineAfter = machineCpu();
      if (code !== 0) throw new Error(`the load driver exited with ${code}:\n${stderr}`);
      const parsed: unknown = JSON.parse(stdout.trim().split("\n").pop() ?? "null");
      if (!isOutput(parsed)) throw new Error(`the load driver printed no report:\n${stdout}\n${stderr}`);
      const usage = proc.resourceUsage();
      const created = parsed.statusCodes["201"] ?? 0;
      return {
        requestsPerSecond: created / parsed.duration,
        completed: parsed.completed,
        ok: created,
        non2xx: parsed.completed - created,
        errors: parsed.errors,
        timeouts: parsed.timeouts,
        statusCodes: parsed.statusCodes,
        latencyMs: { p50: parsed.latencyMs.p50, p99: parsed.latencyMs.p99 },
        maxMs: parsed.latencyMs.max,
        open: parsed.open,
        serverCores: serverBefore !== undefined && serverAfter !== undefined ? (serverAfter - serverBefore) / parsed.duration : undefined,
        loadCores: usage ? (Number(usage.cpuTime.user) + Number(usage.cpuTime.system)) / 1e6 / wall : undefined,
        machine: machineShares(machineBefore, machineAfter),
      };
    },
    dispose: () => rmSync(folder, { recursive: true, force: true }),
  };
}

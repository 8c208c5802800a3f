/**
 * One round of order load: the driver (driver.ts, bundled to plain JavaScript for Node) in a
 * process of its own, with the server's and the machine's CPU measured over it (auth's cpu.ts).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { machineCpu, machineShares, processCpuSeconds } from "../auth/cpu";
import type { LoadResult } from "../auth/load";
import type { DriverInput, DriverOutput } from "./driver";

const DRIVER = fileURLToPath(new URL("./driver.ts", import.meta.url));
const AUTOCANNON = fileURLToPath(new URL("../../node_modules/autocannon/autocannon.js", import.meta.url));

export type OrderLoad = Omit<DriverInput, "autocannon"> & { serverPid: number };

export interface OrderDriver {
  /** `ok` counts 201 answers only; `non2xx` every other status (a 200 would not be an order placed). */
  run(load: OrderLoad): Promise<LoadResult>;
  dispose(): void;
}

function isOutput(value: unknown): value is DriverOutput {
  if (typeof value !== "object" || value === null) return false;
  const o = value as Record<string, unknown>;
  return typeof o.completed === "number" && typeof o.duration === "number" && typeof o.statusCodes === "object" && typeof o.latencyMs === "object";
}

/** Bundles the driver once (it imports mix.ts; Node 20 runs no TypeScript) into a temporary folder. */
export async function prepareOrderDriver(): Promise<OrderDriver> {
  const node = Bun.which("node");
  if (!node) throw new Error("node is not on PATH: the load generator (autocannon) runs under Node");
  const folder = mkdtempSync(join(tmpdir(), "bench-orders-"));
  const built = await Bun.build({ entrypoints: [DRIVER], target: "node", format: "esm", outdir: folder, naming: "driver.mjs" });
  const script = built.outputs[0]?.path;
  if (!built.success || !script) throw new Error(`could not bundle the load driver: ${built.logs.map(String).join("\n")}`);

  return {
    async run(load) {
      const { serverPid, ...rest } = load;
      const input: DriverInput = { ...rest, autocannon: AUTOCANNON };
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
        latencyMs: parsed.latencyMs,
        serverCores: serverBefore !== undefined && serverAfter !== undefined ? (serverAfter - serverBefore) / parsed.duration : undefined,
        loadCores: usage ? (Number(usage.cpuTime.user) + Number(usage.cpuTime.system)) / 1e6 / wall : undefined,
        machine: machineShares(machineBefore, machineAfter),
      };
    },
    dispose: () => rmSync(folder, { recursive: true, force: true }),
  };
}

import type { Subprocess } from "bun";
import { spawnApp, within } from "../../src/scripts/topology/app-process";
import { GENEROUS_RATE_LIMITS } from "./app";

export interface RunningServer {
  proc: Subprocess;
  port: number;
  url: string;
  /** JSON log lines printed so far. */
  logs: Record<string, unknown>[];
  stop(signal?: NodeJS.Signals): Promise<number>;
}

/**
 * Starts src/main.ts as a real process on a free port and waits for its "listening" line
 * (the spawning is the local topology's, scripts/topology/app-process.ts).
 */
export async function startServer(env: Record<string, string>, timeoutMs = 60_000): Promise<RunningServer> {
  const child = spawnApp({ env: { NODE_ENV: "test", LOG_LEVEL: "info", PORT: "0", HOST: "127.0.0.1", ...GENEROUS_RATE_LIMITS, ...env } });
  let listening: Record<string, unknown>;
  try {
    listening = await within(child.listening, timeoutMs, () => `server did not start: ${JSON.stringify(child.logs)}`);
  } catch (error) {
    child.proc.kill("SIGKILL");
    throw error;
  }
  const port = Number(listening.port);
  return {
    proc: child.proc,
    port,
    url: `http://127.0.0.1:${port}`,
    logs: child.logs,
    async stop(signal = "SIGTERM") {
      child.proc.kill(signal);
      const code = await child.proc.exited;
      // The exit can be seen before the last log lines are read: tests look for them.
      await within(child.stdoutDone, 5_000, () => "stdout did not end after the process exited").catch(() => undefined);
      return code;
    },
  };
}

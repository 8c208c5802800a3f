import type { Subprocess } from "bun";
import { fileURLToPath } from "node:url";

const MAIN = fileURLToPath(new URL("../../src/main.ts", import.meta.url));

export interface RunningServer {
  proc: Subprocess<"ignore", "pipe", "pipe">;
  port: number;
  url: string;
  /** JSON log lines printed so far. */
  logs: Record<string, unknown>[];
  stop(signal?: NodeJS.Signals): Promise<number>;
}

/** Starts src/main.ts as a real process on a free port and waits for its "listening" line. */
export async function startServer(env: Record<string, string>, timeoutMs = 60_000): Promise<RunningServer> {
  const proc = Bun.spawn([process.execPath, MAIN], {
    env: { PATH: process.env.PATH ?? "", NODE_ENV: "test", LOG_LEVEL: "info", PORT: "0", HOST: "127.0.0.1", ...env },
    stdout: "pipe",
    stderr: "pipe",
    stdin: "ignore",
  });
  const logs: Record<string, unknown>[] = [];
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${JSON.stringify(logs)}`)), timeoutMs);
    void (async () => {
      const decoder = new TextDecoder();
      let pending = "";
      for await (const chunk of proc.stdout) {
        pending += decoder.decode(chunk);
        const lines = pending.split("\n");
        pending = lines.pop() ?? "";
        for (const line of lines) {
          if (!line.trim()) continue;
          const entry = JSON.parse(line) as Record<string, unknown>;
          logs.push(entry);
          if (entry.msg === "pazarsync listening") {
            clearTimeout(timer);
            resolve(Number(entry.port));
          }
        }
      }
      clearTimeout(timer);
      reject(new Error(`server exited before listening: ${JSON.stringify(logs)}`));
    })();
  });
  return {
    proc,
    port,
    url: `http://127.0.0.1:${port}`,
    logs,
    async stop(signal = "SIGTERM") {
      proc.kill(signal);
      return proc.exited;
    },
  };
}

/**
 * The real server as a child process, as in packages/backend/test/support/process.ts, but made
 * for load: after the "pazarsync listening" line its stdout is drained and thrown away unparsed
 * (LOG_LEVEL=info writes one JSON line per request; parsing or keeping them here would take CPU
 * and memory from the server on a 2-core machine, and not reading them would fill the pipe and
 * stall the server). Stderr is drained too, keeping only its tail for error messages.
 */
import type { Subprocess } from "bun";
import { fileURLToPath } from "node:url";

const MAIN = fileURLToPath(new URL("../../packages/backend/src/main.ts", import.meta.url));
const STDERR_TAIL_CHARS = 4000;

export interface BenchServer {
  proc: Subprocess<"ignore", "pipe", "pipe">;
  pid: number;
  url: string;
  /** What the listening line says: database and key-value store kinds. */
  listening: Record<string, unknown>;
  /** Bytes of stdout (log lines) read since start. */
  stdoutBytes(): number;
  stderrTail(): string;
  stop(): Promise<number>;
}

/** `runtimeArgs` go to Bun before the script (e.g. --cpu-prof). */
export async function startBenchServer(env: Record<string, string>, runtimeArgs: string[] = [], timeoutMs = 60_000): Promise<BenchServer> {
  const proc = Bun.spawn([process.execPath, ...runtimeArgs, MAIN], {
    // RATE_LIMITS=off and wide sign-in budgets: a bench measures throughput, and its one client IP
    // (its buyers sign up and log in all at once) would hit the per-IP budgets.
    env: {
      PATH: process.env.PATH ?? "",
      NODE_ENV: "test",
      LOG_LEVEL: "info",
      PORT: "0",
      HOST: "127.0.0.1",
      RATE_LIMITS: "off",
      AUTH_FAILURES_PER_IP: "100000",
      AUTH_ATTEMPTS_PER_IP: "100000",
      ...env,
    },
    stdout: "pipe",
    stderr: "pipe",
    stdin: "ignore",
  });
  let stderr = "";
  void (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of proc.stderr) stderr = (stderr + decoder.decode(chunk)).slice(-STDERR_TAIL_CHARS);
  })();

  let bytes = 0;
  const startLines: string[] = [];
  const listening = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in ${timeoutMs} ms:\n${startLines.join("\n")}\n${stderr}`)), timeoutMs);
    void (async () => {
      const decoder = new TextDecoder();
      let pending = "";
      let found = false;
      for await (const chunk of proc.stdout) {
        bytes += chunk.byteLength;
        if (found) continue; // drained, not parsed
        pending += decoder.decode(chunk);
        const lines = pending.split("\n");
        pending = lines.pop() ?? "";
        for (const line of lines) {
          if (!line.trim()) continue;
          startLines.push(line);
          const entry = JSON.parse(line) as Record<string, unknown>;
          if (entry.msg === "pazarsync listening") {
            found = true;
            clearTimeout(timer);
            resolve(entry);
          }
        }
      }
      if (!found) {
        clearTimeout(timer);
        reject(new Error(`server exited before listening:\n${startLines.join("\n")}\n${stderr}`));
      }
    })();
  });
  return {
    proc,
    pid: proc.pid,
    url: `http://127.0.0.1:${Number(listening.port)}`,
    listening,
    stdoutBytes: () => bytes,
    stderrTail: () => stderr,
    async stop() {
      proc.kill("SIGTERM");
      return proc.exited;
    },
  };
}

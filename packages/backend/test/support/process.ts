import { randomBytes } from "node:crypto";
import type { Subprocess } from "bun";
import { spawnApp, within } from "../../src/scripts/topology/app-process";
import { GENEROUS_RATE_LIMITS } from "./app";
import { redisUrl, uniquePrefix } from "./env";

/**
 * The env of real app processes sharing one scratch database and one Redis prefix (named after
 * `label`): fresh secrets, cheap password hashing, and an admin created at start.
 */
export function appProcessEnv(databaseUrl: string, label: string, adminEmail: string): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl as string,
    REDIS_KEY_PREFIX: uniquePrefix(label),
    JWT_SECRET: randomBytes(32).toString("base64"),
    CREDENTIALS_KEY: randomBytes(32).toString("base64"),
    PASSWORD_MEMORY_COST_KIB: "1024",
    PASSWORD_TIME_COST: "1",
    ADMIN_EMAIL: adminEmail,
    ADMIN_PASSWORD: "a long admin password",
  };
}

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

import { afterAll, describe, expect, test } from "bun:test";
import { createScratchDatabase, type ScratchDatabase } from "./support/database";
import { databaseUrl, redisUrl } from "./support/env";
import { startServer, type RunningServer } from "./support/process";
import { bodyOf } from "./support/http";

// The real entry point, as a separate process: what `bun run start` does.
const scratches: ScratchDatabase[] = [];
const servers: RunningServer[] = [];

async function databaseEnv(label: string): Promise<Record<string, string>> {
  if (!databaseUrl) return { PGLITE_DATA_DIR: "memory://" };
  const scratch = await createScratchDatabase(label);
  scratches.push(scratch);
  return { DATABASE_URL: scratch.url };
}

afterAll(async () => {
  for (const server of servers) if (server.proc.exitCode === null) await server.stop("SIGKILL");
  for (const scratch of scratches) await scratch.drop();
});

describe("the server process", () => {
  test("starts, migrates, is ready, and exits 0 on SIGTERM", async () => {
    const env = { ...(await databaseEnv("proc")), ...(redisUrl ? { REDIS_URL: redisUrl } : {}) };
    const server = await startServer(env);
    servers.push(server);
    const ready = await fetch(`${server.url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(server.logs.some((l) => l.msg === "migrations applied")).toBe(true);
    const code = await server.stop("SIGTERM");
    expect(code).toBe(0);
    expect(server.logs.some((l) => l.msg === "shutdown complete")).toBe(true);
  }, 90_000);

  test("with Redis at a closed port it stays up and answers 503 naming redis", async () => {
    const server = await startServer({ ...(await databaseEnv("proc2")), REDIS_URL: "redis://127.0.0.1:1" });
    servers.push(server);
    const ready = await fetch(`${server.url}/health/ready`);
    expect(ready.status).toBe(503);
    const body = await bodyOf(ready);
    expect(body.down).toEqual(["redis"]);
    expect(body.checks.postgres.status).toBe("up");
    // Still serving: liveness holds and a second readiness call answers too.
    expect((await fetch(`${server.url}/health/live`)).status).toBe(200);
    expect((await fetch(`${server.url}/health/ready`)).status).toBe(503);
    expect(server.proc.exitCode).toBeNull();
    expect(await server.stop("SIGINT")).toBe(0);
  }, 90_000);
});

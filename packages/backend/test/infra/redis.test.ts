import { describe, expect, test } from "bun:test";
import pino from "pino";
import { closeRedis, createRedisClient, pingWithTimeout, redactRedisUrl } from "../../src/infra/redis";
import { createLogger } from "../../src/infra/logger";
import { closedPort, sleep } from "../support/net";
import { redisUrl, skipReason } from "../support/env";



function capturingLogger() {
  const lines: string[] = [];
  const log = pino({ level: "info" }, { write: (line: string) => void lines.push(line) });
  return { log, lines };
}

describe("redis client with Redis away", () => {
  test("pingWithTimeout rejects instead of hanging", async () => {
    const client = createRedisClient(`redis://127.0.0.1:${await closedPort()}`, createLogger({ level: "silent", pretty: false }), "down");
    const started = performance.now();
    await expect(pingWithTimeout(client, 300)).rejects.toThrow();
    expect(performance.now() - started).toBeLessThan(600);
    await closeRedis(client);
  });

  test("connection errors are logged once per interval, without the password", async () => {
    const { log, lines } = capturingLogger();
    const client = createRedisClient(`redis://app:s3cret-pw@127.0.0.1:${await closedPort()}`, log, "down");
    await sleep(700);
    await closeRedis(client);
    const warnings = lines.filter((line) => line.includes("redis connection error"));
    expect(warnings.length).toBe(1);
    expect(lines.join("\n")).not.toContain("s3cret-pw");
  });

  test("closeRedis returns promptly for a client that is still reconnecting", async () => {
    const client = createRedisClient(`redis://127.0.0.1:${await closedPort()}`, createLogger({ level: "silent", pretty: false }), "down");
    await sleep(200);
    const started = performance.now();
    await closeRedis(client);
    expect(performance.now() - started).toBeLessThan(500);
  });

  test("redactRedisUrl hides the password and keeps the address", () => {
    expect(redactRedisUrl("redis://user:hunter2@cache.internal:6380/2")).toBe("redis://user:***@cache.internal:6380/2");
    expect(redactRedisUrl("not a url")).not.toContain("not a url");
  });
});

describe.skipIf(!!skipReason("redis"))("redis client with Redis up", () => {
  test("pingWithTimeout resolves and closeRedis ends the connection", async () => {
    const client = createRedisClient(redisUrl as string, createLogger({ level: "silent", pretty: false }), "up");
    await pingWithTimeout(client, 1_000);
    await closeRedis(client);
    await sleep(20);
    expect(client.status).toBe("end");
  });
});

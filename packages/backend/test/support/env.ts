/**
 * What the environment gives the test run: embedded defaults, or real servers
 * when DATABASE_URL / REDIS_URL are set (CI runs the suite both ways).
 */
import { randomBytes } from "node:crypto";

export const databaseUrl = process.env.DATABASE_URL || undefined;
export const redisUrl = process.env.REDIS_URL || undefined;

/** A prefix of its own for every test file, so runs and files never share Redis keys. */
export function uniquePrefix(label: string): string {
  return `ps:test:${label}:${process.pid}:${randomBytes(4).toString("hex")}:`;
}

const announced = new Set<string>();

/** Skips are printed, never silent (DESIGN: tests needing real servers skip with a reason). */
export function skipReason(what: "redis" | "postgres"): string | undefined {
  const url = what === "redis" ? redisUrl : databaseUrl;
  if (url) return undefined;
  const reason = `${what === "redis" ? "REDIS_URL" : "DATABASE_URL"} is not set: tests against a real ${what} server are skipped in embedded mode`;
  if (!announced.has(what)) {
    announced.add(what);
    process.stderr.write(`[skip] ${reason}\n`);
  }
  return reason;
}

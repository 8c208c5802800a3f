/**
 * The local topology's run folder (.data/topology by default, TOPOLOGY_DIR overrides): its
 * state file, its generated secrets, and the settings topology:up starts the app with.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { TopologyState } from "./topology";

const REPO_ROOT = fileURLToPath(new URL("../../../../../", import.meta.url));

export function runFolder(env: Record<string, string | undefined> = process.env): string {
  return resolve(env.TOPOLOGY_DIR || join(REPO_ROOT, ".data", "topology"));
}

const statePath = (runDir: string) => join(runDir, "state.json");

export function readState(runDir: string): TopologyState | undefined {
  if (!existsSync(statePath(runDir))) return undefined;
  return JSON.parse(readFileSync(statePath(runDir), "utf8")) as TopologyState;
}

export function writeState(state: TopologyState): string {
  writeFileSync(statePath(state.runDir), `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  return statePath(state.runDir);
}

export function removeState(runDir: string): void {
  rmSync(statePath(runDir), { force: true });
}

interface Secrets {
  JWT_SECRET: string;
  CREDENTIALS_KEY: string;
}

/**
 * Production refuses to start without JWT_SECRET and CREDENTIALS_KEY. Generated on the first up
 * and kept (mode 0600) so tokens and encrypted store credentials survive a restart; never printed.
 */
export function ensureSecrets(runDir: string): Secrets {
  const path = join(runDir, "secrets.json");
  if (existsSync(path)) return JSON.parse(readFileSync(path, "utf8")) as Secrets;
  mkdirSync(runDir, { recursive: true, mode: 0o700 });
  const secrets: Secrets = { JWT_SECRET: randomBytes(48).toString("base64"), CREDENTIALS_KEY: randomBytes(32).toString("base64") };
  writeFileSync(path, JSON.stringify(secrets), { mode: 0o600, flag: "wx" });
  return secrets;
}

function portSetting(name: string, value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`${name} must be a port number (0 = a free one)`);
  return port;
}

/** Ports from TOPOLOGY_PORT (nginx, 8080) and TOPOLOGY_APP_PORTS (comma-separated, 3101,3102; 0 = a free one). */
export function topologyPorts(env: Record<string, string | undefined> = process.env): { port: number; appPorts: number[] } {
  const port = portSetting("TOPOLOGY_PORT", env.TOPOLOGY_PORT || "8080");
  const appPorts = (env.TOPOLOGY_APP_PORTS || "3101,3102").split(",").map((p) => portSetting("TOPOLOGY_APP_PORTS", p.trim()));
  return { port, appPorts };
}

/** The app's settings for topology:up: production mode behind nginx on the machine's servers. */
export function appEnvironment(runDir: string, env: Record<string, string | undefined> = process.env): Record<string, string> {
  const passed = Object.fromEntries(
    Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined && /^(SYNC_|ORDER_PULL_|LOG_LEVEL$|ADMIN_|SENTRY_DSN$)/.test(e[0])),
  );
  return {
    ...passed,
    ...ensureSecrets(runDir),
    NODE_ENV: "production",
    DATABASE_URL: env.DATABASE_URL || "postgres://postgres@127.0.0.1:5432/test",
    REDIS_URL: env.REDIS_URL || "redis://127.0.0.1:6379",
    REDIS_KEY_PREFIX: env.REDIS_KEY_PREFIX || "ps:topology:",
    TRUST_PROXY: "true",
  };
}

/**
 * A production-like topology on one machine: N app processes (src/main.ts) behind nginx, on the
 * machine's Postgres and Redis. Used by `bun run topology:up` and by the deployment tests.
 */
import type { Subprocess } from "bun";
import { mkdirSync, openSync, closeSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { APP_MAIN, spawnApp, waitForOk } from "./app-process";
import { localNginxSettings, nginxBinary, nginxCommand, testNginxConfig, writeNginxConfig } from "./nginx-config";
import { isAlive, stopProcess, type ProcessIdentity, type StopOutcome } from "./pids";

/** The environment entry that marks a process as this run folder's (checked before any signal). */
export const TOPOLOGY_ENV = "PAZARSYNC_TOPOLOGY";
const STOP_GRACE_MS = 15_000;

export interface TopologyOptions {
  /** Logs, nginx config, pid and temp files. */
  runDir: string;
  /** nginx's port on 127.0.0.1; 0 or unset: a free one. */
  port?: number;
  /** One per replica; 0 or unset entries: free ones. */
  appPorts?: number[];
  /** Used when appPorts is not given (default 2). */
  replicas?: number;
  /** The app's settings (DATABASE_URL, REDIS_URL, secrets ...); PORT, HOST and the marker are added. */
  env: Record<string, string>;
  /** Outlive the starting process (topology:up); tests leave it off. */
  detached?: boolean;
  readyTimeoutMs?: number;
}

export interface RecordedProcess extends ProcessIdentity {
  port: number;
  url: string;
}

/** What topology:down needs, written as the state file. */
export interface TopologyState {
  startedAt: string;
  runDir: string;
  url: string;
  nginx: RecordedProcess;
  replicas: RecordedProcess[];
}

export interface Replica {
  url: string;
  port: number;
  pid: number;
  proc: Subprocess;
  stop(): Promise<StopOutcome>;
  kill(): Promise<void>;
}

export interface Topology {
  url: string;
  port: number;
  nginxPid: number;
  replicas: Replica[];
  state: TopologyState;
  stop(): Promise<void>;
}

/** A loopback port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no free port");
  return address.port;
}

async function pickPorts(options: TopologyOptions): Promise<{ port: number; appPorts: number[] }> {
  const wanted = options.appPorts ?? Array.from({ length: options.replicas ?? 2 }, () => 0);
  const appPorts: number[] = [];
  for (const p of wanted) appPorts.push(p > 0 ? p : await freePort());
  return { port: options.port && options.port > 0 ? options.port : await freePort(), appPorts };
}

/** Stops every recorded process: nginx first, so no request is sent to a replica that is going. */
export async function stopRecorded(state: Pick<TopologyState, "nginx" | "replicas">, graceMs = STOP_GRACE_MS): Promise<StopOutcome[]> {
  const nginx = await stopProcess(state.nginx, graceMs);
  const replicas = await Promise.all(state.replicas.map((r) => stopProcess(r, graceMs)));
  return [nginx, ...replicas];
}

function startReplica(options: TopologyOptions, index: number, port: number) {
  const child = spawnApp({
    env: { ...options.env, HOST: "127.0.0.1", PORT: String(port), [TOPOLOGY_ENV]: options.runDir },
    logFile: join(options.runDir, `app-${index + 1}.log`),
    detached: options.detached,
  });
  const recorded: RecordedProcess = {
    pid: child.pid,
    port,
    url: `http://127.0.0.1:${port}`,
    cmdline: [APP_MAIN],
    environ: `${TOPOLOGY_ENV}=${options.runDir}`,
  };
  return { child, recorded };
}

function startNginx(options: TopologyOptions, port: number, appPorts: number[]) {
  const binary = nginxBinary();
  if (!binary) throw new Error("nginx not found (install nginx-light, or set NGINX_BIN)");
  const paths = writeNginxConfig(options.runDir, localNginxSettings({ runDir: options.runDir, port, appPorts }));
  const check = testNginxConfig(binary, paths);
  if (!check.ok) throw new Error(`nginx -t failed:\n${check.output}`);
  const fd = openSync(join(options.runDir, "nginx-stderr.log"), "a", 0o600);
  try {
    const proc = Bun.spawn(nginxCommand(binary, paths), { stdin: "ignore", stdout: fd, stderr: fd, detached: options.detached });
    const recorded: RecordedProcess = { pid: proc.pid, port, url: `http://127.0.0.1:${port}`, cmdline: [paths.confPath] };
    return { proc, recorded };
  } finally {
    closeSync(fd);
  }
}

/**
 * Starts the replicas, waits for each one's /health/ready, then nginx in front of them, and
 * waits for a request through nginx to reach a replica. On any failure what was started is stopped.
 */
export async function startTopology(options: TopologyOptions): Promise<Topology> {
  mkdirSync(options.runDir, { recursive: true, mode: 0o700 });
  const readyMs = options.readyTimeoutMs ?? 90_000;
  const { port, appPorts } = await pickPorts(options);
  const started = appPorts.map((p, i) => startReplica(options, i, p));
  const recorded: RecordedProcess[] = started.map((s) => s.recorded);
  let nginx: ReturnType<typeof startNginx> | undefined;
  try {
    await Promise.all(started.map((s) => waitForOk(`${s.recorded.url}/health/ready`, s.child.proc, readyMs)));
    nginx = startNginx(options, port, appPorts);
    await waitForOk(`${nginx.recorded.url}/nginx-health`, nginx.proc, 10_000);
    await waitForOk(`${nginx.recorded.url}/health/ready`, nginx.proc, 10_000);
  } catch (error) {
    await stopRecorded({ nginx: nginx?.recorded ?? { pid: -1, port, url: "", cmdline: [] }, replicas: recorded }, 5000);
    throw error;
  }
  if (options.detached) for (const s of [...started.map((x) => x.child), nginx]) s.proc.unref();
  const state: TopologyState = {
    startedAt: new Date().toISOString(),
    runDir: options.runDir,
    url: nginx.recorded.url,
    nginx: nginx.recorded,
    replicas: recorded,
  };
  return {
    url: state.url,
    port,
    nginxPid: nginx.recorded.pid,
    state,
    replicas: started.map(({ child, recorded: r }) => ({
      url: r.url,
      port: r.port,
      pid: r.pid,
      proc: child.proc,
      stop: () => stopProcess(r, STOP_GRACE_MS),
      async kill() {
        if (isAlive(r.pid)) child.proc.kill("SIGKILL");
        await child.proc.exited;
      },
    })),
    async stop() {
      await stopRecorded(state);
    },
  };
}

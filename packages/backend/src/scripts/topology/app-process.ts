/**
 * Starting src/main.ts as a child process and knowing when it is up: shared by the local
 * topology (topology.ts) and the multi-process tests (test/support/process.ts).
 */
import type { Subprocess } from "bun";
import { closeSync, openSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const APP_MAIN = fileURLToPath(new URL("../../main.ts", import.meta.url));

export interface AppSpawnOptions {
  /** Added to PATH; the child sees nothing else of this process's environment. */
  env: Record<string, string>;
  /** Append stdout and stderr to this file (the child may outlive its starter); otherwise piped and parsed. */
  logFile?: string;
  /** A session of its own (setsid): not signalled with the starter's terminal, may outlive it. */
  detached?: boolean;
}

export interface AppChild {
  proc: Subprocess;
  pid: number;
  /** JSON log lines printed so far (piped mode only). */
  logs: Record<string, unknown>[];
  /** The "pazarsync listening" line (piped mode); rejects if the process ends first. */
  listening: Promise<Record<string, unknown>>;
  /** Settles once stdout has been read to its end, so `logs` holds the last lines too. */
  stdoutDone: Promise<void>;
}

/** Splits a byte stream into lines; JSON lines go to onEntry, anything else is skipped. */
async function readJsonLines(stream: ReadableStream<Uint8Array>, onEntry: (entry: Record<string, unknown>) => void): Promise<void> {
  const decoder = new TextDecoder();
  let pending = "";
  for await (const chunk of stream) {
    pending += decoder.decode(chunk);
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) {
      if (!line.trim().startsWith("{")) continue;
      try {
        onEntry(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // A line cut by a crash mid-write is not evidence of anything.
      }
    }
  }
}

export function spawnApp(options: AppSpawnOptions): AppChild {
  const env = { PATH: process.env.PATH ?? "", ...options.env };
  if (options.logFile) {
    const fd = openSync(options.logFile, "a", 0o600);
    try {
      const proc = Bun.spawn([process.execPath, APP_MAIN], { env, stdin: "ignore", stdout: fd, stderr: fd, detached: options.detached });
      const listening = proc.exited.then((code) => Promise.reject(new Error(`app process exited (${code}); see ${options.logFile}`)));
      listening.catch(() => undefined);
      return { proc, pid: proc.pid, logs: [], listening, stdoutDone: proc.exited.then(() => undefined) };
    } finally {
      closeSync(fd);
    }
  }
  const proc = Bun.spawn([process.execPath, APP_MAIN], { env, stdin: "ignore", stdout: "pipe", stderr: "pipe", detached: options.detached });
  const logs: Record<string, unknown>[] = [];
  let stdoutDone: Promise<void> = Promise.resolve();
  const listening = new Promise<Record<string, unknown>>((resolve, reject) => {
    stdoutDone = readJsonLines(proc.stdout, (entry) => {
      logs.push(entry);
      if (entry.msg === "pazarsync listening") resolve(entry);
    });
    stdoutDone.then(() => reject(new Error(`app process exited before listening: ${JSON.stringify(logs)}`)), reject);
  });
  listening.catch(() => undefined);
  stdoutDone = stdoutDone.catch(() => undefined);
  // Drained so a chatty stderr never fills the pipe and stalls the child.
  void new Response(proc.stderr).text().catch(() => "");
  return { proc, pid: proc.pid, logs, listening, stdoutDone };
}

/** Rejects after ms with the message, unless the promise settles first. */
export async function within<T>(promise: Promise<T>, ms: number, message: () => string): Promise<T> {
  let timer: Timer | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message())), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls url until it answers 200; fails early when the process it belongs to ends. */
export async function waitForOk(url: string, proc: Subprocess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "no answer";
  while (Date.now() < deadline) {
    if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`process ${proc.pid} ended (${proc.exitCode ?? proc.signalCode}) before ${url} answered`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      last = `${res.status} ${(await res.text()).slice(0, 300)}`;
      if (res.status === 200) return;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await Bun.sleep(200);
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms: ${last}`);
}

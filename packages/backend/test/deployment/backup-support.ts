import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import postgres from "postgres";
import { databaseUrl, skipReason } from "../support/env";

export const BACKUP_SH = fileURLToPath(new URL("../../../../deployment/backup.sh", import.meta.url));
export const RESTORE_CHECK_SH = fileURLToPath(new URL("../../../../deployment/restore-check.sh", import.meta.url));

/** Why the round trip cannot run here (printed once), or undefined when it can. */
export function backupSkipReason(): string | undefined {
  const postgresReason = skipReason("postgres");
  if (postgresReason) return postgresReason;
  const missing = ["bash", "pg_dump", "pg_restore", "psql"].filter((tool) => !Bun.which(tool));
  if (missing.length === 0) return undefined;
  const reason = `${missing.join(", ")} not installed: the backup/restore round trip is skipped`;
  process.stderr.write(`[skip] ${reason}\n`);
  return reason;
}

/**
 * The scratch database's URL with a password added: the local server trusts 127.0.0.1 and
 * ignores it, so the scripts work and the test can look for it in their output. It holds a
 * '/' so the URL carries it percent-encoded and the scripts must decode it.
 */
export function withDummyPassword(url: string, password: string): string {
  const parsed = new URL(url);
  parsed.password = password;
  return parsed.toString();
}

export interface ScriptRun {
  code: number;
  stdout: string;
  output: string;
}

/** Runs a deployment script with only the given environment (no PG* leaking in from the runner). */
export async function runScript(script: string, env: Record<string, string>, args: string[] = []): Promise<ScriptRun> {
  const proc = Bun.spawn(["bash", script, ...args], {
    env: { PATH: process.env.PATH ?? "", ...env },
    cwd: tmpdir(),
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
  return { code: await proc.exited, stdout, output: stdout + stderr };
}

const folders: string[] = [];
export function tempFolder(label: string): string {
  const folder = mkdtempSync(join(tmpdir(), `ps-${label}-`));
  folders.push(folder);
  return folder;
}
export function removeTempFolders(): void {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
}

/** Whether a database of that name exists on the test server. */
export async function databaseExists(name: string): Promise<boolean> {
  const admin = postgres(databaseUrl as string, { max: 1, onnotice: () => undefined });
  try {
    const rows = await admin`select 1 from pg_database where datname = ${name}`;
    return rows.length > 0;
  } finally {
    await admin.end();
  }
}

/** The scratch database restore-check.sh announced. */
export function scratchNameOf(run: ScriptRun): string {
  const match = run.output.match(/scratch database: (pazarsync_restore_check_\d{14}_\d+)/);
  if (!match?.[1]) throw new Error(`restore-check.sh named no scratch database:\n${run.output}`);
  return match[1];
}

/**
 * A dump holds every password hash, encrypted marketplace credential and customer row: another
 * local user of the backup host must not be able to read it, whatever the umask of the shell
 * or cron job that runs backup.sh.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { createTestApp, type TestApp } from "../support/app";
import { BACKUP_SH, backupSkipReason, removeTempFolders, tempFolder } from "./backup-support";

const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);

describe.skipIf(!!backupSkipReason())("deployment/backup.sh file permissions", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ label: "backup_perms" });
  }, 60_000);
  afterAll(async () => {
    removeTempFolders();
    await t?.close();
  });

  /** backup.sh under umask 022, the usual default of a login shell and of cron: alone it gives 0644 files and 0755 folders. */
  async function backup(dir: string): Promise<string> {
    const proc = Bun.spawn(["bash", "-c", 'umask 022 && exec bash "$0"', BACKUP_SH], {
      env: { PATH: process.env.PATH ?? "", DATABASE_URL: t.config.databaseUrl as string, BACKUP_DIR: dir },
      stdin: "ignore",
      stdout: "pipe",
      stderr: "pipe",
    });
    const [stdout, stderr] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
    if ((await proc.exited) !== 0) throw new Error(`backup.sh failed:\n${stdout}${stderr}`);
    return stdout.trim().split("\n").at(-1) as string;
  }

  test("another local user cannot read a dump: the dump and its sidecar are 0600 in a folder backup.sh creates 0700", async () => {
    const dir = join(tempFolder("perms"), "backups");
    const path = await backup(dir);
    expect({ folder: mode(dir), dump: mode(path), counts: mode(`${path}.counts`) }).toEqual({ folder: "700", dump: "600", counts: "600" });
  }, 60_000);

  test("an existing world-readable backup folder is closed to 0700 before a dump is written into it", async () => {
    const dir = join(tempFolder("perms-open"), "backups");
    mkdirSync(dir);
    chmodSync(dir, 0o755);
    const path = await backup(dir);
    expect({ folder: mode(dir), dump: mode(path) }).toEqual({ folder: "700", dump: "600" });
    expect(readdirSync(dir).every((name) => mode(join(dir, name)) === "600")).toBe(true);
  }, 60_000);
});

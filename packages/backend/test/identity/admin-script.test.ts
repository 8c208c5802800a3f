import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createTestApp } from "../support/app";
import { createScratchDatabase, type ScratchDatabase } from "../support/database";
import { databaseUrl } from "../support/env";
import { bodyOf } from "../support/http";
import { get, login, uniqueEmail } from "../support/identity";

const SCRIPT = fileURLToPath(new URL("../../src/scripts/admin-create.ts", import.meta.url));
const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** A database the script and a later app can both open: a scratch Postgres database or a PGlite folder. */
async function sharedDatabaseEnv(): Promise<Record<string, string>> {
  if (databaseUrl) {
    const scratch: ScratchDatabase = await createScratchDatabase("adminscript");
    cleanups.push(() => scratch.drop());
    return { DATABASE_URL: scratch.url };
  }
  const folder = mkdtempSync(join(tmpdir(), "ps-admin-"));
  cleanups.push(() => rmSync(folder, { recursive: true, force: true }));
  return { PGLITE_DATA_DIR: join(folder, "pglite") };
}

async function runScript(env: Record<string, string>, args: string[], stdin?: string) {
  const proc = Bun.spawn([process.execPath, SCRIPT, ...args], {
    env: { PATH: process.env.PATH ?? "", NODE_ENV: "test", PASSWORD_MEMORY_COST_KIB: "1024", PASSWORD_TIME_COST: "1", ...env },
    stdin: stdin === undefined ? "ignore" : new Blob([stdin]),
    stdout: "pipe",
    stderr: "pipe",
  });
  const output = (await new Response(proc.stdout).text()) + (await new Response(proc.stderr).text());
  return { code: await proc.exited, output };
}

describe("bun run admin:create", () => {
  test("creates an admin who can log in; the password comes from stdin, never argv", async () => {
    const env = await sharedDatabaseEnv();
    const email = uniqueEmail("ops");
    const run = await runScript(env, ["--email", email], "a long admin password\n");
    expect(run.code).toBe(0);
    expect(run.output).not.toContain("a long admin password");
    const again = await runScript(env, ["--email", email], "another password entirely\n");
    expect(again.code).toBe(0);
    expect(again.output).toContain("left unchanged");

    const app = await createTestApp({ label: "adminscript", env });
    try {
      const tokens = await login(app, email, "a long admin password");
      expect((await bodyOf(await get(app, "/api/v1/auth/me", tokens.accessToken))).role).toBe("admin");
    } finally {
      await app.close();
    }
  }, 60_000);

  test("refuses a short password and names the problem", async () => {
    const run = await runScript(await sharedDatabaseEnv(), ["--email", uniqueEmail()], "short\n");
    expect(run.code).toBe(2);
    expect(run.output).toContain("10 to 256 characters");
  }, 60_000);
});

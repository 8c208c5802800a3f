import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { sql } from "drizzle-orm";
import { createTestApp, type TestApp } from "../support/app";
import { createScratchDatabase } from "../support/database";
import { databaseUrl } from "../support/env";
import { staff } from "../support/identity";
import { movements, stockedShelf } from "./support";

const SCRIPT = fileURLToPath(new URL("../../src/scripts/stock-check.ts", import.meta.url));
const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** A database the script and the app can both open in turn: a scratch Postgres database or a PGlite folder. */
async function sharedDatabaseEnv(): Promise<Record<string, string>> {
  if (databaseUrl) {
    const scratch = await createScratchDatabase("stockcheck");
    cleanups.push(() => scratch.drop());
    return { DATABASE_URL: scratch.url };
  }
  const folder = mkdtempSync(join(tmpdir(), "ps-stock-check-"));
  cleanups.push(() => rmSync(folder, { recursive: true, force: true }));
  return { PGLITE_DATA_DIR: join(folder, "pglite") };
}

async function runScript(env: Record<string, string>, args: string[] = []) {
  const proc = Bun.spawn([process.execPath, SCRIPT, ...args], {
    env: { PATH: process.env.PATH ?? "", NODE_ENV: "test", LOG_LEVEL: "warn", ...env },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const output = (await new Response(proc.stdout).text()) + (await new Response(proc.stderr).text());
  return { code: await proc.exited, output };
}

/** Runs fn against an app on the shared database and closes it: one PGlite folder belongs to one process at a time. */
async function withApp<T>(env: Record<string, string>, fn: (app: TestApp, token: string) => Promise<T>): Promise<T> {
  const app = await createTestApp({ label: "stockcheck", env });
  try {
    return await fn(app, (await staff(app)).tokens.accessToken);
  } finally {
    await app.close();
  }
}

describe("bun run stock:check", () => {
  test("exits 0 with a summary line when the stock is consistent", async () => {
    const env = await sharedDatabaseEnv();
    await withApp(env, (app, token) => stockedShelf(app, token, 4));
    const run = await runScript(env);
    expect(run.output).toContain("stock:check: 0 violation(s) found, clean; quarantine (apart from on hand): 0 unit(s) over 0 level(s)");
    expect(run.code).toBe(0);
  }, 60_000);

  test("exits 1 and names the violation when on hand differs from the shelves", async () => {
    const env = await sharedDatabaseEnv();
    const productId = await withApp(env, async (app, token) => {
      const stocked = await stockedShelf(app, token, 4);
      // An inconsistent row written directly: what the check exists to catch.
      await app.infra.database.db.execute(sql`update inventory_levels set on_hand = 7 where product_id = ${stocked.productId}`);
      return stocked.productId;
    });
    const run = await runScript(env);
    expect(run.code).toBe(1);
    expect(run.output).toContain("stock:check: 1 violation(s) found, 1 remain");
    expect(run.output).toContain(productId);
  }, 60_000);

  test("--repair writes a correcting ledger row and exits 0; the next check is clean", async () => {
    const env = await sharedDatabaseEnv();
    const productId = await withApp(env, async (app, token) => {
      const stocked = await stockedShelf(app, token, 4);
      // An inconsistent row written directly: what the check exists to catch.
      await app.infra.database.db.execute(sql`update inventory_levels set on_hand = 7 where product_id = ${stocked.productId}`);
      return stocked.productId;
    });
    const repaired = await runScript(env, ["--repair"]);
    expect(repaired.output).toMatch(/1 violation\(s\) found, 1 repaired with 1 ledger row\(s\) \(repair:[^)]+\), clean/);
    expect(repaired.code).toBe(0);
    expect((await runScript(env)).code).toBe(0);
    const [latest] = await withApp(env, async (app, token) => (await movements(app, token, productId)).items);
    expect(latest).toMatchObject({ kind: "ADJUSTMENT", delta: -3, onHandAfter: 4, actorId: null, correlationId: expect.stringMatching(/^repair:/) });
  }, 90_000);

  test("an unknown argument exits 2 without touching anything", async () => {
    const run = await runScript(await sharedDatabaseEnv(), ["--fix"]);
    expect(run.code).toBe(2);
    expect(run.output).toContain("usage: stock:check [--repair]");
  }, 60_000);
});

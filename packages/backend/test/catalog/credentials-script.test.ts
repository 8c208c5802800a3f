import { afterAll, describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createTestApp } from "../support/app";
import { createScratchDatabase } from "../support/database";
import { databaseUrl } from "../support/env";
import { bodyOf } from "../support/http";
import { admin, get, sendJson } from "../support/identity";

const SCRIPT = fileURLToPath(new URL("../../src/scripts/rotate-credentials.ts", import.meta.url));
const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** A database the script and the apps can each open in turn: a scratch Postgres database or a PGlite folder. */
async function sharedDatabaseEnv(): Promise<Record<string, string>> {
  if (databaseUrl) {
    const scratch = await createScratchDatabase("rotatescript");
    cleanups.push(() => scratch.drop());
    return { DATABASE_URL: scratch.url };
  }
  const folder = mkdtempSync(join(tmpdir(), "ps-rotate-"));
  cleanups.push(() => rmSync(folder, { recursive: true, force: true }));
  return { PGLITE_DATA_DIR: join(folder, "pglite") };
}

async function runScript(env: Record<string, string>) {
  const proc = Bun.spawn([process.execPath, SCRIPT], {
    env: { PATH: process.env.PATH ?? "", NODE_ENV: "test", LOG_LEVEL: "info", ...env },
    stdout: "pipe",
    stderr: "pipe",
  });
  const output = (await new Response(proc.stdout).text()) + (await new Response(proc.stderr).text());
  return { code: await proc.exited, output };
}

const SECRET = { apiKey: "script-key-1234", apiSecret: "script-secret-5678" };

describe("bun run credentials:rotate", () => {
  test("moves stores onto the new key; afterwards the app needs only the new key", async () => {
    const database = await sharedDatabaseEnv();
    const oldKey = randomBytes(32).toString("base64");
    const newKey = randomBytes(32).toString("base64");

    const before = await createTestApp({ label: "rotatescript", env: { ...database, CREDENTIALS_KEY: oldKey } });
    let storeId: string;
    try {
      const token = (await admin(before)).tokens.accessToken;
      const body = { name: "Hepsiburada", type: "HEPSIBURADA", sellerId: "hb-1", warehouseIds: [], credentials: SECRET };
      const res = await sendJson(before, "POST", "/api/v1/stores", body, token);
      expect(res.status).toBe(201);
      storeId = (await bodyOf(res)).id;
    } finally {
      await before.close();
    }

    const run = await runScript({ ...database, CREDENTIALS_KEY: newKey, CREDENTIALS_KEY_ID: "k2", CREDENTIALS_PREVIOUS_KEYS: `k1:${oldKey}` });
    expect(run.code).toBe(0);
    expect(run.output).toContain("credentials rotated");
    for (const value of [...Object.values(SECRET), oldKey, newKey]) expect(run.output).not.toContain(value);

    const after = await createTestApp({ label: "rotatescript", env: { ...database, CREDENTIALS_KEY: newKey, CREDENTIALS_KEY_ID: "k2" } });
    try {
      expect(await after.services.stores.credentialsFor(storeId)).toEqual(SECRET);
      const token = (await admin(after)).tokens.accessToken;
      expect((await bodyOf(await get(after, `/api/v1/stores/${storeId}`, token))).credentialsKeyId).toBe("k2");
    } finally {
      await after.close();
    }
  }, 60_000);

  test("refuses to run without CREDENTIALS_KEY, which would rotate onto a throwaway key", async () => {
    const run = await runScript({ ...(await sharedDatabaseEnv()) });
    expect(run.code).toBe(2);
    expect(run.output).toContain("CREDENTIALS_KEY must be set");
  }, 30_000);
});

import { afterAll, describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createTestApp, type TestApp } from "../support/app";
import { createScratchDatabase } from "../support/database";
import { databaseUrl, redisUrl, uniquePrefix } from "../support/env";
import { admin, staff } from "../support/identity";
import { listedProduct, shown, syncShop, type SyncShop } from "./engine-support";

const SCRIPT = fileURLToPath(new URL("../../src/scripts/sync-reconcile.ts", import.meta.url));
const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** A database, Redis prefix and credentials key the script and the app share. */
async function sharedEnv(): Promise<Record<string, string>> {
  const common = { CREDENTIALS_KEY: randomBytes(32).toString("base64"), REDIS_KEY_PREFIX: uniquePrefix("reconcile"), ...(redisUrl ? { REDIS_URL: redisUrl } : {}) };
  if (databaseUrl) {
    const scratch = await createScratchDatabase("reconcile");
    cleanups.push(() => scratch.drop());
    return { ...common, DATABASE_URL: scratch.url };
  }
  const folder = mkdtempSync(join(tmpdir(), "ps-reconcile-"));
  cleanups.push(() => rmSync(folder, { recursive: true, force: true }));
  return { ...common, PGLITE_DATA_DIR: join(folder, "pglite") };
}

async function runScript(env: Record<string, string>) {
  const proc = Bun.spawn([process.execPath, SCRIPT], {
    env: { PATH: process.env.PATH ?? "", NODE_ENV: "test", LOG_LEVEL: "warn", ...env },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const output = (await new Response(proc.stdout).text()) + (await new Response(proc.stderr).text());
  return { code: await proc.exited, output };
}

describe("bun run sync:reconcile", () => {
  test("marks every listing whose sellable differs from what the marketplace confirmed (and pushes them itself when embedded)", async () => {
    const env = await sharedEnv();
    // The app builds the shop, then closes: one PGlite folder belongs to one process at a time.
    let app: TestApp | undefined = await createTestApp({ label: "reconcile", env });
    const tokens = { staff: (await staff(app)).tokens.accessToken, admin: (await admin(app)).tokens.accessToken };
    const shop: SyncShop = await syncShop(app, tokens);
    const products = [await listedProduct(app, shop, tokens, 4), await listedProduct(app, shop, tokens, 9)];
    await app.close();
    app = undefined;

    const { code, output } = await runScript(env);
    expect(code).toBe(0);
    expect(output).toMatch(/sync:reconcile: \d+ store\(s\), 2 listing\(s\) checked, 2 marked/);

    if (redisUrl) {
      // Shared buffer: the marks wait in Redis for the running servers.
      const reader = await createTestApp({ label: "reconcile-read", env });
      cleanups.push(() => reader.close());
      for (const id of products) expect(await reader.services.sync.buffer.isMarked(shop.storeId, id)).toBe(true);
    } else {
      expect(output).toContain("2 pushed by this process");
      const quantities = await shown(shop);
      expect(products.map((id) => quantities[shop.barcodes.get(id) ?? ""])).toEqual([4, 9]);
    }
  });
});

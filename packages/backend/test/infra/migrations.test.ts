import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { openDatabase, queryRows, type DatabaseHandle } from "../../src/infra/db";
import { createLogger } from "../../src/infra/logger";
import { MIGRATIONS_FOLDER } from "../../src/infra/migrate";
import { createScratchDatabase } from "../support/database";
import { skipReason } from "../support/env";

const log = createLogger({ level: "silent", pretty: false });
const journal = JSON.parse(readFileSync(join(MIGRATIONS_FOLDER, "meta", "_journal.json"), "utf8")) as {
  entries: unknown[];
};

async function tablesOf(handle: DatabaseHandle): Promise<string[]> {
  const rows = await queryRows<{ table_name: string }>(
    handle.db,
    sql`select table_name from information_schema.tables where table_schema = 'public' order by table_name`,
  );
  return rows.map((r) => r.table_name);
}

async function appliedCount(handle: DatabaseHandle): Promise<number> {
  const rows = await queryRows<{ n: number }>(handle.db, sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
  return Number(rows[0]?.n);
}

async function expectSchemaInPlace(handle: DatabaseHandle): Promise<void> {
  expect(await tablesOf(handle)).toEqual(expect.arrayContaining(["users", "sessions"]));
  expect(await appliedCount(handle)).toBe(journal.entries.length);
  // The CHECK constraint arrived with the tables: an unnormalised email is refused.
  const refusal = await queryRows(handle.db, sql`insert into users (email, password_hash) values ('A@B.com', 'x')`).then(
    () => undefined,
    (error: Error) => String(error.cause ?? error),
  );
  expect(refusal).toContain("users_email_normalised");
}

describe("migrations", () => {
  test("apply to an empty PGlite database, and a second run changes nothing", async () => {
    const handle = await openDatabase({ pgliteDataDir: "memory://", log });
    try {
      expect(await tablesOf(handle)).toEqual([]);
      await handle.migrate();
      await handle.migrate();
      await expectSchemaInPlace(handle);
    } finally {
      await handle.close();
    }
  });

  describe.skipIf(!!skipReason("postgres"))("on a real Postgres server", () => {
    test("apply to an empty database", async () => {
      const scratch = await createScratchDatabase("migrate");
      const handle = await openDatabase({ url: scratch.url, log });
      try {
        expect(await tablesOf(handle)).toEqual([]);
        await handle.migrate();
        await expectSchemaInPlace(handle);
      } finally {
        await handle.close();
        await scratch.drop();
      }
    });

    test("two replicas migrating at once both succeed and apply each migration once", async () => {
      const scratch = await createScratchDatabase("migrate2");
      const a = await openDatabase({ url: scratch.url, log });
      const b = await openDatabase({ url: scratch.url, log });
      try {
        await Promise.all([a.migrate(), b.migrate(), a.migrate()]);
        await expectSchemaInPlace(a);
      } finally {
        await Promise.all([a.close(), b.close()]);
        await scratch.drop();
      }
    });
  });
});

import { describe, expect, test } from "bun:test";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { openDatabase, queryRows, type DatabaseHandle } from "../../src/infra/db";
import { createLogger } from "../../src/infra/logger";
import { MIGRATIONS_FOLDER } from "../../src/infra/migrate";
import { createScratchDatabase } from "../support/database";
import { skipReason } from "../support/env";

const log = createLogger({ level: "silent", pretty: false });
const journal = JSON.parse(readFileSync(join(MIGRATIONS_FOLDER, "meta", "_journal.json"), "utf8")) as {
  entries: { tag: string }[];
};

/** A copy of the migrations folder that stops just before the migration whose tag ends with `tag`. */
function migrationsBefore(tag: string): { folder: string; remove(): void } {
  const at = journal.entries.findIndex((entry) => entry.tag.endsWith(tag));
  if (at < 0) throw new Error(`no migration tagged *${tag} in ${MIGRATIONS_FOLDER}`);
  const folder = mkdtempSync(join(tmpdir(), "pazarsync-migrations-"));
  cpSync(MIGRATIONS_FOLDER, folder, { recursive: true });
  writeFileSync(join(folder, "meta", "_journal.json"), JSON.stringify({ ...journal, entries: journal.entries.slice(0, at) }));
  return { folder, remove: () => rmSync(folder, { recursive: true, force: true }) };
}

/** A store of the retired SANDBOX type, written before the migration that retires it. */
async function expectSandboxStoreBecomesTrendyol(handle: DatabaseHandle): Promise<void> {
  const before = migrationsBefore("store_type_without_sandbox");
  try {
    await handle.migrate(before.folder);
  } finally {
    before.remove();
  }
  await handle.db.execute(sql`insert into stores (name, type, seller_id, base_url) values ('old sandbox store', 'SANDBOX', '1001', 'http://127.0.0.1:4010')`);
  await handle.db.execute(sql`insert into stores (name, type) values ('web shop', 'WEB')`);
  await handle.migrate();
  const stores = await queryRows<{ name: string; type: string; seller_id: string | null; base_url: string | null }>(
    handle.db,
    sql`select name, type::text as type, seller_id, base_url from stores order by name`,
  );
  expect(stores).toEqual([
    { name: "old sandbox store", type: "TRENDYOL", seller_id: "1001", base_url: "http://127.0.0.1:4010" },
    { name: "web shop", type: "WEB", seller_id: null, base_url: null },
  ]);
  const types = await queryRows<{ type: string }>(handle.db, sql`select unnest(enum_range(null::store_type))::text as type`);
  expect(types.map((t) => t.type)).not.toContain("SANDBOX");
  await expectSchemaInPlace(handle);
}

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

  test("a SANDBOX store becomes a TRENDYOL store when the sandbox type is retired (PGlite)", async () => {
    const handle = await openDatabase({ pgliteDataDir: "memory://", log });
    try {
      await expectSandboxStoreBecomesTrendyol(handle);
    } finally {
      await handle.close();
    }
  });

  describe.skipIf(!!skipReason("postgres"))("on a real Postgres server", () => {
    test("a SANDBOX store becomes a TRENDYOL store when the sandbox type is retired", async () => {
      const scratch = await createScratchDatabase("migrate-sandbox");
      const handle = await openDatabase({ url: scratch.url, log });
      try {
        await expectSandboxStoreBecomesTrendyol(handle);
      } finally {
        await handle.close();
        await scratch.drop();
      }
    });

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

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { copyFileSync, existsSync, readdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { sql } from "drizzle-orm";
import { queryRows } from "../../src/infra/db";
import { createTestApp, type TestApp } from "../support/app";
import { createSet, newCustomer, openShop, placed, stockedProduct, type Shop } from "../order/support";
import {
  BACKUP_SH,
  RESTORE_CHECK_SH,
  backupSkipReason,
  databaseExists,
  removeTempFolders,
  runScript,
  scratchNameOf,
  tempFolder,
  withDummyPassword,
  type ScriptRun,
} from "./backup-support";

const JOURNAL = JSON.parse(readFileSync(new URL("../../../../drizzle/meta/_journal.json", import.meta.url), "utf8")) as { entries: unknown[] };
const PASSWORD = `notreal/${randomBytes(6).toString("hex")}`;
const DUMP_NAME = /^pazarsync-\d{8}T\d{6}\.\d{3}Z\.dump$/;

describe.skipIf(!!backupSkipReason())("deployment/backup.sh and restore-check.sh against real Postgres", () => {
  let t: TestApp;
  let shop: Shop;
  let componentA: string;
  let sourceUrl: string;

  beforeAll(async () => {
    t = await createTestApp({ label: "backup" });
    shop = await openShop(t);
    componentA = await stockedProduct(t, shop, 10);
    const componentB = await stockedProduct(t, shop, 6);
    const setId = await createSet(t, shop.staffToken, [{ productId: componentA, quantity: 2 }, { productId: componentB, quantity: 1 }]);
    // Reserves 2x2+1 of A and 2 of B: the reserved invariant has open allocations to compare.
    await placed(t, await newCustomer(t), shop.storeId, [{ productId: setId, quantity: 2 }, { productId: componentA, quantity: 1 }]);
    // One returned unit put aside: the quarantine invariant has a counter and ledger rows to compare.
    const aside = { actorId: null, correlationId: "backup-test", reason: "returned damaged" };
    await t.infra.database.db.transaction((tx) => t.services.inventory.quarantineInTransaction(tx, [{ productId: componentB, warehouseId: shop.warehouseId, quantity: 1 }], aside));
    sourceUrl = withDummyPassword(t.config.databaseUrl as string, PASSWORD);
  }, 60_000);

  afterAll(async () => {
    removeTempFolders();
    await t?.close();
  });

  const count = async (table: string) =>
    (await queryRows<{ n: number }>(t.infra.database.db, sql`select count(*)::int as n from ${sql.identifier(table)}`))[0]?.n;

  const expectNoPassword = (run: ScriptRun) => {
    expect(run.output).not.toContain(PASSWORD);
    expect(run.output).not.toContain(encodeURIComponent(PASSWORD));
  };

  async function backup(dir: string, env: Record<string, string> = {}): Promise<string> {
    const run = await runScript(BACKUP_SH, { DATABASE_URL: sourceUrl, BACKUP_DIR: dir, ...env });
    expectNoPassword(run);
    if (run.code !== 0) throw new Error(`backup.sh failed (${run.code}):\n${run.output}`);
    return run.stdout.trim().split("\n").at(-1) as string;
  }

  const restoreCheck = (env: Record<string, string>, args: string[] = []) =>
    runScript(RESTORE_CHECK_SH, { DATABASE_URL: sourceUrl, ...env }, args);

  test("backup.sh prints the path of a custom-format dump with a sidecar of the source's row counts and migrations", async () => {
    const dir = tempFolder("backup");
    const path = await backup(dir);
    expect(basename(path)).toMatch(DUMP_NAME);
    expect(path.startsWith(dir)).toBe(true);
    expect(readFileSync(path).subarray(0, 5).toString()).toBe("PGDMP"); // pg_dump's custom-format magic
    const sidecar = readFileSync(`${path}.counts`, "utf8");
    expect(sidecar).toContain(`table\tpublic.orders\t${await count("orders")}\n`);
    expect(sidecar).toContain(`table\tpublic.order_allocations\t${await count("order_allocations")}\n`);
    expect(sidecar).toContain(`table\tpublic.shelf_stock\t2\n`);
    expect(sidecar.match(/^migration\t\d+\t[0-9a-f]{64}$/gm)?.length).toBe(JOURNAL.entries.length);
    expect(readdirSync(dir).sort()).toEqual([basename(path), `${basename(path)}.counts`]); // no temporaries left
  }, 60_000);

  test("retention keeps the newest BACKUP_KEEP dumps and deletes the oldest with its sidecar", async () => {
    const dir = tempFolder("retention");
    const paths: string[] = [];
    for (let i = 0; i < 3; i++) paths.push(await backup(dir, { BACKUP_KEEP: "2" }));
    const [oldest, ...newest] = paths.map((p) => basename(p));
    expect(readdirSync(dir).sort()).toEqual(newest.flatMap((name) => [name, `${name}.counts`]).sort());
    expect(existsSync(join(dir, `${oldest}.counts`))).toBe(false);
  }, 90_000);

  test("BACKUP_RETENTION_DAYS deletes dumps older than that many days, with their sidecars, and nothing else", async () => {
    const dir = tempFolder("age");
    const aged = "pazarsync-20200101T000000.000Z.dump";
    const twentyDaysAgo = new Date(Date.now() - 20 * 86_400_000);
    for (const file of [aged, `${aged}.counts`, "notes.txt"]) {
      writeFileSync(join(dir, file), "old");
      utimesSync(join(dir, file), twentyDaysAgo, twentyDaysAgo);
    }
    const fresh = basename(await backup(dir, { BACKUP_RETENTION_DAYS: "7" }));
    expect(readdirSync(dir).sort()).toEqual(["notes.txt", fresh, `${fresh}.counts`].sort());
  }, 60_000);

  test("restore-check.sh restores the newest dump, prints every table's count against the backup's and passes", async () => {
    const dir = tempFolder("restore");
    await backup(dir);
    const run = await restoreCheck({ BACKUP_DIR: dir });
    expectNoPassword(run);
    expect(run.output).toContain("restore-check: OK");
    expect(run.code).toBe(0);
    expect(run.output).toContain(`count public.orders 1 backup 1 ok`);
    expect(run.output).toContain(`count public.order_allocations ${await count("order_allocations")} backup ${await count("order_allocations")} ok`);
    expect(run.output).toContain(`count public.stock_movements ${await count("stock_movements")} backup`);
    expect(run.output).toContain(`migrations: ${JOURNAL.entries.length} applied, the same as the source at backup time`);
    expect(run.output).toContain("invariant RESERVED_MISMATCH (reserved = open (RESERVED) order allocations): ok");
    expect(run.output).toContain("invariant QUARANTINE_MISMATCH (quarantined = the ledger's quarantine changes): ok");
    expect(run.output).toContain("quarantine (apart from on hand, never sellable): 1 unit(s) over 1 level(s)");
    expect(await databaseExists(scratchNameOf(run))).toBe(false);
  }, 90_000);

  test("a quarantined counter changed behind the ledger's back makes restore-check exit non-zero naming QUARANTINE_MISMATCH", async () => {
    const db = t.infra.database.db;
    await db.execute(sql`update inventory_levels set quarantined = quarantined + 2 where product_id = ${componentA}`);
    const dir = tempFolder("quarantine");
    let path: string;
    try {
      path = await backup(dir);
    } finally {
      await db.execute(sql`update inventory_levels set quarantined = quarantined - 2 where product_id = ${componentA}`);
    }
    const run = await restoreCheck({}, [path]);
    expect(run.code).toBe(1);
    expect(run.output).toContain("invariant QUARANTINE_MISMATCH (quarantined = the ledger's quarantine changes): 1 violation(s)");
    expect(run.output).toContain(`product ${componentA} warehouse ${shop.warehouseId} expected 0 actual 2`);
    expect(run.output).toContain("quarantine (apart from on hand, never sellable): 3 unit(s) over 2 level(s)");
  }, 90_000);

  test("a shelf quantity broken in the source makes restore-check exit non-zero naming ON_HAND_MISMATCH", async () => {
    const db = t.infra.database.db;
    // What the check exists to catch: a shelf changed behind the ledger's back.
    await db.execute(sql`update shelf_stock set quantity = quantity + 3 where product_id = ${componentA}`);
    const dir = tempFolder("broken");
    let path: string;
    try {
      path = await backup(dir);
    } finally {
      await db.execute(sql`update shelf_stock set quantity = quantity - 3 where product_id = ${componentA}`);
    }
    const run = await restoreCheck({}, [path]);
    expectNoPassword(run);
    expect(run.code).toBe(1);
    expect(run.output).toContain("invariant ON_HAND_MISMATCH (on hand = sum of the warehouse's shelves): 1 violation(s)");
    expect(run.output).toContain(`product ${componentA} warehouse ${shop.warehouseId} expected 13 actual 10`);
    expect(run.output).toContain("restore-check: FAILED: stock invariant ON_HAND_MISMATCH violated 1 time(s)");
    expect(await databaseExists(scratchNameOf(run))).toBe(false);
  }, 90_000);

  test("a restore whose counts differ from the sidecar fails naming the table", async () => {
    const dir = tempFolder("counts");
    const path = await backup(dir);
    const copy = join(dir, "copy.dump");
    copyFileSync(path, copy);
    // The dump holds 1 order; a sidecar saying 2 is what a dump that lost rows would look like.
    writeFileSync(`${copy}.counts`, readFileSync(`${path}.counts`, "utf8").replace("table\tpublic.orders\t1\n", "table\tpublic.orders\t2\n"));
    const run = await restoreCheck({}, [copy]);
    expect(run.code).toBe(1);
    expect(run.output).toContain("count public.orders 1 backup 2 MISMATCH");
    expect(run.output).toContain("restore-check: FAILED: table public.orders has 1 rows restored, 2 at backup time");
    expect(await databaseExists(scratchNameOf(run))).toBe(false);
  }, 90_000);

  test("backup.sh against a missing database exits non-zero, leaves nothing behind and masks the password", async () => {
    const dir = tempFolder("failed");
    const url = new URL(sourceUrl);
    url.pathname = `/ps_missing_${randomBytes(4).toString("hex")}`;
    const run = await runScript(BACKUP_SH, { DATABASE_URL: url.toString(), BACKUP_DIR: dir });
    expect(run.code).not.toBe(0);
    expect(run.stdout).toBe("");
    expect(run.output).toContain("postgres:***@");
    expectNoPassword(run);
    expect(readdirSync(dir)).toEqual([]);
  }, 60_000);
});

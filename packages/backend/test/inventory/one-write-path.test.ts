import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { sql } from "drizzle-orm";
import { createTestApp, type TestApp } from "../support/app";
import { staff } from "../support/identity";
import { movements, putStock } from "./support";
import { checkerFor, inTransaction, levelsOf, OpenAllocations, orderContext, productIn, reserve } from "./reservations-support";

// Every change of a level goes through one write path (level-changes.ts) that writes the ledger row
// with it; the reservation statement is the one other writer. These tests fail when a second appears.

const SRC = fileURLToPath(new URL("../../src/", import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

/** The production files holding a write (Drizzle builder or SQL text) to one of the tables. */
function writersOf(table: string, drizzleName: string): string[] {
  const text = new RegExp(`\\b(update|insert\\s+into|delete\\s+from)\\s+"?${table}\\b`, "i");
  const builder = new RegExp(`\\.(update|insert|delete)\\(\\s*${drizzleName}\\s*\\)`);
  return sourceFiles(SRC)
    .filter((file) => {
      const source = readFileSync(file, "utf8");
      return text.test(source) || builder.test(source);
    })
    .map((file) => relative(SRC, file))
    .sort();
}

describe("one write path in the source", () => {
  test("levels are written only by the level data module (behind changeLevels) and the reservation statement", () => {
    expect(writersOf("inventory_levels", "inventoryLevels")).toEqual(["domains/inventory/levels.ts", "domains/inventory/reservation-sql.ts"]);
  });

  test("ledger rows are written only by the ledger data module and the reservation statement", () => {
    expect(writersOf("stock_movements", "stockMovements")).toEqual(["domains/inventory/ledger.ts", "domains/inventory/reservation-sql.ts"]);
  });

  test("the level and ledger writes are called only by changeLevels", () => {
    const callers = sourceFiles(SRC)
      .filter((file) => /\b(addToLevel|changeLevelWithinChecks|appendMovements)\b/.test(readFileSync(file, "utf8")))
      .map((file) => relative(SRC, file))
      .sort();
    expect(callers).toEqual(["domains/inventory/ledger.ts", "domains/inventory/level-changes.ts", "domains/inventory/levels.ts"]);
  });

  test("shelves are written only by the shelf data module", () => {
    expect(writersOf("shelf_stock", "shelfStock")).toEqual(["domains/inventory/shelf-stock.ts"]);
  });
});

describe("the ledger replays to the levels", () => {
  let t: TestApp;
  let token: string;
  beforeAll(async () => {
    t = await createTestApp({ label: "inv-one-write-path" });
    token = (await staff(t)).tokens.accessToken;
  });
  afterAll(() => t.close());

  type Row = { kind: string; delta: number; onHandBefore: number; onHandAfter: number; reservedBefore: number; reservedAfter: number };

  test("after shelf changes, reserve, release, ship, restock and repair, every row starts where the one before ended and the last is the level", async () => {
    const open = new OpenAllocations();
    const { productId, warehouseIds } = await productIn(t, token, 6);
    const warehouseId = warehouseIds[0] as string;
    const { shelfId } = (await t.services.inventory.productStock(productId)).warehouses[0]?.shelves[0] ?? { shelfId: "" };
    await putStock(t, token, shelfId, productId, -2, "count");
    const held = await reserve(t, [{ productId, quantity: 3 }], [warehouseId]);
    open.add(held.allocations);
    const one = [{ productId, warehouseId, quantity: 1 }];
    await inTransaction(t, (tx) => t.services.inventory.releaseInTransaction(tx, one, orderContext("released")));
    open.remove(one);
    await inTransaction(t, (tx) => t.services.inventory.shipInTransaction(tx, one, orderContext("shipped")));
    open.remove(one);
    await inTransaction(t, (tx) => t.services.inventory.restockInTransaction(tx, [{ productId, shelfId, quantity: 2 }], orderContext("returned")));
    // The repair's two corrections: on hand to a shelf found short, reserved to allocations the orders no longer hold.
    await t.infra.database.db.execute(sql`update shelf_stock set quantity = quantity - 1 where product_id = ${productId}`);
    open.remove(one);
    const report = await checkerFor(t, open).repairInvariants(null);
    expect(report).toMatchObject({ ok: true });

    const rows: Row[] = (await movements(t, token, productId, "?limit=100")).items.reverse();
    expect(rows.map((row) => row.kind)).toEqual(["RECEIPT", "ADJUSTMENT", "RESERVE", "RELEASE", "SHIP", "RETURN", "ADJUSTMENT"]);
    let level = { onHand: 0, reserved: 0 };
    for (const row of rows) {
      expect({ onHand: row.onHandBefore, reserved: row.reservedBefore }).toEqual(level);
      expect(row.delta).toBe(row.onHandAfter - row.onHandBefore);
      level = { onHand: row.onHandAfter, reserved: row.reservedAfter };
    }
    expect(await levelsOf(t, productId, [warehouseId])).toEqual([level]);
    expect(level).toEqual({ onHand: 4, reserved: 0 });
  });
});

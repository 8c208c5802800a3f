import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { queryRows } from "../../src/infra/db";
import { createTestApp, type TestApp } from "../support/app";
import { addStock, createSet, createSimple, createStore, createWarehouse } from "../support/catalog";
import { bodyOf } from "../support/http";
import { admin, customer, get, staff } from "../support/identity";
import { listedProduct, shown, syncShop } from "../stock-sync/engine-support";

let t: TestApp;
const tokens = { staff: "", admin: "" };
beforeAll(async () => {
  t = await createTestApp({ label: "stock-beyond-int4", env: { SYNC_POLL_DELAY_MS: "0" } });
  tokens.staff = (await staff(t)).tokens.accessToken;
  tokens.admin = (await admin(t)).tokens.accessToken;
});
afterAll(() => t.close());

/** Each warehouse row stays a valid int4; only their sum does not. */
const PER_WAREHOUSE = 2_000_000_000;
const INT4_MAX = 2_147_483_647;

/**
 * One unit received through the API in each warehouse (so the level, shelf and ledger rows exist),
 * then raised by SQL: no service takes more than 1,000,000 at a time, and 2,000 receipts per
 * warehouse would be the only other way there.
 */
async function hugeStock(productId: string, warehouses: readonly { id: string; shelfId: string }[]): Promise<void> {
  for (const warehouse of warehouses) expect((await addStock(t, tokens.staff, warehouse.shelfId, productId, 1)).status).toBe(200);
  const db = t.infra.database.db;
  const raise = PER_WAREHOUSE - 1;
  for (const warehouse of warehouses) {
    await queryRows(db, sql`update inventory_levels set on_hand = on_hand + ${raise} where product_id = ${productId} and warehouse_id = ${warehouse.id} returning 1`);
    await queryRows(db, sql`update shelf_stock set quantity = quantity + ${raise} where product_id = ${productId} and shelf_id = ${warehouse.shelfId} returning 1`);
  }
}

describe("free stock summed over warehouses beyond int4", () => {
  test("product detail still answers 200, with the whole sum for the web store and for a set of it", async () => {
    const one = await createWarehouse(t, tokens.staff);
    const two = await createWarehouse(t, tokens.staff);
    const productId = await createSimple(t, tokens.staff, "Bulk");
    await hugeStock(productId, [one, two]);
    const web = await createStore(t, tokens.admin, { type: "WEB", warehouseIds: [one.id, two.id] });
    const set = await createSet(t, tokens.staff, [{ productId, quantity: 1 }]);

    const res = await get(t, `/api/v1/catalog/products/${productId}`, (await customer(t)).tokens.accessToken);
    expect(res.status).toBe(200);
    const entry = (await bodyOf(res)).availability.find((a: { storeId: string }) => a.storeId === web);
    expect(entry.sellable).toBe(2 * PER_WAREHOUSE);
    expect(entry.sellable).toBeGreaterThan(INT4_MAX);

    const setRes = await get(t, `/api/v1/catalog/products/${set}`, tokens.staff);
    expect(setRes.status).toBe(200);
    const setEntry = (await bodyOf(setRes)).availability.find((a: { storeId: string }) => a.storeId === web);
    expect(setEntry.sellable).toBe(2 * PER_WAREHOUSE);
    expect(setEntry.components).toEqual([{ productId, quantity: 1, free: 2 * PER_WAREHOUSE, sets: 2 * PER_WAREHOUSE }]);
  });

  test("the stock sync plans the marketplace's ceiling for it and the marketplace shows it", async () => {
    const one = await createWarehouse(t, tokens.staff);
    const two = await createWarehouse(t, tokens.staff);
    const shop = await syncShop(t, tokens, { storeBody: { warehouseIds: [one.id, two.id] } });
    const productId = await createSimple(t, tokens.staff, "Bulk listed");
    await hugeStock(productId, [one, two]);
    await listedProduct(t, shop, tokens, 0, productId);

    const [result] = (await t.services.sync.flushAll()).filter((r) => r.storeId === shop.storeId);
    expect(result).toMatchObject({ outcome: "sent", sent: 1 });
    expect((await shown(shop))[shop.barcodes.get(productId) ?? ""]).toBe(20_000);
  });
});

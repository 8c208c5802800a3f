import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { queryRows } from "../../src/infra/db";
import { createTestApp, type TestApp } from "../support/app";
import { admin, staff } from "../support/identity";
import { marketShop, sleep } from "./behaviour-support";
import { shown, stockWrites } from "./engine-support";

let t: TestApp;
const tokens = { staff: "", admin: "" };
beforeAll(async () => {
  t = await createTestApp({ label: "sync-scale", env: { SYNC_POLL_DELAY_MS: "0" } });
  tokens.staff = (await staff(t)).tokens.accessToken;
  tokens.admin = (await admin(t)).tokens.accessToken;
});
afterAll(() => t.close());

/**
 * n listed products with stock in the shop's warehouse, written with set-based SQL (as
 * bench/availability seeds): 2500 products through the API would take most of the test's time.
 */
async function seedListed(storeId: string, warehouseId: string, n: number, tag: string): Promise<{ id: string; barcode: string; onHand: number }[]> {
  const db = t.infra.database.db;
  await db.execute(sql`
    insert into products (sku, barcode, name, type, price, list_price, vat_rate)
    select ${tag} || '-' || g, ${tag} || lpad(g::text, 8, '0'), 'Bulk ' || g, 'SIMPLE', 1000, 1500, 20
    from generate_series(1, ${n}) g`);
  await db.execute(sql`
    insert into inventory_levels (product_id, warehouse_id, on_hand, reserved)
    select p.id, ${warehouseId}::uuid, 1 + right(p.barcode, 3)::int % 97, 0 from products p where p.sku like ${`${tag}-%`}`);
  await db.execute(sql`
    insert into listings (store_id, product_id, enabled)
    select ${storeId}::uuid, p.id, true from products p where p.sku like ${`${tag}-%`}`);
  const rows = await queryRows<{ id: string; barcode: string; on_hand: number }>(
    db,
    sql`select p.id, p.barcode, l.on_hand from products p join inventory_levels l on l.product_id = p.id where p.sku like ${`${tag}-%`}`,
  );
  return rows.map((r) => ({ id: r.id, barcode: r.barcode, onHand: Number(r.on_hand) }));
}

describe("batching at scale", () => {
  test("2500 dirty products go out as 3 requests of at most 1000 items, and the marketplace shows every one", async () => {
    const shop = await marketShop(t, tokens);
    const products = await seedListed(shop.storeId, shop.warehouse.id, 2500, `BULK${Date.now() % 100000}`);
    expect(products).toHaveLength(2500);
    await t.services.sync.markDirty(products.map((p) => ({ storeId: shop.storeId, productId: p.id })));
    expect((await t.services.sync.buffer.backlog(shop.storeId)).count).toBe(2500);

    const result = await t.services.sync.flushOne(shop.storeId);
    expect(result).toMatchObject({ outcome: "sent", sent: 2500, batches: 3 });
    const counts = stockWrites(shop).map((w) => w.itemCount);
    expect(counts).toHaveLength(3);
    expect(Math.max(...counts)).toBeLessThanOrEqual(1000);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(2500);
    expect(stockWrites(shop).every((w) => w.status === 200)).toBe(true);
    expect((await t.services.sync.buffer.backlog(shop.storeId)).count).toBe(0);

    const now = await shown(shop);
    const wrong = products.filter((p) => now[p.barcode] !== p.onHand);
    expect(wrong).toEqual([]);

    // Every receipt is polled to an end and confirms its items.
    expect(await t.services.sync.pollReceipts()).toBe(3);
    const confirmed = await queryRows<{ n: number }>(
      t.infra.database.db,
      sql`select count(*)::int as n from listings where store_id = ${shop.storeId}::uuid and last_push_status = 'SUCCEEDED'`,
    );
    expect(Number(confirmed[0]?.n)).toBe(2500);
  });

  test("products that dropped to 0 go out in the first request when the backlog is longer than a batch", async () => {
    const shop = await marketShop(t, tokens);
    const products = await seedListed(shop.storeId, shop.warehouse.id, 1100, `ZERO${Date.now() % 100000}`);
    const zeros = products.slice(0, 10);
    await t.infra.database.db.execute(
      sql`update inventory_levels set on_hand = 0 where product_id = any(${`{${zeros.map((p) => p.id).join(",")}}`}::uuid[])`,
    );
    // The zeros are marked last: by first-dirty time alone they would wait for the second request.
    await t.services.sync.markDirty(products.slice(10).map((p) => ({ storeId: shop.storeId, productId: p.id })));
    await sleep(5);
    await t.services.sync.markDirty(zeros.map((p) => ({ storeId: shop.storeId, productId: p.id })));

    expect(await t.services.sync.flushOne(shop.storeId)).toMatchObject({ outcome: "sent", sent: 1100, batches: 2 });
    const batches = [...shop.sandbox.state.batches.values()].sort((a, b) => a.createdAt - b.createdAt);
    expect(batches.map((b) => b.requestItems.length)).toEqual([1000, 100]);
    const first = new Map(batches[0]?.requestItems.map((i) => [i.barcode, i.quantity]));
    expect(zeros.map((z) => first.get(z.barcode))).toEqual(zeros.map(() => 0));
  });
});


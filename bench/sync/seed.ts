/**
 * The flush-cost catalog, written with set-based SQL (a benchmark seeds; tests go through the
 * API) in ranges, so the same store can grow from 10k to 100k products between measurements.
 * Product g is a set when g % 5 = 0 (20% sets) made of the simples g-3..g-1; simples hold stock
 * in the store's warehouse; every product is listed on the store; and sync_sent says the
 * marketplace was told 0 for every listing, as after a full push of a sold-out catalog, so the
 * table the flush reads is as large as the catalog and any product marked later differs from it.
 */
import { sql } from "drizzle-orm";
import { type Database, queryRows } from "../../packages/backend/src/infra/db";

export interface SeedRange {
  storeId: string;
  warehouseId: string;
  /** First product number, inclusive; a multiple of 5 plus 1 keeps every set's components in range. */
  from: number;
  /** Last product number, inclusive. */
  to: number;
}

const sku = (g: ReturnType<typeof sql>) => sql`'SY-' || lpad((${g})::text, 7, '0')`;

/** Adds products from..to with their stock, set components, listings and sync_sent rows; answers their ids. */
export async function seedRange(db: Database, range: SeedRange): Promise<string[]> {
  const { storeId, warehouseId, from, to } = range;
  await db.execute(sql`
    insert into products (sku, barcode, name, type, price, list_price, vat_rate)
    select ${sku(sql`g`)}, '86' || lpad(g::text, 11, '0'), 'Sync bench product ' || g,
           case when g % 5 = 0 then 'SET' else 'SIMPLE' end::product_type,
           case when g % 5 = 0 then 5000 else 1000 + g % 500 end, 6000, 20
    from generate_series(${from}::int, ${to}::int) g`);
  await db.execute(sql`
    with s as (select id, substring(sku from 4)::int as g from products
               where type = 'SET' and sku like 'SY-%' and substring(sku from 4)::int between ${from}::int and ${to}::int)
    insert into product_set_items (set_id, component_id, quantity)
    select s.id, p.id, 1 + (s.g + k) % 3
    from s cross join generate_series(1, 3) k
    join products p on p.sku = ${sku(sql`s.g - k`)}`);
  await db.execute(sql`
    insert into inventory_levels (product_id, warehouse_id, on_hand, reserved)
    select id, ${warehouseId}::uuid, 10 + abs(hashtext(sku)) % 90, 0 from products
    where type = 'SIMPLE' and sku like 'SY-%' and substring(sku from 4)::int between ${from}::int and ${to}::int`);
  const rows = await queryRows<{ id: string }>(
    db,
    sql`select id from products where sku like 'SY-%' and substring(sku from 4)::int between ${from}::int and ${to}::int order by sku`,
  );
  await db.execute(sql`
    insert into listings (store_id, product_id, enabled)
    select ${storeId}::uuid, id, true from products
    where sku like 'SY-%' and substring(sku from 4)::int between ${from}::int and ${to}::int`);
  await db.execute(sql`
    insert into sync_sent (store_id, product_id, quantity, sent_at)
    select ${storeId}::uuid, id, 0, now() from products
    where sku like 'SY-%' and substring(sku from 4)::int between ${from}::int and ${to}::int`);
  // Statistics and visibility map as autovacuum leaves them on a catalog this size, instead of
  // the first flushes after a bulk load paying for hint bits and a stale plan.
  await db.execute(sql`vacuum analyze`);
  // And the load's dirty pages written out now, not by a checkpoint during the timed flushes
  // (each flush commits, and its fsyncs would queue behind that checkpoint's writes).
  await db.execute(sql`checkpoint`);
  return rows.map((r) => r.id);
}

/** The warehouse the store sells from. */
export async function seedWarehouse(db: Database): Promise<string> {
  const [row] = await queryRows<{ id: string }>(db, sql`insert into warehouses (code, name) values ('SYNC-BENCH', 'Sync bench') returning id`);
  if (!row) throw new Error("the warehouse insert returned no id");
  return row.id;
}

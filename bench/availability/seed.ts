import { sql } from "drizzle-orm";
import type { Database } from "../../packages/backend/src/infra/db";

export interface SeedShape {
  products: number;
  /** Share of products that are sets, 0..1. */
  setShare: number;
  componentsPerSet: number;
}

/**
 * A catalog of the given size written with set-based SQL (a benchmark seeds; tests go through
 * the API). Simple products hold stock in two of three warehouses; every set has components
 * drawn from the simple products; three stores sell from the warehouses with listings for all.
 */
export async function seedCatalog(db: Database, shape: SeedShape): Promise<{ storeIds: string[]; productIds: string[]; setIds: string[] }> {
  const sets = Math.round(shape.products * shape.setShare);
  const simples = shape.products - sets;
  await db.execute(sql`insert into warehouses (code, name) select 'W' || g, 'Warehouse ' || g from generate_series(1, 3) g`);
  await db.execute(sql`
    insert into products (sku, barcode, name, type, price, list_price, vat_rate)
    select 'S-' || g, '869' || lpad(g::text, 10, '0'), 'Simple product ' || g, 'SIMPLE', 1000 + g % 500, 1500, 20
    from generate_series(1, ${simples}) g`);
  await db.execute(sql`
    insert into products (sku, barcode, name, type, price, list_price, vat_rate)
    select 'SET-' || g, '868' || lpad(g::text, 10, '0'), 'Set ' || g, 'SET', 5000, 6000, 20
    from generate_series(1, ${sets}) g`);
  await db.execute(sql`
    with s as (select id, row_number() over (order by sku) as n from products where type = 'SET'),
         p as (select id, row_number() over (order by sku) as n from products where type = 'SIMPLE')
    insert into product_set_items (set_id, component_id, quantity)
    select s.id, p.id, 1 + (s.n + k) % 3
    from s cross join generate_series(0, ${shape.componentsPerSet - 1}) k
    join p on p.n = 1 + ((s.n * 7 + k * 13) % ${simples})
    on conflict do nothing`);
  await db.execute(sql`
    insert into inventory_levels (product_id, warehouse_id, on_hand, reserved)
    select p.id, w.id, 10 + abs(hashtext(p.sku || w.code)) % 90, abs(hashtext(w.code || p.sku)) % 10
    from products p cross join warehouses w
    where p.type = 'SIMPLE' and w.code <> 'W3'`);
  await db.execute(sql`
    insert into stores (name, type, seller_id, safety_stock, percentage, max_quantity, floor)
    values ('Web shop', 'WEB', null, 0, 100, null, 0),
           ('Trendyol', 'TRENDYOL', '1001', 2, 80, 500, 3),
           ('Hepsiburada', 'HEPSIBURADA', 'HB-1', 1, 90, null, 0)`);
  await db.execute(sql`
    insert into store_warehouses (store_id, warehouse_id, priority)
    select s.id, w.id, row_number() over (partition by s.id order by w.code)
    from stores s cross join warehouses w`);
  await db.execute(sql`
    insert into listings (store_id, product_id, enabled)
    select s.id, p.id, true from stores s cross join products p where s.type <> 'WEB'`);
  const ids = async (query: ReturnType<typeof sql>) => {
    const result: unknown = await db.execute(query);
    const rows = (Array.isArray(result) ? result : (result as { rows: { id: string }[] }).rows) as { id: string }[];
    return rows.map((r) => r.id);
  };
  return {
    storeIds: await ids(sql`select id from stores order by name`),
    productIds: await ids(sql`select id from products where type = 'SIMPLE' order by sku`),
    setIds: await ids(sql`select id from products where type = 'SET' order by sku`),
  };
}

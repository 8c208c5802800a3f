import { sql } from "drizzle-orm";
import { type Database, queryRows } from "../../packages/backend/src/infra/db";

export interface BenchShop {
  storeId: string;
  /** Sorted by SKU; the first HOT_PRODUCTS are the hot ones. */
  productIds: string[];
  /** The WEB store sells from this one: the API's orders reserve here. */
  mainWarehouseId: string;
  /** Not sold by any store: the raw baseline's conditional updates land here, on rows of their own. */
  rawWarehouseId: string;
}

const id = async (db: Database, query: ReturnType<typeof sql>): Promise<string> => {
  const [row] = await queryRows<{ id: string }>(db, query);
  if (!row) throw new Error("the seed query returned no id");
  return row.id;
};

/**
 * A shop written with set-based SQL (a benchmark seeds; tests go through the API): simple
 * products, each with `stock` on a shelf in both warehouses (shelf stock, level and a RECEIPT
 * ledger row, so the stock invariants hold), and a WEB store selling from the main warehouse.
 */
export async function seedShop(db: Database, shape: { products: number; stock: number }): Promise<BenchShop> {
  const mainWarehouseId = await id(db, sql`insert into warehouses (code, name) values ('BENCH-MAIN', 'Bench main') returning id`);
  const rawWarehouseId = await id(db, sql`insert into warehouses (code, name) values ('BENCH-RAW', 'Bench raw baseline') returning id`);
  await db.execute(sql`insert into shelves (warehouse_id, code) select id, 'A1' from warehouses`);
  await db.execute(sql`
    insert into products (sku, barcode, name, type, price, list_price, vat_rate)
    select 'ORD-' || lpad(g::text, 6, '0'), '867' || lpad(g::text, 10, '0'), 'Bench product ' || g, 'SIMPLE', 1000 + g % 500, 1500, 20
    from generate_series(1, ${shape.products}) g`);
  await db.execute(sql`insert into shelf_stock (shelf_id, product_id, quantity) select s.id, p.id, ${shape.stock} from shelves s cross join products p`);
  await db.execute(sql`
    insert into inventory_levels (product_id, warehouse_id, on_hand, reserved)
    select p.id, s.warehouse_id, ${shape.stock}, 0 from shelves s cross join products p`);
  await db.execute(sql`
    insert into stock_movements (product_id, warehouse_id, shelf_id, kind, delta, on_hand_before, on_hand_after, reserved_before, reserved_after, reason, correlation_id)
    select p.id, s.warehouse_id, s.id, 'RECEIPT', ${shape.stock}, 0, ${shape.stock}, 0, 0, 'bench opening stock', 'bench-seed'
    from shelves s cross join products p`);
  const storeId = await id(db, sql`insert into stores (name, type) values ('Bench web shop', 'WEB') returning id`);
  await db.execute(sql`insert into store_warehouses (store_id, warehouse_id, priority) values (${storeId}, ${mainWarehouseId}, 1)`);
  const products = await queryRows<{ id: string }>(db, sql`select id from products order by sku`);
  return { storeId, productIds: products.map((p) => p.id), mainWarehouseId, rawWarehouseId };
}

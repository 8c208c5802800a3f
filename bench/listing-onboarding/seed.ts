/**
 * The onboarding catalog, written with set-based SQL (a benchmark seeds; tests go through the
 * API): COUNT simple products whose barcodes and stock codes (our skus) are the ones the sandbox
 * catalog generates, `${prefix}${n padded to 6}` for n in [0, COUNT), with stock in one warehouse.
 * The stock codes differ from the barcodes, as for a seller whose marketplace stock codes are its SKUs.
 */
import { sql } from "drizzle-orm";
import { type Database, queryRows } from "../../packages/backend/src/infra/db";

export interface OnboardingCatalog {
  warehouseId: string;
  barcodePrefix: string;
  stockCodePrefix: string;
  /** Product ids in barcode order. */
  productIds: string[];
}

export async function seedCatalog(db: Database, tag: string, count: number): Promise<OnboardingCatalog> {
  const barcodePrefix = `86${tag}`;
  const stockCodePrefix = `SC-${tag}-`;
  const [warehouse] = await queryRows<{ id: string }>(db, sql`insert into warehouses (code, name) values (${`ONB-${tag}`}, 'Onboarding bench') returning id`);
  if (!warehouse) throw new Error("the warehouse insert returned no id");
  await db.execute(sql`
    insert into products (sku, barcode, name, type, price, list_price, vat_rate)
    select ${stockCodePrefix} || lpad(g::text, 6, '0'), ${barcodePrefix} || lpad(g::text, 6, '0'), 'Onboarding product ' || g, 'SIMPLE', 1000 + g % 500, 2000, 20
    from generate_series(0, ${count - 1}::int) g`);
  await db.execute(sql`
    insert into inventory_levels (product_id, warehouse_id, on_hand, reserved)
    select id, ${warehouse.id}::uuid, 1 + abs(hashtext(barcode)) % 90, 0 from products where barcode like ${`${barcodePrefix}%`}`);
  const rows = await queryRows<{ id: string }>(db, sql`select id::text as id from products where barcode like ${`${barcodePrefix}%`} order by barcode`);
  await db.execute(sql`analyze`);
  return { warehouseId: warehouse.id, barcodePrefix, stockCodePrefix, productIds: rows.map((r) => r.id) };
}

/** The sandbox seller's catalog: the same COUNT listings, shown at 5 each, on the marketplace before we arrive. */
export async function seedRemote(sandboxUrl: string, sellerId: string, catalog: OnboardingCatalog, count: number): Promise<number> {
  const res = await fetch(`${sandboxUrl}/__sandbox/sellers/${sellerId}/catalog`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ generate: { count, barcodePrefix: catalog.barcodePrefix, stockCodePrefix: catalog.stockCodePrefix, quantity: 5, from: 0 } }),
  });
  const body = (await res.json()) as { listings?: number };
  if (res.status !== 200 || body.listings !== count) throw new Error(`seeding ${sellerId}'s catalog answered ${res.status} ${JSON.stringify(body)}`);
  return body.listings;
}

/** What the stock-sync engine needs of a store's listings to build a push: one statement per batch. */
import { sql } from "drizzle-orm";
import { queryRows, type Database } from "../../infra/db";
import { effectiveIdentifiers } from "./listing-identity";

export interface SyncTarget {
  productId: string;
  /** The listing's effective barcode on its marketplace (listing-identity.ts): the item's identity in the push. */
  barcode: string;
  /** The listing's effective stock code (Hepsiburada merchantSku, N11 stockCode). */
  stockCode: string;
  /** The marketplace's own id of the listing, where known. */
  marketplaceId: string | null;
  /** Marketplaces sell only enabled listings of active products; a disabled one is pushed as 0. */
  enabled: boolean;
  /** The quantity the marketplace last confirmed; null before the first confirmation. */
  lastPushedQuantity: number | null;
  /** The store's sale price (its listing override, else the product's), minor units. */
  salePrice: number;
  /** The product's list price, never below the sale price (a list price under it means nothing, and marketplaces refuse it). */
  listPrice: number;
  lastPushedPrice: number | null;
}

interface TargetRow extends Record<string, unknown> {
  product_id: string;
  effective_barcode: string;
  effective_stock_code: string;
  marketplace_id: string | null;
  enabled: boolean;
  last_pushed_quantity: number | null;
  sale_price: number;
  list_price: number;
  last_pushed_price: number | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The store's listings among these products, keyed by product. A product without a listing is
 * absent: the marketplace never heard of it, so there is nothing to correct there.
 */
export async function syncTargets(db: Database, storeId: string, productIds: readonly string[]): Promise<Map<string, SyncTarget>> {
  const ids = `{${productIds.filter((id) => UUID.test(id)).join(",")}}`;
  const rows = await queryRows<TargetRow>(
    db,
    sql`select l.product_id, ${effectiveIdentifiers}, (l.enabled and p.active) as enabled, l.last_pushed_quantity,
               coalesce(l.price, p.price) as sale_price, greatest(p.list_price, coalesce(l.price, p.price)) as list_price, l.last_pushed_price
        from listings l join products p on p.id = l.product_id join stores s on s.id = l.store_id
        where l.store_id = ${storeId} and l.product_id = any(${ids}::uuid[])`,
  );
  return new Map(
    rows.map((r) => [
      r.product_id,
      {
        productId: r.product_id,
        barcode: r.effective_barcode,
        stockCode: r.effective_stock_code,
        marketplaceId: r.marketplace_id,
        enabled: r.enabled,
        lastPushedQuantity: r.last_pushed_quantity === null ? null : Number(r.last_pushed_quantity),
        salePrice: Number(r.sale_price),
        listPrice: Number(r.list_price),
        lastPushedPrice: r.last_pushed_price === null ? null : Number(r.last_pushed_price),
      },
    ]),
  );
}

/** Every listing of a store in pages (product id order), for the full reconciliation. */
export async function listedProductsPage(db: Database, storeId: string, after: string | null, limit: number): Promise<string[]> {
  const rows = await queryRows<{ product_id: string }>(
    db,
    sql`select product_id from listings where store_id = ${storeId} and (${after}::uuid is null or product_id > ${after}::uuid)
        order by product_id limit ${limit}`,
  );
  return rows.map((r) => r.product_id);
}

/**
 * An in-process marketplace for listing imports: an adapter whose readListings pages through a
 * list the test builds (page tokens are offsets), and a catalog seeded with set-based SQL (2,000
 * products through the API would take most of the test's time, as in the sync scale test).
 */
import { sql } from "drizzle-orm";
import { queryRows } from "../../src/infra/db";
import type { MarketplaceAdapter } from "../../src/domains/marketplace/adapter";
import { trendyolProfile } from "../../src/domains/marketplace/trendyol/adapter";
import type { ListingPage, RemoteListing } from "../../src/domains/marketplace/types";
import type { TestApp } from "../support/app";

export const PAGE_SIZE = 100;

export interface ListingReader {
  adapter: MarketplaceAdapter;
  /** Pages read so far (their tokens; "" for the first). */
  reads: string[];
}

/** An adapter reading `listings` PAGE_SIZE at a time; `gate` may hold a page's read until the test lets it go. */
export function listingReader(listings: readonly RemoteListing[], gate?: (offset: number) => Promise<void>): ListingReader {
  const reads: string[] = [];
  const refuse = () => Promise.reject(new Error("this test adapter only reads listings"));
  const adapter: MarketplaceAdapter = {
    marketplace: "TRENDYOL",
    profile: {
      ...trendyolProfile,
      rateLimits: [...trendyolProfile.rateLimits, { group: "test-listings", requests: 100_000, perMs: 1000 }],
      groups: { ...trendyolProfile.groups, listings: "test-listings" },
    },
    validate: (items) => ({ valid: [...items], rejected: [] }),
    pushStockAndPrice: refuse,
    batchStatus: refuse,
    async readListings(request): Promise<ListingPage> {
      reads.push(request.page ?? "");
      const offset = request.page ? Number(request.page) : 0;
      await gate?.(offset);
      const end = offset + PAGE_SIZE;
      return { listings: listings.slice(offset, end), next: end < listings.length ? String(end) : null, total: listings.length };
    },
  };
  return { adapter, reads };
}

/** An adapter of a marketplace whose listing reads are not written. */
export function nonReader(): MarketplaceAdapter {
  const { adapter } = listingReader([]);
  const { readListings: _omitted, ...rest } = adapter;
  return rest;
}

/** Products `${tag}-S-i` / `${tag}-B-i` (sku / barcode) for i in [from, to]; answers their ids by i. */
export async function seedProducts(t: TestApp, tag: string, from: number, to: number): Promise<Map<number, string>> {
  const db = t.infra.database.db;
  await db.execute(sql`
    insert into products (sku, barcode, name, type, price, list_price, vat_rate)
    select ${tag} || '-S-' || n, ${tag} || '-B-' || n, 'Imported ' || n, 'SIMPLE', 10000, 12000, 20
    from generate_series(${from}::int, ${to}::int) n`);
  const rows = await queryRows<{ id: string; sku: string }>(db, sql`select id, sku from products where sku like ${`${tag}-S-%`}`);
  return new Map(rows.map((row) => [Number(row.sku.slice(`${tag}-S-`.length)), row.id]));
}

/** A product with the sku and barcode given (ambiguity needs one product's sku to be another's barcode). */
export async function seedProduct(t: TestApp, sku: string, barcode: string): Promise<string> {
  const [row] = await queryRows<{ id: string }>(
    t.infra.database.db,
    sql`insert into products (sku, barcode, name, type, price, list_price, vat_rate) values (${sku}, ${barcode}, 'Odd one', 'SIMPLE', 10000, 12000, 20) returning id`,
  );
  if (!row) throw new Error("product not inserted");
  return row.id;
}

export interface ListingSnapshot extends Record<string, unknown> {
  product_id: string;
  enabled: boolean;
  barcode: string | null;
  stock_code: string | null;
  marketplace_product_id: string | null;
  import_job_id: string | null;
  fulfilled_by_marketplace: boolean;
  locked_by_marketplace: boolean;
  last_seen_quantity: number | null;
  updated_at: string;
}

/** Every listing of the store as stored, by product id. */
export async function storeListings(t: TestApp, storeId: string): Promise<Map<string, ListingSnapshot>> {
  const rows = await queryRows<ListingSnapshot>(
    t.infra.database.db,
    sql`select product_id, enabled, barcode, stock_code, marketplace_product_id, import_job_id, fulfilled_by_marketplace,
          locked_by_marketplace, last_seen_quantity, updated_at::text as updated_at
        from listings where store_id = ${storeId}::uuid`,
  );
  return new Map(rows.map((row) => [row.product_id, row]));
}

/**
 * Bulk listing operations: one store's listings of every product matching a filter enabled,
 * disabled or given overrides, a page of products (id order) per statement. Each statement writes
 * only listings whose values really change and answers those, so exactly the changed pairs are
 * marked for sync: an operation repeated changes and marks nothing.
 */
import type { ListingBulk, Stores } from "@pazarsync/shared";
import { sql, type SQL } from "drizzle-orm";
import { queryRows, type Database } from "../../infra/db";
import { isForeignKeyViolation } from "../../infra/pg-errors";
import type { StoreProduct } from "../stock-sync/dirty-buffer";
import { StoreNotFound } from "../catalog/errors";
import { BulkFilterEmpty, BulkSetEmpty, StoreNotMarketplace } from "./errors";

export interface BulkDeps {
  db: Database;
  findStore(id: string): Promise<Stores.Store | undefined>;
  /** The sync's dirty buffer: called after each page's statement with the pairs it changed. */
  markDirty(pairs: readonly StoreProduct[]): Promise<void>;
  /** Products per statement; 2000 by default. */
  pageSize?: number;
}

const PAGE_SIZE = 2000;

/** The listing columns a bulk operation may set, with the value each gets (null clears an override). */
type Assignments = [column: string, value: boolean | number | null][];

function assignmentsOf(set: ListingBulk.BulkSet): Assignments {
  const out: Assignments = [];
  if (set.enabled !== undefined) out.push(["enabled", set.enabled]);
  if (set.price !== undefined) out.push(["price", set.price]);
  const policy = set.policy ?? {};
  if (policy.safetyStock !== undefined) out.push(["safety_stock", policy.safetyStock]);
  if (policy.percentage !== undefined) out.push(["percentage", policy.percentage]);
  if (policy.maxQuantity !== undefined) out.push(["max_quantity", policy.maxQuantity]);
  if (policy.floor !== undefined) out.push(["floor", policy.floor]);
  return out;
}

/** LIKE treats % and _ as wildcards: a prefix is matched as the characters it is. */
export const likePrefix = (prefix: string) => `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

function filterOf(storeId: string, filter: ListingBulk.BulkFilter): SQL[] {
  const where: SQL[] = [];
  if (filter.type !== undefined) where.push(sql`p.type = ${filter.type}`);
  if (filter.skuPrefix !== undefined) where.push(sql`p.sku like ${likePrefix(filter.skuPrefix)} escape '\\'`);
  if (filter.barcodes !== undefined) where.push(sql`p.barcode in (select jsonb_array_elements_text(${JSON.stringify(filter.barcodes)}::jsonb))`);
  if (filter.importJobId !== undefined) {
    where.push(sql`exists (select 1 from listings i where i.store_id = ${storeId}::uuid and i.product_id = p.id and i.import_job_id = ${filter.importJobId}::uuid)`);
  }
  return where;
}

interface PageRow extends Record<string, unknown> {
  matched: number | string;
  last: string | null;
  changed: string[] | string | null;
}

/**
 * One page: the next `limit` matching products after `after`, and in the same statement their
 * listings written where a value differs. Enabling creates missing listings (a product newly
 * offered); disabling or setting overrides only touches listings that exist, so a filter never
 * lists a product by accident (a new disabled listing would push 0 for a product the marketplace
 * may not know).
 */
function pageStatement(storeId: string, where: SQL[], assignments: Assignments, after: string | null, limit: number): SQL {
  const columns = assignments.map(([column]) => sql.raw(`"${column}"`));
  const values = assignments.map(([column, value]) => (column === "enabled" ? sql`${value}::boolean` : sql`${value}::integer`));
  const differs = sql.join(
    assignments.map(([column], i) => sql`l.${sql.raw(`"${column}"`)} is distinct from ${values[i]}`),
    sql` or `,
  );
  const creates = assignments.some(([column, value]) => column === "enabled" && value === true);
  const page = sql`select p.id from products p where ${sql.join([...where, sql`(${after}::uuid is null or p.id > ${after}::uuid)`], sql` and `)} order by p.id limit ${limit}`;
  const write = creates
    ? sql`insert into listings as l (store_id, product_id, ${sql.join(columns, sql`, `)})
          select ${storeId}::uuid, page.id, ${sql.join(values, sql`, `)} from page
          on conflict (store_id, product_id) do update set ${sql.join(
            assignments.map(([column]) => sql`${sql.raw(`"${column}"`)} = excluded.${sql.raw(`"${column}"`)}`),
            sql`, `,
          )}, updated_at = now()
          where ${differs}
          returning l.product_id`
    : sql`update listings l set ${sql.join(
        assignments.map(([column], i) => sql`${sql.raw(`"${column}"`)} = ${values[i]}`),
        sql`, `,
      )}, updated_at = now()
          from page where l.store_id = ${storeId}::uuid and l.product_id = page.id and (${differs})
          returning l.product_id`;
  return sql`with page as (${page}), written as (${write})
    select (select count(*) from page) as matched, (select id::text from page order by id desc limit 1) as last,
           (select coalesce(array_agg(product_id::text), '{}') from written) as changed`;
}

/** Postgres arrays come back as arrays from postgres.js and PGlite alike; a text form is parsed for safety. */
const idsOf = (value: PageRow["changed"]): string[] =>
  value === null ? [] : Array.isArray(value) ? value : value.replace(/^\{|\}$/g, "").split(",").filter((id) => id.length > 0);

export async function bulkListings(deps: BulkDeps, storeId: string, body: ListingBulk.BulkListingsBody): Promise<ListingBulk.BulkListingsResult> {
  const where = filterOf(storeId, body.filter);
  if (where.length === 0) throw new BulkFilterEmpty();
  const assignments = assignmentsOf(body.set);
  if (assignments.length === 0) throw new BulkSetEmpty();
  const store = await deps.findStore(storeId);
  if (!store) throw new StoreNotFound(storeId);
  if (store.type === "WEB") throw new StoreNotMarketplace(storeId);
  const limit = deps.pageSize ?? PAGE_SIZE;
  let matched = 0;
  let changed = 0;
  for (let after: string | null = null; ; ) {
    const [row]: PageRow[] = await queryRows<PageRow>(deps.db, pageStatement(storeId, where, assignments, after, limit)).catch((error: unknown) => {
      // The store was deleted meanwhile.
      throw isForeignKeyViolation(error, "listings_store_id_stores_id_fk") ? new StoreNotFound(storeId) : error;
    });
    const count = Number(row?.matched ?? 0);
    const ids = idsOf(row?.changed ?? null);
    matched += count;
    changed += ids.length;
    // After the statement committed: the flush reads the new values.
    await deps.markDirty(ids.map((productId) => ({ storeId, productId })));
    if (count < limit || !row?.last) break;
    after = row.last;
  }
  return { matched, changed };
}

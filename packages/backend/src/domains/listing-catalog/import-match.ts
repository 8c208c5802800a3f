/**
 * One page of a listing import, inside its step's transaction: the remote listings matched to
 * products in one statement (their rows upserted with the outcome), then the LINKED ones written
 * to the store's listings in one statement that changes only what differs. The effective
 * identifiers follow catalog/listing-identity.ts: barcode = listing's ?? product's; stock code =
 * listing's ?? (store's stock_code_source = SKU ? product sku : product barcode).
 */
import { sql } from "drizzle-orm";
import { type Database, queryRows } from "../../infra/db";
import type { RemoteListing } from "../marketplace/types";
import { defaultStockCodeOf } from "../catalog/listing-identity";

/** A remote listing as the page statement takes it (short names: it travels as one jsonb parameter). */
interface PageItem {
  k: string;
  pos: number;
  b: string | null;
  s: string | null;
  m: string | null;
  q: number | null;
  f: boolean;
  l: boolean;
}

const text = (value: string | undefined) => (value === undefined || value.trim() === "" ? null : value);

/** The marketplace's key of a listing: its id, else its stock code, else its barcode; one with none is keyed by where it was read. */
export function remoteKey(listing: RemoteListing, position: number): string {
  return text(listing.marketplaceId) ?? text(listing.stockCode) ?? text(listing.barcode) ?? `#${position}`;
}

/** The page's listings with their keys and positions; a key the page repeats keeps its first reading. */
export function pageItems(listings: readonly RemoteListing[], firstPosition: number): PageItem[] {
  const seen = new Set<string>();
  const items: PageItem[] = [];
  listings.forEach((listing, index) => {
    const pos = firstPosition + index;
    const k = remoteKey(listing, pos);
    if (seen.has(k)) return;
    seen.add(k);
    const quantity = listing.quantity;
    items.push({
      k,
      pos,
      b: text(listing.barcode),
      s: text(listing.stockCode),
      m: text(listing.marketplaceId),
      q: quantity !== undefined && Number.isInteger(quantity) && Math.abs(quantity) <= 2_000_000_000 ? quantity : null,
      f: listing.fulfilledByMarketplace === true,
      l: listing.locked === true,
    });
  });
  return items;
}

/**
 * Matches the page and upserts its rows. Barcode first (a listing of this store carrying it, or
 * the product's own), then stock code (a listing's, a product's sku or barcode):
 * - nothing: UNLINKED NO_MATCH;
 * - several products on the deciding identifier: CONFLICT AMBIGUOUS;
 * - the stock code names another product than the barcode: BARCODE_AND_STOCK_CODE_DISAGREE;
 * - another remote listing of this import linked the product (an earlier page, or earlier on this
 *   page), or shares its barcode or stock code on this page: DUPLICATE_REMOTE (the first read wins);
 * - the product's listing is linked to another marketplace id: TAKEN.
 */
async function upsertRows(tx: Database, jobId: string, storeId: string, items: readonly PageItem[]): Promise<void> {
  await tx.execute(sql`
    with r as (
      select * from jsonb_to_recordset(${JSON.stringify(items)}::jsonb) as r(k text, pos int, b text, s text, m text, q int, f boolean, l boolean)
    ),
    by_barcode as (
      select r.k, array_agg(distinct c.id order by c.id) as ids from r
      join lateral (
        select l.product_id as id from listings l where l.store_id = ${storeId}::uuid and l.barcode = r.b
        union select p.id from products p where p.barcode = r.b
      ) c on true
      group by r.k
    ),
    by_stock_code as (
      select r.k, array_agg(distinct c.id order by c.id) as ids from r
      join lateral (
        select l.product_id as id from listings l where l.store_id = ${storeId}::uuid and l.stock_code = r.s
        union select p.id from products p where p.sku = r.s or p.barcode = r.s
      ) c on true
      group by r.k
    ),
    matched as (
      select r.*, b.ids as b_ids, s.ids as s_ids,
        case
          when b.ids is null and s.ids is null then 'NO_MATCH'
          when cardinality(coalesce(b.ids, s.ids)) > 1 then 'AMBIGUOUS'
          when b.ids is not null and s.ids is not null and s.ids <> b.ids then 'BARCODE_AND_STOCK_CODE_DISAGREE'
        end as refused,
        (coalesce(b.ids, s.ids))[1] as pid
      from r
      left join by_barcode b on b.k = r.k
      left join by_stock_code s on s.k = r.k
    ),
    ranked as (
      select m.*,
        case when m.refused is null then row_number() over (partition by m.refused is null, m.pid order by m.pos) end as product_rank,
        case when m.refused is null and m.b is not null then row_number() over (partition by m.refused is null, m.b order by m.pos) end as barcode_rank,
        case when m.refused is null and m.s is not null then row_number() over (partition by m.refused is null, m.s order by m.pos) end as stock_code_rank
      from matched m
    ),
    decided as (
      select x.*,
        coalesce(x.refused, case
          when x.product_rank > 1 or x.barcode_rank > 1 or x.stock_code_rank > 1 then 'DUPLICATE_REMOTE'
          when exists (
            select 1 from listing_import_rows o
            where o.job_id = ${jobId}::uuid and o.outcome = 'LINKED' and o.product_id = x.pid and o.remote_key <> x.k
          ) then 'DUPLICATE_REMOTE'
          when x.m is not null and exists (
            select 1 from listings l
            where l.store_id = ${storeId}::uuid and l.product_id = x.pid and l.marketplace_product_id is not null and l.marketplace_product_id <> x.m
          ) then 'TAKEN'
        end) as reason
      from ranked x
    )
    insert into listing_import_rows (job_id, remote_key, position, barcode, stock_code, marketplace_product_id, quantity,
      fulfilled_by_marketplace, locked, outcome, product_id, reason, candidates)
    select ${jobId}::uuid, d.k, d.pos, d.b, d.s, d.m, d.q, d.f, d.l,
      case when d.reason is null then 'LINKED' when d.reason = 'NO_MATCH' then 'UNLINKED' else 'CONFLICT' end,
      case when d.reason in ('NO_MATCH', 'AMBIGUOUS', 'BARCODE_AND_STOCK_CODE_DISAGREE') then null else d.pid end,
      d.reason,
      case
        when d.reason = 'NO_MATCH' then null
        when d.reason is null then null
        else to_jsonb(array(select distinct unnest(coalesce(d.b_ids, '{}') || coalesce(d.s_ids, '{}')) order by 1))
      end
    from decided d
    on conflict (job_id, remote_key) do update set
      barcode = excluded.barcode, stock_code = excluded.stock_code, marketplace_product_id = excluded.marketplace_product_id,
      quantity = excluded.quantity, fulfilled_by_marketplace = excluded.fulfilled_by_marketplace, locked = excluded.locked,
      outcome = excluded.outcome, product_id = excluded.product_id, reason = excluded.reason, candidates = excluded.candidates
  `);
}

/**
 * Writes the page's LINKED rows to the store's listings: the marketplace's identifiers (a barcode
 * or stock code only where it differs from the default, so a later catalog change still flows),
 * its flags and the quantity it shows. An existing listing keeps its enabled flag and overrides; a
 * row is written only where something differs, and the import is recorded on it only where an
 * identifier or flag changed. Answers the products whose listing this job created or changed.
 */
async function linkListings(tx: Database, jobId: string, storeId: string, keys: readonly string[], enable: boolean, at: Date): Promise<string[]> {
  const rekeyed = sql.raw(`(t.barcode, t.stock_code) is distinct from (excluded.barcode, excluded.stock_code)`);
  const rows = await queryRows<{ product_id: string; import_job_id: string | null; enabled: boolean; unconfirmed: boolean; inserted: boolean }>(
    tx,
    sql`
      insert into listings as t (store_id, product_id, enabled, barcode, stock_code, marketplace_product_id, import_job_id,
        fulfilled_by_marketplace, locked_by_marketplace, last_seen_quantity, last_seen_at, created_at, updated_at)
      select ${storeId}::uuid, x.product_id, ${enable}::boolean,
        case when x.barcode is null then l.barcode when x.barcode = p.barcode then null else x.barcode end,
        case
          when x.stock_code is null then l.stock_code
          when x.stock_code = ${defaultStockCodeOf} then null
          else x.stock_code
        end,
        coalesce(x.marketplace_product_id, l.marketplace_product_id),
        ${jobId}::uuid, x.fulfilled_by_marketplace, x.locked, coalesce(x.quantity, l.last_seen_quantity), ${at.toISOString()}::timestamptz, ${at.toISOString()}::timestamptz, ${at.toISOString()}::timestamptz
      from listing_import_rows x
      join products p on p.id = x.product_id
      join stores s on s.id = ${storeId}::uuid
      left join listings l on l.store_id = ${storeId}::uuid and l.product_id = x.product_id
      where x.job_id = ${jobId}::uuid and x.outcome = 'LINKED'
        and x.remote_key in (select jsonb_array_elements_text(${JSON.stringify(keys)}::jsonb))
      on conflict (store_id, product_id) do update set
        barcode = excluded.barcode, stock_code = excluded.stock_code, marketplace_product_id = excluded.marketplace_product_id,
        fulfilled_by_marketplace = excluded.fulfilled_by_marketplace, locked_by_marketplace = excluded.locked_by_marketplace,
        import_job_id = case
          when (t.barcode, t.stock_code, t.marketplace_product_id, t.fulfilled_by_marketplace, t.locked_by_marketplace)
            is distinct from (excluded.barcode, excluded.stock_code, excluded.marketplace_product_id, excluded.fulfilled_by_marketplace, excluded.locked_by_marketplace)
          then excluded.import_job_id else t.import_job_id end,
        last_seen_quantity = excluded.last_seen_quantity, last_seen_at = excluded.last_seen_at, updated_at = excluded.updated_at,
        -- Known by other keys now: what the marketplace confirmed under the old ones says nothing (as a listing PUT does).
        last_pushed_quantity = case when ${rekeyed} then null else t.last_pushed_quantity end,
        last_pushed_price = case when ${rekeyed} then null else t.last_pushed_price end,
        last_pushed_at = case when ${rekeyed} then null else t.last_pushed_at end,
        last_push_status = case when ${rekeyed} then null else t.last_push_status end
      where (t.barcode, t.stock_code, t.marketplace_product_id, t.fulfilled_by_marketplace, t.locked_by_marketplace, t.last_seen_quantity)
        is distinct from (excluded.barcode, excluded.stock_code, excluded.marketplace_product_id, excluded.fulfilled_by_marketplace, excluded.locked_by_marketplace, excluded.last_seen_quantity)
      returning t.product_id, t.import_job_id, t.enabled, t.last_pushed_at is null as unconfirmed, (t.xmax = 0) as inserted
    `,
  );
  // A last-seen quantity alone is no change to push: only listings this job (re)identified are marked.
  const changed = rows.filter((row) => row.import_job_id === jobId);
  // What was sent under the old keys is forgotten too, else the flush would skip an unchanged quantity.
  const forget = changed.filter((row) => row.unconfirmed).map((row) => row.product_id);
  if (forget.length > 0) {
    await tx.execute(sql`delete from sync_sent where store_id = ${storeId}::uuid and product_id = any(${`{${forget.join(",")}}`}::uuid[])`);
  }
  // A listing linked disabled is not pushed (a disabled listing is told 0): the seller enables it when ready.
  return changed.filter((row) => row.enabled || !row.inserted).map((row) => row.product_id);
}

export interface ImportCounts {
  read: number;
  linked: number;
  unlinked: number;
  conflicting: number;
  [name: string]: number;
}

/** The job's counts as its rows say (a listing read twice is counted once). */
async function countRows(tx: Database, jobId: string): Promise<ImportCounts> {
  const rows = await queryRows<{ outcome: string; n: number | string }>(
    tx,
    sql`select outcome, count(*) as n from listing_import_rows where job_id = ${jobId}::uuid group by outcome`,
  );
  const of = (outcome: string) => Number(rows.find((row) => row.outcome === outcome)?.n ?? 0);
  const linked = of("LINKED");
  const unlinked = of("UNLINKED");
  const conflicting = of("CONFLICT");
  return { read: linked + unlinked + conflicting, linked, unlinked, conflicting };
}

/** One page: rows, links and counts, in the caller's transaction. */
export async function importPage(
  tx: Database,
  page: { jobId: string; storeId: string; enable: boolean; items: readonly PageItem[]; at: Date },
): Promise<{ changed: string[]; counts: ImportCounts }> {
  if (page.items.length > 0) await upsertRows(tx, page.jobId, page.storeId, page.items);
  const keys = page.items.map((item) => item.k);
  const changed = keys.length > 0 ? await linkListings(tx, page.jobId, page.storeId, keys, page.enable, page.at) : [];
  return { changed, counts: await countRows(tx, page.jobId) };
}

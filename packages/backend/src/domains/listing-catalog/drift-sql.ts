/**
 * The drift check's two statements per page: which of our listings each remote listing is, with
 * what we know of its last push; and the page's writes (what was seen, and the drifts forgotten).
 */
import { sql } from "drizzle-orm";
import { queryRows, type Database } from "../../infra/db";
import type { RemoteListing } from "../marketplace/types";
import { effectiveBarcodeOf, effectiveStockCodeOf } from "../catalog/listing-identity";

export interface MatchedListing {
  /** Index of the remote listing in the page. */
  index: number;
  productId: string;
  lastPushedQuantity: number | null;
  fulfilled: boolean;
  /** A receipt still pending holds the product: its outcome will say what the marketplace shows. */
  pending: boolean;
  /** A push in flight (fate unknown) or sent since the check started. */
  inFlight: boolean;
  /** What was last told differs from what was confirmed: a send not yet confirmed. */
  unagreed: boolean;
  /** What the previous read showed, and since when (the first read of that value since our last send). */
  lastSeenQuantity: number | null;
  lastSeenAt: Date | null;
  /** When the marketplace was last told this listing's quantity (null: no send on record). */
  sentAt: Date | null;
}

interface MatchRow extends Record<string, unknown> {
  i: number | string;
  product_id: string;
  last_pushed_quantity: number | string | null;
  fulfilled: boolean;
  pending: boolean;
  in_flight: boolean | null;
  unagreed: boolean | null;
  last_seen_quantity: number | string | null;
  last_seen_at: string | Date | null;
  sent_at: string | Date | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Each remote listing's listing of ours, by the marketplace's id, then the effective barcode
 * (listing override, else the product's), then the effective stock code (listing override, else the
 * store's default: our SKU or our barcode). A remote listing matching none is absent.
 */
export async function matchPage(db: Database, storeId: string, remote: readonly RemoteListing[], checkStartedAt: Date): Promise<MatchedListing[]> {
  if (remote.length === 0) return [];
  const page = JSON.stringify(remote.map((r, i) => ({ i, mid: r.marketplaceId ?? null, barcode: r.barcode ?? null, stock_code: r.stockCode ?? null })));
  const rows = await queryRows<MatchRow>(
    db,
    sql`with r as (select * from jsonb_to_recordset(${page}::jsonb) as r(i int, mid text, barcode text, stock_code text)),
        ours as materialized (
          select l.product_id, l.marketplace_product_id as mid, ${effectiveBarcodeOf} as barcode, ${effectiveStockCodeOf} as stock_code,
                 l.last_pushed_quantity, l.fulfilled_by_marketplace, l.last_seen_quantity, l.last_seen_at
          from listings l join products p on p.id = l.product_id join stores s on s.id = l.store_id
          where l.store_id = ${storeId}::uuid),
        candidates as (
          select r.i, o.product_id, 1 as rank from r join ours o on o.mid = r.mid
          union all select r.i, o.product_id, 2 from r join ours o on o.barcode = r.barcode
          union all select r.i, o.product_id, 3 from r join ours o on o.stock_code = r.stock_code),
        best as (select distinct on (c.i) c.i, o.* from candidates c join ours o on o.product_id = c.product_id order by c.i, c.rank, c.product_id),
        pending as (
          select distinct (e ->> 'productId') as product_id
          from marketplace_submissions m cross join lateral jsonb_array_elements(m.items) e
          where m.store_id = ${storeId}::uuid and m.status = 'PENDING')
        select b.i, b.product_id::text as product_id, b.last_pushed_quantity, b.fulfilled_by_marketplace as fulfilled,
               (pd.product_id is not null) as pending,
               (ss.quantity = -1 or ss.sent_at >= ${checkStartedAt.toISOString()}::timestamptz) as in_flight,
               (ss.quantity is not null and ss.quantity is distinct from b.last_pushed_quantity) as unagreed,
               b.last_seen_quantity, b.last_seen_at, ss.sent_at
        from best b
        left join sync_sent ss on ss.store_id = ${storeId}::uuid and ss.product_id = b.product_id
        left join pending pd on pd.product_id = b.product_id::text
        order by b.i`,
  );
  return rows.map((r) => ({
    index: Number(r.i),
    productId: r.product_id,
    lastPushedQuantity: r.last_pushed_quantity === null ? null : Number(r.last_pushed_quantity),
    fulfilled: r.fulfilled === true,
    pending: r.pending === true,
    inFlight: r.in_flight === true,
    unagreed: r.unagreed === true,
    lastSeenQuantity: r.last_seen_quantity === null ? null : Number(r.last_seen_quantity),
    lastSeenAt: r.last_seen_at === null ? null : new Date(r.last_seen_at),
    sentAt: r.sent_at === null ? null : new Date(r.sent_at),
  }));
}

export interface PageWrites {
  /**
   * Every matched listing the read gave a quantity for; `keep`: the previous read showed this same
   * value after our last send, so its first sighting (last_seen_at) stays: what a lower value's
   * confirmation is measured from.
   */
  seen: { productId: string; quantity: number; keep: boolean }[];
  /** Drifted ones, with the confirmed quantity they were checked against. */
  drifted: { productId: string; expected: number }[];
}

const uuidArray = (ids: readonly string[]) => `{${ids.filter((id) => UUID.test(id)).join(",")}}`;
const intArray = (values: readonly number[]) => `{${values.map((v) => Math.trunc(v)).join(",")}}`;
const boolArray = (values: readonly boolean[]) => `{${values.map((v) => (v ? "t" : "f")).join(",")}}`;

/**
 * One statement: every seen listing records what the marketplace showed (and since when); a drifted one (still
 * confirmed at the value it was checked against) forgets its last push and its sync_sent row, so
 * the next flush sends the quantity again instead of skipping it as unchanged. A sync_sent row
 * written since the check started (a push on its way) is left alone. Answers the drifted products.
 */
export async function writePage(db: Database, storeId: string, writes: PageWrites, checkStartedAt: Date, at: Date): Promise<string[]> {
  if (writes.seen.length === 0) return [];
  const seen = writes.seen.filter((s) => UUID.test(s.productId));
  const drifted = writes.drifted.filter((d) => UUID.test(d.productId));
  const rows = await queryRows<{ product_id: string; drifted: boolean }>(
    db,
    sql`with seen as (select * from unnest(${uuidArray(seen.map((s) => s.productId))}::uuid[], ${intArray(seen.map((s) => s.quantity))}::int[], ${boolArray(seen.map((s) => s.keep))}::boolean[]) as s(product_id, quantity, keep)),
        drift as (select * from unnest(${uuidArray(drifted.map((d) => d.productId))}::uuid[], ${intArray(drifted.map((d) => d.expected))}::int[]) as d(product_id, expected)),
        forgot as (
          delete from sync_sent ss using drift d
          where ss.store_id = ${storeId}::uuid and ss.product_id = d.product_id
            and ss.quantity is distinct from -1 and ss.sent_at < ${checkStartedAt.toISOString()}::timestamptz
          returning ss.product_id)
        update listings l set
          last_seen_quantity = s.quantity,
          last_seen_at = case when s.keep and l.last_seen_quantity = s.quantity and l.last_seen_at is not null then l.last_seen_at else ${at.toISOString()}::timestamptz end,
          last_pushed_quantity = case when d.product_id is not null and l.last_pushed_quantity = d.expected then null else l.last_pushed_quantity end,
          last_drift_at = case when d.product_id is not null and l.last_pushed_quantity = d.expected then ${at.toISOString()}::timestamptz else l.last_drift_at end
        from seen s left join drift d on d.product_id = s.product_id
        where l.store_id = ${storeId}::uuid and l.product_id = s.product_id
        returning l.product_id::text as product_id, (d.product_id is not null and l.last_pushed_quantity is null) as drifted`,
  );
  return rows.filter((r) => r.drifted === true).map((r) => r.product_id);
}

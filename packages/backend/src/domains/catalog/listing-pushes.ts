/** What the stock sync last pushed to each listing (listings.last_pushed_*), written and read in one statement per batch. */
import { and, eq, inArray, sql } from "drizzle-orm";
import { queryRows, type Database } from "../../infra/db";
import { listings } from "./schema";

export type PushStatus = "SUCCEEDED" | "FAILED" | "DEAD";

export interface PushOutcome {
  storeId: string;
  productId: string;
  /** What was pushed; null when the item did not carry it (price-only or stock-only). */
  quantity: number | null;
  price: number | null;
  status: PushStatus;
  /** When the marketplace accepted (or refused) it. */
  at: Date;
}

export interface LastPushed {
  quantity: number | null;
  price: number | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const STATUSES: ReadonlySet<string> = new Set<PushStatus>(["SUCCEEDED", "FAILED", "DEAD"]);

/** One outcome per listing, the latest winning: an UPDATE ... FROM must not match a row twice. */
function latestPerListing(results: readonly PushOutcome[]): PushOutcome[] {
  const latest = new Map<string, PushOutcome>();
  for (const result of results) {
    if (!UUID.test(result.storeId) || !UUID.test(result.productId) || !STATUSES.has(result.status)) continue;
    const key = `${result.storeId}:${result.productId}`;
    const seen = latest.get(key);
    if (!seen || seen.at.getTime() <= result.at.getTime()) latest.set(key, result);
  }
  return [...latest.values()];
}

const arrayLiteral = (values: readonly (string | number | null)[]) => `{${values.map((v) => (v === null ? "NULL" : String(v))).join(",")}}`;

/**
 * Records push outcomes on existing listings. A success sets the pushed quantity/price (a side not
 * sent keeps its value), time and status; a failure only the status. An outcome older than the
 * listing's last success is stale (two batches answered out of order) and changes nothing.
 * updated_at is left alone: it tells when the seller changed the listing. Answers rows changed.
 */
export async function recordPushOutcomes(db: Database, results: readonly PushOutcome[]): Promise<number> {
  const rows = latestPerListing(results);
  if (rows.length === 0) return 0;
  const changed = await queryRows<{ product_id: string }>(
    db,
    sql`
    update ${listings} as l set
      last_pushed_quantity = case when v.status = 'SUCCEEDED' then coalesce(v.quantity, l.last_pushed_quantity) else l.last_pushed_quantity end,
      last_pushed_price = case when v.status = 'SUCCEEDED' then coalesce(v.price, l.last_pushed_price) else l.last_pushed_price end,
      last_pushed_at = case when v.status = 'SUCCEEDED' then v.at else l.last_pushed_at end,
      last_push_status = v.status
    from unnest(
      ${arrayLiteral(rows.map((r) => r.storeId))}::uuid[],
      ${arrayLiteral(rows.map((r) => r.productId))}::uuid[],
      ${arrayLiteral(rows.map((r) => r.quantity))}::int[],
      ${arrayLiteral(rows.map((r) => r.price))}::int[],
      ${arrayLiteral(rows.map((r) => r.status))}::text[],
      ${arrayLiteral(rows.map((r) => r.at.toISOString()))}::timestamptz[]
    ) as v(store_id, product_id, quantity, price, status, at)
    where l.store_id = v.store_id and l.product_id = v.product_id
      and (l.last_pushed_at is null or l.last_pushed_at <= v.at)
    returning l.product_id`,
  );
  return changed.length;
}

/** productId -> what was last pushed to the store's listing; products without a listing are absent. */
export async function lastPushed(db: Database, storeId: string, productIds: readonly string[]): Promise<Map<string, LastPushed>> {
  const ids = productIds.filter((id) => UUID.test(id));
  if (!UUID.test(storeId) || ids.length === 0) return new Map();
  const rows = await db
    .select({ productId: listings.productId, quantity: listings.lastPushedQuantity, price: listings.lastPushedPrice })
    .from(listings)
    .where(and(eq(listings.storeId, storeId), inArray(listings.productId, ids)));
  return new Map(rows.map((row) => [row.productId, { quantity: row.quantity, price: row.price }]));
}

/** The store's marketplace was replaced (another account, a fresh sandbox): nothing it was told still holds. */
export async function forgetPushed(db: Database, storeId: string): Promise<void> {
  if (!UUID.test(storeId)) return;
  await db
    .update(listings)
    .set({ lastPushedQuantity: null, lastPushedPrice: null, lastPushedAt: null, lastPushStatus: null })
    .where(eq(listings.storeId, storeId));
}

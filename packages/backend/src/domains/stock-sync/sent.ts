/** The sync_sent rows: what we last told each marketplace listing (see the table in schema.ts). */
import { sql } from "drizzle-orm";
import { queryRows, type Database } from "../../infra/db";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const idArray = (ids: readonly string[]) => `{${ids.filter((id) => UUID.test(id)).join(",")}}`;
const intArray = (values: readonly (number | null | undefined)[]) => `{${values.map((v) => (v === null || v === undefined ? "NULL" : String(v))).join(",")}}`;

/** What a listing was last told; null where that side was never sent. */
export interface SentValues {
  quantity: number | null;
  price: number | null;
}

/** One send: a side left undefined (or null) keeps what was sent before. */
export interface SentRecord {
  productId: string;
  quantity?: number | null;
  price?: number | null;
}

/** Values sent after `since` (older sends are as good as forgotten: their receipts are gone). */
export async function sentValues(db: Database, storeId: string, productIds: readonly string[], since: Date): Promise<Map<string, SentValues>> {
  const rows = await queryRows<{ product_id: string; quantity: number | null; price: number | null }>(
    db,
    sql`select product_id, quantity, price from sync_sent
        where store_id = ${storeId} and product_id = any(${idArray(productIds)}::uuid[]) and sent_at > ${since.toISOString()}::timestamptz`,
  );
  return new Map(
    rows.map((r) => [r.product_id, { quantity: r.quantity === null ? null : Number(r.quantity), price: r.price === null ? null : Number(r.price) }]),
  );
}

/** One statement for a whole batch. */
export async function recordSent(db: Database, storeId: string, items: readonly SentRecord[], at: Date): Promise<void> {
  const valid = items.filter((i) => UUID.test(i.productId) && (i.quantity != null || i.price != null));
  if (valid.length === 0) return;
  await db.execute(sql`
    insert into sync_sent (store_id, product_id, quantity, price, sent_at)
    select ${storeId}::uuid, p, q, v, ${at.toISOString()}::timestamptz
    from unnest(${idArray(valid.map((i) => i.productId))}::uuid[], ${intArray(valid.map((i) => i.quantity))}::int[], ${intArray(valid.map((i) => i.price))}::int[]) as t(p, q, v)
    on conflict (store_id, product_id) do update set
      quantity = coalesce(excluded.quantity, sync_sent.quantity),
      price = coalesce(excluded.price, sync_sent.price),
      sent_at = excluded.sent_at`);
}

/** Forgets sends that failed, only where nothing newer was sent since (`sentBefore`). */
export async function forgetSent(db: Database, storeId: string, productIds: readonly string[], sentBefore: Date): Promise<void> {
  if (productIds.length === 0) return;
  await db.execute(sql`
    delete from sync_sent where store_id = ${storeId} and product_id = any(${idArray(productIds)}::uuid[])
      and sent_at <= ${sentBefore.toISOString()}::timestamptz`);
}

/** Every send of a store: its marketplace was replaced and knows none of them. */
export async function forgetStoreSends(db: Database, storeId: string): Promise<void> {
  if (!UUID.test(storeId)) return;
  await db.execute(sql`delete from sync_sent where store_id = ${storeId}`);
}

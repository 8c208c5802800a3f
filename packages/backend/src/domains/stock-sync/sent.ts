/** The sync_sent rows: what we last told each marketplace listing (see sent-schema.ts). */
import { sql } from "drizzle-orm";
import { queryRows, type Database } from "../../infra/db";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const idArray = (ids: readonly string[]) => `{${ids.filter((id) => UUID.test(id)).join(",")}}`;

/** Quantities sent after `since` (older sends are as good as forgotten: their receipts are gone). */
export async function sentQuantities(db: Database, storeId: string, productIds: readonly string[], since: Date): Promise<Map<string, number>> {
  const rows = await queryRows<{ product_id: string; quantity: number }>(
    db,
    sql`select product_id, quantity from sync_sent
        where store_id = ${storeId} and product_id = any(${idArray(productIds)}::uuid[]) and sent_at > ${since.toISOString()}::timestamptz`,
  );
  return new Map(rows.map((r) => [r.product_id, Number(r.quantity)]));
}

/** One statement for a whole batch. */
export async function recordSent(db: Database, storeId: string, items: readonly { productId: string; quantity: number }[], at: Date): Promise<void> {
  const valid = items.filter((i) => UUID.test(i.productId) && Number.isInteger(i.quantity));
  if (valid.length === 0) return;
  await db.execute(sql`
    insert into sync_sent (store_id, product_id, quantity, sent_at)
    select ${storeId}::uuid, p, q, ${at.toISOString()}::timestamptz
    from unnest(${idArray(valid.map((i) => i.productId))}::uuid[], ${`{${valid.map((i) => i.quantity).join(",")}}`}::int[]) as t(p, q)
    on conflict (store_id, product_id) do update set quantity = excluded.quantity, sent_at = excluded.sent_at`);
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

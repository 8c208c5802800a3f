/** The sync_sent rows: what we last told each marketplace listing (see the table in schema.ts). */
import { and, eq, gt, inArray, lte, sql } from "drizzle-orm";
import type { Database } from "../../infra/db";
import { syncSent as sent } from "./schema";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Ids that are not uuids cannot match a row; left out, they cannot fail the cast either. */
const uuids = (ids: readonly string[]) => ids.filter((id) => UUID.test(id));

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
  const ids = uuids(productIds);
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ productId: sent.productId, quantity: sent.quantity, price: sent.price })
    .from(sent)
    .where(and(eq(sent.storeId, storeId), inArray(sent.productId, ids), gt(sent.sentAt, since)));
  return new Map(rows.map((r) => [r.productId, { quantity: r.quantity, price: r.price }]));
}

/** One statement for a whole batch; a side sent as null keeps the row's earlier value. */
export async function recordSent(db: Database, storeId: string, items: readonly SentRecord[], at: Date): Promise<void> {
  const valid = items.filter((i) => UUID.test(i.productId) && (i.quantity != null || i.price != null));
  if (valid.length === 0) return;
  await db
    .insert(sent)
    .values(valid.map((i) => ({ storeId, productId: i.productId, quantity: i.quantity ?? null, price: i.price ?? null, sentAt: at })))
    .onConflictDoUpdate({
      target: [sent.storeId, sent.productId],
      set: { quantity: sql`coalesce(excluded.quantity, ${sent.quantity})`, price: sql`coalesce(excluded.price, ${sent.price})`, sentAt: sql`excluded.sent_at` },
    });
}

/** Forgets sends that failed, only where nothing newer was sent since (`sentBefore`). */
export async function forgetSent(db: Database, storeId: string, productIds: readonly string[], sentBefore: Date): Promise<void> {
  const ids = uuids(productIds);
  if (ids.length === 0) return;
  await db.delete(sent).where(and(eq(sent.storeId, storeId), inArray(sent.productId, ids), lte(sent.sentAt, sentBefore)));
}

/** Every send of a store: its marketplace was replaced and knows none of them. */
export async function forgetStoreSends(db: Database, storeId: string): Promise<void> {
  if (!UUID.test(storeId)) return;
  await db.delete(sent).where(eq(sent.storeId, storeId));
}

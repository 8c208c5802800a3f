/** The per-listing retry budget for items a marketplace failed retryably (FAILED_RETRYABLE). */
import { sql, type SQL } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import type { Database } from "../../infra/db";
import type { StoreProduct } from "./dirty-buffer";
import { syncItemAttempts as attempts } from "./schema";

interface FailedItem extends StoreProduct {
  reasons: string[];
}

interface AttemptCount extends StoreProduct {
  attempts: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const pairKey = (pair: StoreProduct) => `${pair.storeId}:${pair.productId}`;

/** One entry per pair, the last given winning: a statement may not touch a row twice. */
export function distinctPairs<T extends StoreProduct>(items: readonly T[]): T[] {
  return [...new Map(items.map((item) => [pairKey(item), item])).values()];
}

/**
 * `(store, product) in (the pairs)` as one parameterised condition (two uuid arrays, unnested),
 * the same on postgres.js and PGlite. Ids that are not uuids cannot match a row and are left out.
 */
export function inPairs(storeColumn: AnyPgColumn, productColumn: AnyPgColumn, pairs: readonly StoreProduct[]): SQL {
  const valid = pairs.filter((pair) => UUID.test(pair.storeId) && UUID.test(pair.productId));
  const storeIds = `{${valid.map((pair) => pair.storeId).join(",")}}`;
  const productIds = `{${valid.map((pair) => pair.productId).join(",")}}`;
  return sql`(${storeColumn}, ${productColumn}) in (select * from unnest(${storeIds}::uuid[], ${productIds}::uuid[]))`;
}

/** Counts one more failed attempt per pair (one upsert) and answers each pair's attempts after it. */
export async function bumpAttempts(db: Database, items: readonly FailedItem[]): Promise<AttemptCount[]> {
  const distinct = distinctPairs(items);
  if (distinct.length === 0) return [];
  return db
    .insert(attempts)
    .values(distinct.map((item) => ({ storeId: item.storeId, productId: item.productId, attempts: 1, lastReasons: item.reasons })))
    .onConflictDoUpdate({
      target: [attempts.storeId, attempts.productId],
      set: { attempts: sql`${attempts.attempts} + 1`, lastReasons: sql`excluded.last_reasons`, updatedAt: sql`now()` },
    })
    .returning({ storeId: attempts.storeId, productId: attempts.productId, attempts: attempts.attempts });
}

/** Forgets the budget of these pairs (they succeeded, or were dead-lettered); answers how many were counted. */
export async function clearAttempts(db: Database, pairs: readonly StoreProduct[]): Promise<number> {
  if (pairs.length === 0) return 0;
  const rows = await db
    .delete(attempts)
    .where(inPairs(attempts.storeId, attempts.productId, pairs))
    .returning({ storeId: attempts.storeId });
  return rows.length;
}

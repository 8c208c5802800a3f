/** The stores and store_warehouses queries: every read and write of a store row goes through here. */
import { and, asc, count, eq, inArray, isNotNull, isNull, ne, or, sql } from "drizzle-orm";
import type { Database } from "../../infra/db";
import { stores, storeWarehouses } from "./schema";

export type StoreRow = typeof stores.$inferSelect;
export type NewStoreRow = typeof stores.$inferInsert;
export type StoreChanges = Partial<Omit<NewStoreRow, "id" | "type" | "createdAt" | "updatedAt">>;

export async function insertStore(tx: Database, values: NewStoreRow): Promise<void> {
  await tx.insert(stores).values(values);
}

/**
 * Applies the changes and bumps updated_at (the database clock). The UPDATE locks the store row
 * until the transaction ends, so concurrent edits of one store queue. Undefined: no such store.
 */
export async function updateStoreRow(tx: Database, id: string, changes: StoreChanges): Promise<Pick<StoreRow, "type" | "sellerId"> | undefined> {
  const [row] = await tx
    .update(stores)
    .set({ ...changes, updatedAt: sql`now()` })
    .where(eq(stores.id, id))
    .returning({ type: stores.type, sellerId: stores.sellerId });
  return row;
}

/** Each store's warehouses in reservation order, for many stores in one query. */
export async function warehousesOf(db: Database, storeIds: readonly string[]): Promise<Map<string, string[]>> {
  const byStore = new Map<string, string[]>(storeIds.map((id) => [id, []]));
  if (storeIds.length === 0) return byStore;
  const rows = await db
    .select({ storeId: storeWarehouses.storeId, warehouseId: storeWarehouses.warehouseId })
    .from(storeWarehouses)
    .where(inArray(storeWarehouses.storeId, [...storeIds]))
    .orderBy(asc(storeWarehouses.storeId), asc(storeWarehouses.priority));
  for (const row of rows) byStore.get(row.storeId)?.push(row.warehouseId);
  return byStore;
}

export async function storeRow(db: Database, id: string): Promise<StoreRow | undefined> {
  const [row] = await db.select().from(stores).where(eq(stores.id, id));
  return row;
}

const storeOrder = [asc(stores.createdAt), asc(stores.id)];

export async function allStoreRows(db: Database): Promise<StoreRow[]> {
  return db
    .select()
    .from(stores)
    .orderBy(...storeOrder);
}

export async function storeRowsPage(db: Database, limit: number, offset: number): Promise<{ rows: StoreRow[]; total: number }> {
  const rows = await db
    .select()
    .from(stores)
    .orderBy(...storeOrder)
    .limit(limit)
    .offset(offset);
  const [counted] = await db.select({ total: count() }).from(stores);
  return { rows, total: counted?.total ?? 0 };
}

/** Active stores that draw on any of these warehouses (an inactive one is re-synced whole when switched on). */
export async function activeStoresSellingFrom(db: Database, warehouseIds: readonly string[]): Promise<string[]> {
  if (warehouseIds.length === 0) return [];
  const rows = await db
    .selectDistinct({ storeId: storeWarehouses.storeId })
    .from(storeWarehouses)
    .innerJoin(stores, eq(stores.id, storeWarehouses.storeId))
    .where(and(inArray(storeWarehouses.warehouseId, [...warehouseIds]), eq(stores.active, true)))
    .orderBy(asc(storeWarehouses.storeId));
  return rows.map((row) => row.storeId);
}

/** Every store's id, oldest first (stores are few: a seller has about ten channels); `shopOnly` keeps the active WEB stores. */
export async function allStoreIds(db: Database, shopOnly = false): Promise<string[]> {
  const rows = await db
    .select({ id: stores.id })
    .from(stores)
    .where(shopOnly ? and(eq(stores.type, "WEB"), eq(stores.active, true)) : undefined)
    .orderBy(asc(stores.createdAt), asc(stores.id));
  return rows.map((r) => r.id);
}

/** Whether customers buy from this store: an active WEB store. */
export async function isShopStore(db: Database, storeId: string): Promise<boolean> {
  const [row] = await db
    .select({ id: stores.id })
    .from(stores)
    .where(and(eq(stores.id, storeId), eq(stores.type, "WEB"), eq(stores.active, true)));
  return row !== undefined;
}

/** The sealed credentials: null when the store has none, undefined when there is no such store. */
export async function credentialsEnvelope(db: Database, storeId: string): Promise<string | null | undefined> {
  const [row] = await db.select({ envelope: stores.credentialsCiphertext }).from(stores).where(eq(stores.id, storeId));
  return row?.envelope;
}

/** Stores whose credentials are sealed under another key than the current one (or an unnamed one). */
export async function storesWithStaleCredentials(db: Database, currentKeyId: string): Promise<{ id: string; envelope: string; keyId: string | null }[]> {
  const rows = await db
    .select({ id: stores.id, envelope: stores.credentialsCiphertext, keyId: stores.credentialsKeyId })
    .from(stores)
    .where(and(isNotNull(stores.credentialsCiphertext), or(isNull(stores.credentialsKeyId), ne(stores.credentialsKeyId, currentKeyId))))
    .orderBy(asc(stores.id));
  return rows.flatMap(({ id, envelope, keyId }) => (envelope === null ? [] : [{ id, envelope, keyId }]));
}

/** Compare-and-set on the old envelope, so a concurrent PATCH of the credentials is never overwritten. */
export async function replaceCredentials(
  db: Database,
  storeId: string,
  oldEnvelope: string,
  columns: { credentialsCiphertext: string; credentialsKeyId: string },
): Promise<boolean> {
  const updated = await db
    .update(stores)
    .set(columns)
    .where(and(eq(stores.id, storeId), eq(stores.credentialsCiphertext, oldEnvelope)))
    .returning({ id: stores.id });
  return updated.length > 0;
}

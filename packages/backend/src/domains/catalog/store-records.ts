/** Reading stores and their warehouses, and the row -> answer shape (which never carries credentials). */
import type { Stores } from "@pazarsync/shared";
import { and, asc, count, eq, inArray } from "drizzle-orm";
import type { Database } from "../../infra/db";
import { stores, storeWarehouses } from "./schema";

export type StoreRow = typeof stores.$inferSelect;

/** Channels that are a seller account on someone else's marketplace (and so need its seller id). */
export function isMarketplace(type: Stores.StoreType): boolean {
  return type !== "WEB" && type !== "SANDBOX";
}

export function toStoreView(row: StoreRow, warehouseIds: string[]): Stores.Store {
  return {
    id: row.id,
    name: row.name,
    type: row.type,
    sellerId: row.sellerId,
    baseUrl: row.baseUrl,
    active: row.active,
    sendStock: row.sendStock,
    sendPrice: row.sendPrice,
    policy: { safetyStock: row.safetyStock, percentage: row.percentage, maxQuantity: row.maxQuantity, floor: row.floor },
    writeQuotaPerMinute: row.writeQuotaPerMinute,
    warehouseIds,
    hasCredentials: row.credentialsCiphertext !== null,
    credentialsKeyId: row.credentialsCiphertext !== null ? row.credentialsKeyId : null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
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

export async function storeViews(db: Database, rows: readonly StoreRow[]): Promise<Stores.Store[]> {
  const warehouses = await warehousesOf(
    db,
    rows.map((row) => row.id),
  );
  return rows.map((row) => toStoreView(row, warehouses.get(row.id) ?? []));
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

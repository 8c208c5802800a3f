/** Writing the ordered list of warehouses a store sells from. */
import { TransactionRollbackError, eq } from "drizzle-orm";
import type { Database } from "../../infra/db";
import { isForeignKeyViolation } from "../../infra/pg-errors";
import { DuplicateWarehouse, UnknownWarehouse } from "./errors";
import { storeWarehouses } from "./schema";

const STORE_WAREHOUSE_FK = "store_warehouses_warehouse_id_warehouses_id_fk";

type StoreWarehouseRow = typeof storeWarehouses.$inferInsert;

/** Refused before any SQL: the same warehouse twice would make the priority order meaningless. */
export function assertDistinctWarehouses(warehouseIds: readonly string[]): void {
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const id of warehouseIds.map((w) => w.toLowerCase())) (seen.has(id) ? repeated : seen).add(id);
  if (repeated.size > 0) {
    throw new DuplicateWarehouse([...repeated]);
  }
}

/**
 * Replaces the store's warehouses with these, priority in list order. Runs inside the caller's
 * transaction, which must already hold the store row (its UPDATE) so two replacements of one
 * store queue instead of colliding on the primary key.
 */
export async function replaceStoreWarehouses(tx: Database, storeId: string, warehouseIds: readonly string[]): Promise<void> {
  await tx.delete(storeWarehouses).where(eq(storeWarehouses.storeId, storeId));
  if (warehouseIds.length === 0) return;
  const rows = warehouseIds.map((warehouseId, priority) => ({ storeId, warehouseId: warehouseId.toLowerCase(), priority }));
  try {
    await tx.transaction((savepoint) => savepoint.insert(storeWarehouses).values(rows));
  } catch (error) {
    if (!isForeignKeyViolation(error, STORE_WAREHOUSE_FK)) throw error;
    const unknown = await unknownWarehouses(tx, rows);
    throw new UnknownWarehouse(unknown);
  }
}

/**
 * Which ids the foreign key refuses, each tried in a savepoint that is always rolled back. Catalog
 * may not read inventory's warehouses table, and the error only names the first missing id; this
 * runs only on the error path, for a list of at most 50.
 */
async function unknownWarehouses(tx: Database, rows: readonly StoreWarehouseRow[]): Promise<string[]> {
  const unknown: string[] = [];
  for (const row of rows) {
    try {
      await tx.transaction(async (probe) => {
        await probe.insert(storeWarehouses).values(row);
        probe.rollback();
      });
    } catch (error) {
      if (isForeignKeyViolation(error, STORE_WAREHOUSE_FK)) unknown.push(row.warehouseId);
      else if (!(error instanceof TransactionRollbackError)) throw error;
    }
  }
  return unknown;
}

import type { Inventory } from "@pazarsync/shared";
import { asc, count, eq } from "drizzle-orm";
import type { Database } from "../../infra/db";
import { isUniqueViolation } from "../../infra/pg-errors";
import { DuplicateShelfCode, DuplicateWarehouseCode, ShelfNotFound, WarehouseNotFound } from "./errors";
import type { PageRequest } from "../../http/pagination";
import { shelves, warehouses } from "./schema";

export async function createWarehouse(db: Database, body: Inventory.CreateWarehouseBody): Promise<Inventory.Warehouse> {
  try {
    const [row] = await db
      .insert(warehouses)
      .values({ code: body.code, name: body.name.trim() })
      .returning({ id: warehouses.id, code: warehouses.code, name: warehouses.name, active: warehouses.active });
    if (!row) throw new Error("warehouse insert returned nothing");
    return row;
  } catch (error) {
    if (isUniqueViolation(error, "warehouses_code_unique")) {
      throw new DuplicateWarehouseCode(body.code);
    }
    throw error;
  }
}

export async function listWarehouses(db: Database, page: PageRequest): Promise<Inventory.WarehousePage> {
  const items = await db
    .select({
      id: warehouses.id,
      code: warehouses.code,
      name: warehouses.name,
      active: warehouses.active,
      shelfCount: count(shelves.id),
    })
    .from(warehouses)
    .leftJoin(shelves, eq(shelves.warehouseId, warehouses.id))
    .groupBy(warehouses.id)
    .orderBy(asc(warehouses.code))
    .limit(page.limit)
    .offset(page.offset);
  const [total] = await db.select({ n: count() }).from(warehouses);
  return { items, page: page.page, limit: page.limit, total: total?.n ?? 0 };
}

/** The warehouse, or 404 WAREHOUSE_NOT_FOUND. */
export async function requireWarehouse(db: Database, warehouseId: string): Promise<{ id: string; code: string; name: string }> {
  const [found] = await db.select({ id: warehouses.id, code: warehouses.code, name: warehouses.name }).from(warehouses).where(eq(warehouses.id, warehouseId));
  if (!found) throw new WarehouseNotFound(warehouseId);
  return found;
}

export async function createShelf(db: Database, warehouseId: string, body: Inventory.CreateShelfBody): Promise<Inventory.Shelf> {
  // Warehouses are never deleted, so the check cannot go stale before the insert.
  await requireWarehouse(db, warehouseId);
  try {
    const [row] = await db
      .insert(shelves)
      .values({ warehouseId, code: body.code })
      .returning({ id: shelves.id, warehouseId: shelves.warehouseId, code: shelves.code });
    if (!row) throw new Error("shelf insert returned nothing");
    return row;
  } catch (error) {
    if (isUniqueViolation(error, "shelves_warehouse_code_unique")) {
      throw new DuplicateShelfCode(warehouseId, body.code);
    }
    throw error;
  }
}

export async function listShelves(db: Database, warehouseId: string, page: PageRequest): Promise<Inventory.ShelfPage> {
  await requireWarehouse(db, warehouseId);
  const items = await db
    .select({ id: shelves.id, warehouseId: shelves.warehouseId, code: shelves.code })
    .from(shelves)
    .where(eq(shelves.warehouseId, warehouseId))
    .orderBy(asc(shelves.code))
    .limit(page.limit)
    .offset(page.offset);
  const [total] = await db.select({ n: count() }).from(shelves).where(eq(shelves.warehouseId, warehouseId));
  return { items, page: page.page, limit: page.limit, total: total?.n ?? 0 };
}

/** The shelf and the warehouse it belongs to, or 404 SHELF_NOT_FOUND. */
export async function findShelf(db: Database, shelfId: string): Promise<{ id: string; warehouseId: string }> {
  const [shelf] = await db
    .select({ id: shelves.id, warehouseId: shelves.warehouseId })
    .from(shelves)
    .where(eq(shelves.id, shelfId));
  if (!shelf) throw new ShelfNotFound(shelfId);
  return shelf;
}

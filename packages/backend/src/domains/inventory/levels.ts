import type { Inventory } from "@pazarsync/shared";
import { asc, eq, inArray } from "drizzle-orm";
import type { Database } from "../../infra/db";
import { inventoryLevels, shelfStock, shelves, warehouses } from "./schema";

export interface StockLevel {
  productId: string;
  warehouseId: string;
  onHand: number;
  reserved: number;
}

/** Warehouse-level stock of many products in one query; products without stock have no rows. */
export async function stockLevels(db: Database, productIds: readonly string[]): Promise<StockLevel[]> {
  if (productIds.length === 0) return [];
  return db
    .select({
      productId: inventoryLevels.productId,
      warehouseId: inventoryLevels.warehouseId,
      onHand: inventoryLevels.onHand,
      reserved: inventoryLevels.reserved,
    })
    .from(inventoryLevels)
    .where(inArray(inventoryLevels.productId, [...new Set(productIds)]))
    .orderBy(asc(inventoryLevels.productId), asc(inventoryLevels.warehouseId));
}

/** One product's stock per warehouse (by code) with its shelves (by code). */
export async function productStock(db: Database, productId: string): Promise<Inventory.ProductStock> {
  const levels = await db
    .select({
      warehouseId: warehouses.id,
      code: warehouses.code,
      name: warehouses.name,
      onHand: inventoryLevels.onHand,
      reserved: inventoryLevels.reserved,
    })
    .from(inventoryLevels)
    .innerJoin(warehouses, eq(warehouses.id, inventoryLevels.warehouseId))
    .where(eq(inventoryLevels.productId, productId))
    .orderBy(asc(warehouses.code));
  const onShelves = await db
    .select({ shelfId: shelves.id, warehouseId: shelves.warehouseId, code: shelves.code, quantity: shelfStock.quantity })
    .from(shelfStock)
    .innerJoin(shelves, eq(shelves.id, shelfStock.shelfId))
    .where(eq(shelfStock.productId, productId))
    .orderBy(asc(shelves.code));
  return {
    productId,
    warehouses: levels.map((level) => ({
      ...level,
      free: level.onHand - level.reserved,
      shelves: onShelves
        .filter((shelf) => shelf.warehouseId === level.warehouseId)
        .map(({ shelfId, code, quantity }) => ({ shelfId, code, quantity })),
    })),
  };
}

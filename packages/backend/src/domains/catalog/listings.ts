/** Listings: a product offered on a store, with optional price and policy overrides. */
import type { Stores } from "@pazarsync/shared";
import { and, asc, count, eq, inArray, isNotNull, sql } from "drizzle-orm";
import type { Database } from "../../infra/db";
import { isCheckViolation, isForeignKeyViolation, postgresFailure } from "../../infra/pg-errors";
import { ListingOverrideOutOfRange, ProductNotFound, StoreNotFound } from "./errors";
import { listings } from "./schema";

type ListingRow = typeof listings.$inferSelect;
type ListingOverrides = Partial<Pick<ListingRow, "price" | "safetyStock" | "percentage" | "maxQuantity" | "floor">>;

export function toListingView(row: ListingRow): Stores.Listing {
  return {
    storeId: row.storeId,
    productId: row.productId,
    enabled: row.enabled,
    price: row.price,
    policy: { safetyStock: row.safetyStock, percentage: row.percentage, maxQuantity: row.maxQuantity, floor: row.floor },
    lastPushedQuantity: row.lastPushedQuantity,
    lastPushedPrice: row.lastPushedPrice,
    lastPushedAt: row.lastPushedAt?.toISOString() ?? null,
    lastPushStatus: row.lastPushStatus,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** Only the overrides the body names: a field left out keeps its current value, null clears it. */
function overridesOf(body: Stores.ListingBody): ListingOverrides {
  const given: ListingOverrides = {};
  if (body.price !== undefined) given.price = body.price;
  const policy = body.policy ?? {};
  if (policy.safetyStock !== undefined) given.safetyStock = policy.safetyStock;
  if (policy.percentage !== undefined) given.percentage = policy.percentage;
  if (policy.maxQuantity !== undefined) given.maxQuantity = policy.maxQuantity;
  if (policy.floor !== undefined) given.floor = policy.floor;
  return given;
}

function listingError(error: unknown, storeId: string, productId: string): unknown {
  if (isForeignKeyViolation(error, "listings_store_id_stores_id_fk")) return new StoreNotFound(storeId);
  if (isForeignKeyViolation(error, "listings_product_id_products_id_fk")) return new ProductNotFound(productId);
  if (isCheckViolation(error)) return new ListingOverrideOutOfRange(postgresFailure(error)?.constraint);
  return error;
}

/** Creates or updates one listing in a single statement (the foreign keys answer "no such store/product"). */
export async function upsertListing(db: Database, storeId: string, productId: string, body: Stores.ListingBody): Promise<ListingRow> {
  const overrides = overridesOf(body);
  try {
    const [row] = await db
      .insert(listings)
      .values({ storeId, productId, enabled: body.enabled, ...overrides })
      .onConflictDoUpdate({
        target: [listings.storeId, listings.productId],
        set: { enabled: body.enabled, ...overrides, updatedAt: sql`now()` },
      })
      .returning();
    if (!row) throw new Error("listing upsert returned no row");
    return row;
  } catch (error) {
    throw listingError(error, storeId, productId);
  }
}

export async function listingRowsPage(
  db: Database,
  storeId: string,
  limit: number,
  offset: number,
): Promise<{ rows: ListingRow[]; total: number }> {
  // Ordered by the primary key (store_id, product_id): a stable order the index already gives.
  const rows = await db
    .select()
    .from(listings)
    .where(eq(listings.storeId, storeId))
    .orderBy(asc(listings.productId))
    .limit(limit)
    .offset(offset);
  const [counted] = await db.select({ total: count() }).from(listings).where(eq(listings.storeId, storeId));
  return { rows, total: counted?.total ?? 0 };
}

/** Every product listed on the store, enabled or not: a store-wide change re-syncs them all. */
export async function listedProductIds(db: Database, storeId: string): Promise<string[]> {
  const rows = await db.select({ productId: listings.productId }).from(listings).where(eq(listings.storeId, storeId));
  return rows.map((row) => row.productId);
}

/** A store's price overrides for some products (productId -> minor units); products without one are absent. */
export async function listingPrices(db: Database, storeId: string, productIds: readonly string[]): Promise<Map<string, number>> {
  if (productIds.length === 0) return new Map();
  const rows = await db
    .select({ productId: listings.productId, price: listings.price })
    .from(listings)
    .where(and(eq(listings.storeId, storeId), inArray(listings.productId, [...productIds]), isNotNull(listings.price)));
  return new Map(rows.flatMap((row) => (row.price === null ? [] : [[row.productId, row.price] as const])));
}

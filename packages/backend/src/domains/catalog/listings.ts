/** Listings: a product offered on a store, with optional price and policy overrides. */
import type { Stores } from "@pazarsync/shared";
import { and, asc, count, eq, inArray, isNotNull, sql } from "drizzle-orm";
import type { Database } from "../../infra/db";
import { isCheckViolation, isForeignKeyViolation, isUniqueViolation, postgresFailure } from "../../infra/pg-errors";
import { ListingIdentifierTaken, ListingOverrideOutOfRange, ProductNotFound, StoreNotFound } from "./errors";
import { identifierClash, type ListingIdentifiers } from "./listing-identity";
import { listings } from "./schema";

type ListingRow = typeof listings.$inferSelect;
type ListingOverrides = Partial<Pick<ListingRow, "price" | "safetyStock" | "percentage" | "maxQuantity" | "floor">>;
type OwnIdentifiers = Partial<Pick<ListingRow, "barcode" | "stockCode" | "marketplaceProductId">>;

const IDENTIFIER_FIELDS = ["barcode", "stockCode", "marketplaceProductId"] as const;

export function toListingView(row: ListingRow, effective: ListingIdentifiers | undefined): Stores.Listing {
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
    identifiers: { barcode: row.barcode, stockCode: row.stockCode, marketplaceProductId: row.marketplaceProductId },
    // Read in the statement after the row's; a listing always has both (the product's barcode at least).
    effective: { barcode: effective?.barcode ?? row.barcode ?? "", stockCode: effective?.stockCode ?? row.stockCode ?? "" },
    fulfilledByMarketplace: row.fulfilledByMarketplace,
    lockedByMarketplace: row.lockedByMarketplace,
    lastSeenQuantity: row.lastSeenQuantity,
    lastSeenAt: row.lastSeenAt?.toISOString() ?? null,
    lastDriftAt: row.lastDriftAt?.toISOString() ?? null,
    importJobId: row.importJobId,
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

/** The identifiers the body names, trimmed: a field left out keeps its value, null clears it. */
function identifiersOf(body: Stores.ListingBody): OwnIdentifiers {
  const given: OwnIdentifiers = {};
  for (const field of IDENTIFIER_FIELDS) {
    const value = body.identifiers?.[field];
    if (value !== undefined) given[field] = value === null ? null : value.trim();
  }
  return given;
}

const UNIQUE_IDENTIFIERS = { listings_store_barcode_unique: "barcode", listings_store_stock_code_unique: "stockCode" } as const;

/** Another listing has this very value as its own: which one, for the 409. */
async function takenBy(db: Database, storeId: string, productId: string, ids: OwnIdentifiers, error: unknown): Promise<unknown> {
  for (const [constraint, field] of Object.entries(UNIQUE_IDENTIFIERS)) {
    const value = ids[field];
    if (!isUniqueViolation(error, constraint) || typeof value !== "string") continue;
    const column = field === "barcode" ? listings.barcode : listings.stockCode;
    const [other] = await db.select({ productId: listings.productId }).from(listings).where(and(eq(listings.storeId, storeId), eq(column, value)));
    return new ListingIdentifierTaken({ field, value, productId: other?.productId ?? productId });
  }
  return listingError(error, storeId, productId);
}

function listingError(error: unknown, storeId: string, productId: string): unknown {
  if (isForeignKeyViolation(error, "listings_store_id_stores_id_fk")) return new StoreNotFound(storeId);
  if (isForeignKeyViolation(error, "listings_product_id_products_id_fk")) return new ProductNotFound(productId);
  if (isCheckViolation(error)) return new ListingOverrideOutOfRange(postgresFailure(error)?.constraint);
  return error;
}

/**
 * Creates or updates one listing (the foreign keys answer "no such store/product"). New
 * identifiers are checked against the store's other listings in the same transaction (409
 * LISTING_IDENTIFIER_TAKEN); when they change, what the marketplace was told under the old ones
 * is forgotten (`identifiersChanged`: the caller forgets the sends and marks the pair).
 */
export async function upsertListing(db: Database, storeId: string, productId: string, body: Stores.ListingBody): Promise<{ row: ListingRow; identifiersChanged: boolean }> {
  const overrides = overridesOf(body);
  const ids = identifiersOf(body);
  const naming = Object.keys(ids).length > 0;
  try {
    return await db.transaction(async (tx) => {
      const [before] = naming
        ? await tx.select().from(listings).where(and(eq(listings.storeId, storeId), eq(listings.productId, productId))).for("update")
        : [];
      const identifiersChanged = IDENTIFIER_FIELDS.some((field) => ids[field] !== undefined && ids[field] !== (before?.[field] ?? null));
      const forget = identifiersChanged ? { lastPushedQuantity: null, lastPushedPrice: null, lastPushedAt: null, lastPushStatus: null } : {};
      const [row] = await tx
        .insert(listings)
        .values({ storeId, productId, enabled: body.enabled, ...overrides, ...ids })
        .onConflictDoUpdate({
          target: [listings.storeId, listings.productId],
          set: { enabled: body.enabled, ...overrides, ...ids, ...forget, updatedAt: sql`now()` },
        })
        .returning();
      if (!row) throw new Error("listing upsert returned no row");
      const clash = identifiersChanged ? await identifierClash(tx, storeId, productId) : undefined;
      if (clash) throw new ListingIdentifierTaken(clash);
      return { row, identifiersChanged };
    });
  } catch (error) {
    if (error instanceof ListingIdentifierTaken) throw error;
    throw await takenBy(db, storeId, productId, ids, error);
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

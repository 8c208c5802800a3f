import { and, asc, count, desc, eq, ilike, inArray, or, sql, type SQL } from "drizzle-orm";
import type { Database } from "../../infra/db";
import { productSetItems, products } from "./schema";

export type ProductRow = typeof products.$inferSelect;
export type NewProductRow = typeof products.$inferInsert;
export type ProductChanges = Partial<Pick<NewProductRow, "sku" | "barcode" | "name" | "price" | "listPrice" | "currency" | "vatRate" | "active">>;

export interface ProductFilter {
  type?: "SIMPLE" | "SET";
  sku?: string;
  barcode?: string;
  /** Case-insensitive part of the name or SKU. */
  q?: string;
}

export interface ComponentRow {
  setId: string;
  productId: string;
  sku: string;
  name: string;
  quantity: number;
}

export async function insertProduct(db: Database, values: NewProductRow): Promise<ProductRow> {
  const [row] = await db.insert(products).values(values).returning();
  if (!row) throw new Error("product insert returned nothing");
  return row;
}

/** The product row, locked until the transaction ends so concurrent edits of one product queue. */
export async function lockProduct(tx: Database, id: string): Promise<ProductRow | undefined> {
  const [row] = await tx.select().from(products).where(eq(products.id, id)).for("update");
  return row;
}

/** Applies the changes and bumps updated_at (the database clock, so replicas agree). */
export async function updateProductRow(tx: Database, id: string, changes: ProductChanges): Promise<ProductRow> {
  const [row] = await tx
    .update(products)
    .set({ ...changes, updatedAt: sql`now()` })
    .where(eq(products.id, id))
    .returning();
  if (!row) throw new Error("locked product vanished during update");
  return row;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids that are not UUIDs cannot name a product: absent, rather than a Postgres cast error. */
const uuids = (ids: readonly string[]) => ids.filter((id) => UUID.test(id));

export async function productRows(db: Database, ids: readonly string[]): Promise<ProductRow[]> {
  const valid = uuids(ids);
  if (valid.length === 0) return [];
  return db.select().from(products).where(inArray(products.id, valid));
}

export async function productRowsByBarcode(db: Database, barcodes: readonly string[]): Promise<ProductRow[]> {
  if (barcodes.length === 0) return [];
  return db.select().from(products).where(inArray(products.barcode, [...barcodes]));
}

/** LIKE treats % and _ as wildcards; a search for "50%" means the characters. */
function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, "\\$&")}%`;
}

function filterCondition(filter: ProductFilter): SQL | undefined {
  const conditions: (SQL | undefined)[] = [
    filter.type ? eq(products.type, filter.type) : undefined,
    filter.sku ? eq(products.sku, filter.sku) : undefined,
    filter.barcode ? eq(products.barcode, filter.barcode) : undefined,
    filter.q ? or(ilike(products.name, containsPattern(filter.q)), ilike(products.sku, containsPattern(filter.q))) : undefined,
  ];
  return and(...conditions);
}

/** One page, newest first (products_created_idx), and the total across pages. */
export async function pageOfProducts(
  db: Database,
  filter: ProductFilter,
  page: { limit: number; offset: number },
): Promise<{ rows: ProductRow[]; total: number }> {
  const where = filterCondition(filter);
  const [rows, totals] = await Promise.all([
    db.select().from(products).where(where).orderBy(desc(products.createdAt), desc(products.id)).limit(page.limit).offset(page.offset),
    db.select({ total: count() }).from(products).where(where),
  ]);
  return { rows, total: totals[0]?.total ?? 0 };
}

/** Components of many sets with their SKU and name, in one query; ordered by set, then SKU. */
export async function componentRows(db: Database, setIds: readonly string[]): Promise<ComponentRow[]> {
  if (setIds.length === 0) return [];
  return db
    .select({
      setId: productSetItems.setId,
      productId: productSetItems.componentId,
      sku: products.sku,
      name: products.name,
      quantity: productSetItems.quantity,
    })
    .from(productSetItems)
    .innerJoin(products, eq(products.id, productSetItems.componentId))
    .where(inArray(productSetItems.setId, [...setIds]))
    .orderBy(asc(productSetItems.setId), asc(products.sku));
}

export async function setItemRows(db: Database, ids: readonly string[]) {
  const setIds = uuids(ids);
  if (setIds.length === 0) return [];
  return db
    .select({ setId: productSetItems.setId, componentId: productSetItems.componentId, quantity: productSetItems.quantity })
    .from(productSetItems)
    .where(inArray(productSetItems.setId, setIds))
    .orderBy(asc(productSetItems.setId), asc(productSetItems.componentId));
}

/** Every (component, set) pair, or null when there are more than `maxRows` (too many to hold in memory). */
export async function setMembershipRows(db: Database, maxRows: number): Promise<{ componentId: string; setId: string }[] | null> {
  const rows = await db
    .select({ componentId: productSetItems.componentId, setId: productSetItems.setId })
    .from(productSetItems)
    .limit(maxRows + 1);
  return rows.length > maxRows ? null : rows;
}

export async function setIdsContaining(db: Database, ids: readonly string[]): Promise<string[]> {
  const componentIds = uuids(ids);
  if (componentIds.length === 0) return [];
  const rows = await db
    .selectDistinct({ setId: productSetItems.setId })
    .from(productSetItems)
    .where(inArray(productSetItems.componentId, componentIds))
    .orderBy(asc(productSetItems.setId));
  return rows.map((r) => r.setId);
}

export async function insertComponents(tx: Database, setId: string, components: readonly { productId: string; quantity: number }[]) {
  if (components.length === 0) return;
  await tx.insert(productSetItems).values(components.map((c) => ({ setId, componentId: c.productId, quantity: c.quantity })));
}

/** Wholesale replacement; the caller holds the set's row lock, so two replacements cannot interleave. */
export async function replaceComponents(tx: Database, setId: string, components: readonly { productId: string; quantity: number }[]) {
  await tx.delete(productSetItems).where(eq(productSetItems.setId, setId));
  await insertComponents(tx, setId, components);
}

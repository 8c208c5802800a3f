/**
 * Constraint violations of the stores and listings tables, read from the driver error that
 * Drizzle wraps (postgres.js names the constraint `constraint_name`, PGlite `constraint`), so
 * the service can answer 404/422 with a code instead of a 500.
 */
export const FOREIGN_KEY_VIOLATION = "23503";
export const CHECK_VIOLATION = "23514";

export const STORE_WAREHOUSE_FK = "store_warehouses_warehouse_id_warehouses_id_fk";
export const LISTING_STORE_FK = "listings_store_id_stores_id_fk";
export const LISTING_PRODUCT_FK = "listings_product_id_products_id_fk";

export interface ConstraintViolation {
  sqlState: string;
  constraint: string | undefined;
}

export function constraintViolation(error: unknown): ConstraintViolation | undefined {
  for (let current: unknown = error; current instanceof Error; current = current.cause) {
    const fields = current as Error & { code?: unknown; constraint?: unknown; constraint_name?: unknown };
    if (fields.code === FOREIGN_KEY_VIOLATION || fields.code === CHECK_VIOLATION) {
      const name = fields.constraint_name ?? fields.constraint;
      return { sqlState: fields.code, constraint: typeof name === "string" ? name : undefined };
    }
  }
  return undefined;
}

export function isForeignKeyViolation(error: unknown, constraint: string): boolean {
  const violation = constraintViolation(error);
  return violation?.sqlState === FOREIGN_KEY_VIOLATION && violation.constraint === constraint;
}

import { isUniqueViolation } from "../../infra/db";
import { AppError, Conflict, NotFound, ValidationFailed } from "../../infra/errors";

export const productNotFound = (productId: string) => new NotFound("No such product", { productId }, "PRODUCT_NOT_FOUND");

/** The Postgres error under Drizzle's wrapper: SQLSTATE and constraint name, whichever driver raised it. */
function postgresError(error: unknown): { code: string; constraint?: string } | undefined {
  for (let current: unknown = error; current instanceof Error; current = current.cause) {
    const fields = current as Error & { code?: unknown; constraint?: unknown; constraint_name?: unknown };
    if (typeof fields.code === "string" && /^[0-9A-Z]{5}$/.test(fields.code)) {
      const name = fields.constraint_name ?? fields.constraint;
      return { code: fields.code, constraint: typeof name === "string" ? name : undefined };
    }
  }
  return undefined;
}

/**
 * Constraint violations of a product write as the client's mistake (409/422 with a code), never
 * a 500. Uniqueness is only ever decided here: checking first would race a concurrent insert.
 */
export function productWriteError(error: unknown, input: { sku?: string; barcode?: string }): unknown {
  if (error instanceof AppError) return error;
  if (isUniqueViolation(error, "products_sku_unique")) {
    return new Conflict("DUPLICATE_SKU", "A product with this SKU exists", { sku: input.sku });
  }
  if (isUniqueViolation(error, "products_barcode_unique")) {
    return new Conflict("DUPLICATE_BARCODE", "A product with this barcode exists", { barcode: input.barcode });
  }
  const pg = postgresError(error);
  if (pg?.code === "23503" && pg.constraint === "product_set_items_component_id_products_id_fk") {
    return new ValidationFailed("A component does not exist", {}, "UNKNOWN_COMPONENT");
  }
  if (pg?.code === "23514" && pg.constraint === "product_set_items_not_self") {
    return new ValidationFailed("A set cannot contain itself", {}, "SET_CONTAINS_ITSELF");
  }
  if (pg?.code === "23514") {
    return new ValidationFailed("A value is out of range", { constraint: pg.constraint });
  }
  return error;
}

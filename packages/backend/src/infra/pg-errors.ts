/**
 * The one reading of Postgres errors. Drizzle wraps the driver's error (error.cause), postgres.js
 * names the constraint `constraint_name` and PGlite `constraint`; every domain asks through here
 * so a constraint violation becomes a domain error instead of a 500.
 */
export const SQLSTATE = {
  /** A counter would leave the integer column's range. */
  NUMERIC_OUT_OF_RANGE: "22003",
  /** Text Postgres cannot store (a NUL character). */
  UNTRANSLATABLE_CHARACTER: "22021",
  FOREIGN_KEY_VIOLATION: "23503",
  UNIQUE_VIOLATION: "23505",
  CHECK_VIOLATION: "23514",
  /** lock_timeout expired while waiting. */
  LOCK_NOT_AVAILABLE: "55P03",
} as const;

export interface PostgresFailure {
  sqlState: string;
  constraint: string | undefined;
}

// Deep enough for Drizzle's wrapper around the driver's error, and for our own wrappers around that.
const MAX_CAUSES = 6;

/** The first Postgres error in the cause chain: its SQLSTATE and, for a constraint violation, the constraint. */
export function postgresFailure(error: unknown): PostgresFailure | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < MAX_CAUSES && typeof current === "object" && current !== null; depth++) {
    const fields = current as { code?: unknown; constraint?: unknown; constraint_name?: unknown; cause?: unknown };
    if (typeof fields.code === "string" && /^[0-9A-Z]{5}$/.test(fields.code)) {
      const name = fields.constraint_name ?? fields.constraint;
      return { sqlState: fields.code, constraint: typeof name === "string" ? name : undefined };
    }
    current = fields.cause;
  }
  return undefined;
}

/** The SQLSTATE of the Postgres error under the wrappers, if there is one. */
export function sqlState(error: unknown): string | undefined {
  return postgresFailure(error)?.sqlState;
}

function violates(error: unknown, state: string, constraint: string | undefined): boolean {
  const failure = postgresFailure(error);
  return failure?.sqlState === state && (constraint === undefined || failure.constraint === constraint);
}

/** A unique violation, of the named constraint when one is given. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  return violates(error, SQLSTATE.UNIQUE_VIOLATION, constraint);
}

/** A foreign key violation, of the named constraint when one is given. */
export function isForeignKeyViolation(error: unknown, constraint?: string): boolean {
  return violates(error, SQLSTATE.FOREIGN_KEY_VIOLATION, constraint);
}

/** A CHECK constraint refused the row (the named one when given). */
export function isCheckViolation(error: unknown, constraint?: string): boolean {
  return violates(error, SQLSTATE.CHECK_VIOLATION, constraint);
}

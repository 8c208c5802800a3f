/** The SQLSTATE of a driver error, looking through the wrappers Drizzle adds (error.cause). */
export function sqlState(error: unknown): string | undefined {
  for (let current: unknown = error; current instanceof Error; current = current.cause) {
    const code = (current as Error & { code?: unknown }).code;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

/** 22003: a counter would leave the integer column's range. */
export const NUMERIC_OUT_OF_RANGE = "22003";
/** 23514: a CHECK constraint refused the row. */
export const CHECK_VIOLATION = "23514";

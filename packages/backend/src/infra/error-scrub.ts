/**
 * Errors as they may be logged or reported: without what a query was sent. Drizzle's
 * DrizzleQueryError writes the parameters into its message ("Failed query: ...\nparams: a@b.c,
 * $argon2id$...") and keeps them in `params`; Postgres quotes a bad value in its message
 * ('invalid input syntax for type uuid: "a@b.c"') and a row's values in `detail` ("Key
 * (email)=(a@b.c) already exists"); postgres.js hangs `parameters` on its errors. The copy keeps the
 * SQL text, SQLSTATE, constraint, table and column, which is what an operator needs.
 */
const PARAMS_LINE = /\nparams: [^\n]*/g;
const QUOTED = /"([^"]*)"/g;
// Fields of Postgres errors (postgres.js spells them snake_case, PGlite camelCase) that name things, not values.
const NAMING_FIELDS = [
  "code",
  "severity",
  "routine",
  "constraint_name",
  "constraint",
  "table_name",
  "table",
  "column_name",
  "column",
  "schema_name",
  "schema",
  "type_name",
  "dataType",
  "errno",
  "syscall",
  "phase",
  "ms",
  "query",
] as const;
const MAX_CAUSES = 5;

/** A string with Drizzle's "params: ..." line removed. */
export function withoutQueryParameters(text: string): string {
  return text.includes("\nparams: ") ? text.replace(PARAMS_LINE, "\nparams: [redacted]") : text;
}

function isPostgresError(error: Error): boolean {
  const fields = error as unknown as Record<string, unknown>;
  return typeof fields.code === "string" && /^[0-9A-Z]{5}$/.test(fields.code) && ("severity" in fields || "routine" in fields);
}

/** Postgres's message with quoted values replaced, quoted names (the error's own constraint, table, column) kept. */
function postgresMessage(error: Error): string {
  const fields = error as unknown as Record<string, unknown>;
  const names = new Set(NAMING_FIELDS.map((name) => fields[name]).filter((value): value is string => typeof value === "string"));
  return error.message.replace(QUOTED, (quoted, inner: string) => (names.has(inner) ? quoted : '"[redacted]"'));
}

function scrubOne(error: Error, depth: number): Error {
  const message = isPostgresError(error) ? postgresMessage(error) : withoutQueryParameters(error.message);
  const copy = new Error(message);
  copy.name = error.name;
  // The frames only: the first line repeats the unscrubbed message.
  const frames = (error.stack ?? "").split("\n").filter((line) => line.trimStart().startsWith("at "));
  copy.stack = [`${error.name}: ${message}`, ...frames].join("\n");
  const fields = error as unknown as Record<string, unknown>;
  for (const name of NAMING_FIELDS) {
    const value = fields[name];
    if (typeof value === "string" || typeof value === "number") Object.assign(copy, { [name]: value });
  }
  if (error.cause instanceof Error && depth < MAX_CAUSES) copy.cause = scrubOne(error.cause, depth + 1);
  return copy;
}

/** A copy of the error (and its causes) safe to log and report; anything not an Error is returned as it is. */
export function scrubError(error: unknown): unknown {
  return error instanceof Error ? scrubOne(error, 0) : error;
}

import { mkdirSync } from "node:fs";
import { hostname } from "node:os";
import { sql, type SQL } from "drizzle-orm";
import { PgDialect, type PgDatabase, type PgQueryResultHKT } from "drizzle-orm/pg-core";
import { PGlite } from "@electric-sql/pglite";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { boundedClient, type DatabaseBounds } from "./db-availability";
import type { Logger } from "./logger";
import { MIGRATIONS_FOLDER, migratePgliteDatabase, migratePostgresDatabase } from "./migrate";
import { withTimeout } from "./timeout";

/** The one Drizzle type every domain service takes; both drivers satisfy it. */
export type Database = PgDatabase<PgQueryResultHKT>;

export interface DatabaseHandle {
  readonly kind: "postgres" | "pglite";
  readonly db: Database;
  /**
   * One connection outside the pool, for the small read every request may wait on (the session
   * revocation mirror): behind a saturated pool it would queue with the load and give up, and
   * its refusal would answer every request 503. PGlite has one connection: `db` itself.
   */
  readonly side: Database;
  ping(timeoutMs: number): Promise<void>;
  /** Applies the committed migrations; safe to call from several replicas at once. */
  migrate(folder?: string): Promise<void>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** postgres.js pool when set; PGlite otherwise. */
  url?: string;
  poolMax?: number;
  /** Postgres only: how long a statement may wait for a connection and run (db-availability.ts). */
  bounds?: DatabaseBounds;
  /** PGlite data folder, or "memory://" for a throwaway in-memory database. */
  pgliteDataDir?: string;
  /** A dumpDataDir() tarball to start from instead of running initdb (tests: ~10x faster). */
  pgliteTemplate?: Blob;
  /** Sees every statement Drizzle sends (benchmarks count round trips with it). */
  onQuery?: (query: string) => void;
  log: Logger;
}

/**
 * Rows of a raw `sql` query. postgres.js answers an array and PGlite `{ rows }`; callers of
 * db.execute() should not have to know which driver they run on.
 */
export async function queryRows<T extends Record<string, unknown>>(db: Database, query: SQL): Promise<T[]> {
  const result: unknown = await db.execute(query);
  if (Array.isArray(result)) return result as T[];
  if (result && typeof result === "object" && "rows" in result && Array.isArray(result.rows)) return result.rows as T[];
  throw new Error("unexpected result shape from db.execute");
}

function rowsOf(result: unknown): unknown[] {
  if (Array.isArray(result)) return result;
  if (result && typeof result === "object" && "rows" in result && Array.isArray(result.rows)) return result.rows;
  throw new Error("unexpected result shape from a prepared statement");
}

/**
 * A hot statement as a named prepared statement, through Drizzle's session so both drivers and
 * the query hook see it: on postgres.js one round trip (Drizzle's unnamed statements describe
 * first: two). `name` must always go with the same text; the params change.
 */
export async function preparedRows<T extends Record<string, unknown>>(db: Database, name: string, text: string, params: unknown[]): Promise<T[]> {
  return rowsOf(await db._.session.prepareQuery({ sql: text, params }, undefined, name, false).execute()) as T[];
}

// Renders `sql` templates to text + params the way the drivers' sessions do.
const dialect = new PgDialect({ casing: "snake_case" });

/** preparedRows for a Drizzle `sql` template whose text never varies between calls. */
export async function preparedQueryRows<T extends Record<string, unknown>>(db: Database, name: string, query: SQL): Promise<T[]> {
  const { sql: text, params } = dialect.sqlToQuery(query);
  return preparedRows<T>(db, name, text, params);
}

/**
 * Names this process's Postgres connections (63 bytes kept) so /metrics can count its pool in
 * pg_stat_activity (dependency-stats.ts): containers differ by hostname, local processes by pid.
 */
export const POSTGRES_APPLICATION_NAME = `pazarsync/${hostname()}/${process.pid}`.slice(0, 63);
/** The side connection's name: the pool's readings (dependency-stats.ts) count the pool alone. */
const POSTGRES_SIDE_APPLICATION_NAME = `pazarsync-side/${hostname()}/${process.pid}`.slice(0, 63);

// Column names are written camelCase in TypeScript and snake_case in SQL.
const DRIZZLE_OPTIONS = { casing: "snake_case" } as const;

export async function openDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  return options.url ? openPostgres(options.url, options.poolMax ?? 10, options) : openPglite(options);
}

/** Scripts' bounds (the server passes its config's): long maintenance statements are not cut short. */
const SCRIPT_DATABASE_BOUNDS: DatabaseBounds = { connectTimeoutMs: 5000, statementTimeoutMs: 0 };

function drizzleOptions(options: DatabaseOptions) {
  const onQuery = options.onQuery;
  return onQuery ? { ...DRIZZLE_OPTIONS, logger: { logQuery: (query: string) => onQuery(query) } } : DRIZZLE_OPTIONS;
}

function openPostgres(url: string, poolMax: number, options: DatabaseOptions): DatabaseHandle {
  const bounds = options.bounds ?? SCRIPT_DATABASE_BOUNDS;
  const pool = boundedPostgres(url, poolMax, POSTGRES_APPLICATION_NAME, bounds, options.log);
  const side = boundedPostgres(url, 1, POSTGRES_SIDE_APPLICATION_NAME, bounds, options.log);
  const db = drizzlePostgres({ client: pool.bounded.client, ...drizzleOptions(options) });
  options.log.debug({ poolMax }, "postgres pool created");
  return {
    kind: "postgres",
    db,
    side: drizzlePostgres({ client: side.bounded.client, ...drizzleOptions(options) }),
    ping: (timeoutMs) => withTimeout(db.execute(sql`select 1`).then(() => undefined), timeoutMs, "postgres"),
    migrate: (folder = MIGRATIONS_FOLDER) => migratePostgresDatabase(url, folder),
    close: async () => {
      pool.bounded.close();
      side.bounded.close();
      await Promise.all([pool.raw.end({ timeout: 5 }), side.raw.end({ timeout: 5 })]);
    },
  };
}

function boundedPostgres(url: string, max: number, applicationName: string, bounds: DatabaseBounds, log: Logger) {
  const raw = postgres(url, {
    max,
    // Seconds; a connection accepted but never answered is given up after this.
    connect_timeout: bounds.connectTimeoutMs / 1000,
    idle_timeout: 30,
    connection: {
      application_name: applicationName,
      ...(bounds.statementTimeoutMs > 0 ? { statement_timeout: bounds.statementTimeoutMs } : {}),
    },
    onnotice: () => undefined,
  });
  return { raw, bounded: boundedClient(raw, bounds, log) };
}

async function openPglite(options: DatabaseOptions): Promise<DatabaseHandle> {
  const dataDir = options.pgliteDataDir ?? "./.data/pglite";
  // PGlite does not create parent folders (STACK.md).
  if (!dataDir.startsWith("memory://") && !options.pgliteTemplate) mkdirSync(dataDir, { recursive: true });
  const client = options.pgliteTemplate
    ? await PGlite.create({ loadDataDir: options.pgliteTemplate })
    : await PGlite.create(dataDir);
  const db = drizzlePglite({ client, ...drizzleOptions(options) });
  options.log.debug({ dataDir }, "pglite opened");
  return {
    kind: "pglite",
    db,
    side: db,
    ping: (timeoutMs) => withTimeout(client.query("select 1").then(() => undefined), timeoutMs, "pglite"),
    // One process owns a PGlite folder, so there is no one to race.
    migrate: (folder = MIGRATIONS_FOLDER) => migratePgliteDatabase(db, folder),
    close: () => client.close(),
  };
}

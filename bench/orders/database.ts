/**
 * The run's database: a scratch database beside DATABASE_URL (dropped after), or with no
 * DATABASE_URL a PGlite folder on disk, so the lock-on and lock-off servers, started one after
 * the other, see the same rows. PGlite has one owner at a time: this process opens it only
 * while no server runs.
 */
import { PGlite } from "@electric-sql/pglite";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { type DatabaseHandle, openDatabase } from "../../packages/backend/src/infra/db";
import { createLogger } from "../../packages/backend/src/infra/logger";
import { createScratchDatabase } from "../../packages/backend/test/support/database";
import { pgliteTransact, postgresTransact, type Transact } from "./raw";

export interface BenchDatabase {
  kind: "postgres" | "pglite";
  /** What the server needs to find this database. */
  serverEnv: Record<string, string>;
  /** Drizzle on it, for seeding and the final tally. */
  open(): Promise<DatabaseHandle>;
  /** The raw baseline's driver: a postgres.js pool of `pool` connections, or PGlite in this process. */
  openRaw(pool: number): Promise<{ transact: Transact; driver: string; close(): Promise<void> }>;
  drop(): Promise<void>;
}

const log = createLogger({ level: "silent", pretty: false });

export async function createBenchDatabase(databaseUrl: string | undefined): Promise<BenchDatabase> {
  if (databaseUrl) {
    const scratch = await createScratchDatabase("bench_orders");
    return {
      kind: "postgres",
      serverEnv: { DATABASE_URL: scratch.url },
      open: () => openDatabase({ url: scratch.url, poolMax: 2, log }),
      async openRaw(pool) {
        const sql = postgres(scratch.url, { max: pool, onnotice: () => undefined });
        return { transact: postgresTransact(sql), driver: `postgres.js, pool of ${pool}`, close: () => sql.end({ timeout: 5 }) };
      },
      drop: () => scratch.drop(),
    };
  }
  const folder = mkdtempSync(join(tmpdir(), "bench-orders-pglite-"));
  return {
    kind: "pglite",
    serverEnv: { PGLITE_DATA_DIR: folder },
    open: () => openDatabase({ pgliteDataDir: folder, log }),
    async openRaw() {
      const pg = await PGlite.create(folder);
      return { transact: pgliteTransact(pg), driver: "PGlite in this process (one connection)", close: () => pg.close() };
    },
    drop: async () => rmSync(folder, { recursive: true, force: true }),
  };
}

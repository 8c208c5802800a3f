import { PGlite } from "@electric-sql/pglite";
import { drizzle } from "drizzle-orm/pglite";
import { MIGRATIONS_FOLDER, migratePgliteDatabase } from "../../src/infra/migrate";

let template: Promise<Blob> | undefined;

/**
 * A migrated PGlite data folder, built once per test process. Starting PGlite from it takes
 * ~0.3 s instead of ~3 s for initdb, and every file still gets its own database.
 */
export function migratedPgliteTemplate(): Promise<Blob> {
  template ??= (async () => {
    const client = await PGlite.create("memory://");
    await migratePgliteDatabase(drizzle({ client }), MIGRATIONS_FOLDER);
    const dump = await client.dumpDataDir("none");
    await client.close();
    return dump;
  })();
  return template;
}

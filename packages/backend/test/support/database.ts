import { createHash, randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import postgres from "postgres";
import { MIGRATIONS_FOLDER, migratePostgresDatabase } from "../../src/infra/migrate";
import { databaseUrl } from "./env";

export interface ScratchDatabase {
  url: string;
  drop(): Promise<void>;
}

export interface ScratchOptions {
  /**
   * Start from the migrated schema: a copy of a template database migrated once for these
   * migrations (~1 s) instead of running every migration again (~2-3 s per file).
   */
  migrated?: boolean;
}

const urlOf = (name: string) => {
  const url = new URL(databaseUrl as string);
  url.pathname = `/${name}`;
  return url.toString();
};

async function asAdmin<T>(run: (admin: postgres.Sql) => Promise<T>): Promise<T> {
  const admin = postgres(databaseUrl as string, { max: 1, onnotice: () => undefined });
  try {
    return await run(admin);
  } finally {
    await admin.end();
  }
}

/** Named after the migrations' contents, so a changed or added migration gets a template of its own. */
function templateName(): string {
  const hash = createHash("sha256");
  const files = readdirSync(MIGRATIONS_FOLDER, { recursive: true, encoding: "utf8" }).sort();
  for (const file of files.filter((f) => f.endsWith(".sql") || f.endsWith("_journal.json"))) {
    hash.update(file).update(readFileSync(join(MIGRATIONS_FOLDER, file)));
  }
  return `ps_tpl_${hash.digest("hex").slice(0, 16)}`;
}

const exists = async (admin: postgres.Sql, name: string) =>
  (await admin`select 1 from pg_database where datname = ${name}`).length > 0;

let template: Promise<string> | undefined;

/**
 * The migrated template database, built at most once per server and migration set. It is built
 * under another name and renamed when complete, so a run killed half-way never leaves a
 * half-migrated template; two processes building at once both finish and one rename wins.
 * Kept after the run: the next run (or test process) starts from it.
 */
function migratedTemplate(): Promise<string> {
  template ??= (async () => {
    const name = templateName();
    if (await asAdmin((admin) => exists(admin, name))) return name;
    const building = `${name}_b${randomBytes(3).toString("hex")}`;
    await asAdmin((admin) => admin.unsafe(`create database "${building}"`));
    try {
      await migratePostgresDatabase(urlOf(building), MIGRATIONS_FOLDER);
      await asAdmin(async (admin) => {
        if (!(await exists(admin, name))) await admin.unsafe(`alter database "${building}" rename to "${name}"`);
      });
    } catch (error) {
      // Another process renamed its copy first: use that one.
      if (!(await asAdmin((admin) => exists(admin, name)))) throw error;
    } finally {
      await asAdmin((admin) => admin.unsafe(`drop database if exists "${building}" with (force)`));
    }
    return name;
  })();
  void template.catch(() => (template = undefined));
  return template;
}

/**
 * Drops a test file's database, never by force. A closed pool's connection can outlive its
 * end(); terminating it then resets a socket the client has already let go of, which surfaces
 * as an unhandled ECONNRESET in whichever test runs next. Postgres itself waits up to 5 s for
 * other connections to leave before refusing (55006 object_in_use); a database still in use
 * then is left to go with its process's connection, and later runs' names never collide with it.
 */
async function dropWhenUnused(admin: postgres.Sql, name: string): Promise<void> {
  try {
    await admin.unsafe(`drop database if exists "${name}"`);
  } catch (error) {
    if (!(error instanceof postgres.PostgresError && error.code === "55006")) throw error;
  }
}

/**
 * A database of its own for one test file on the real server, dropped afterwards, so files
 * and runs never see each other's rows. Empty unless `migrated` is asked for.
 */
export async function createScratchDatabase(label: string, options: ScratchOptions = {}): Promise<ScratchDatabase> {
  if (!databaseUrl) throw new Error("createScratchDatabase needs DATABASE_URL");
  const name = `ps_t_${label.replace(/[^a-z0-9]/gi, "_").toLowerCase().slice(0, 20)}_${randomBytes(4).toString("hex")}`;
  const from = options.migrated ? ` template "${await migratedTemplate()}"` : "";
  await asAdmin((admin) => admin.unsafe(`create database "${name}"${from}`));
  return {
    url: urlOf(name),
    drop: () => asAdmin((admin) => dropWhenUnused(admin, name)),
  };
}

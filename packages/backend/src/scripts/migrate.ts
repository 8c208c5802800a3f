import { loadConfig } from "../config";
import { openDatabase } from "../infra/db";
import { createLogger } from "../infra/logger";

// `bun run db:migrate`: the same migrations main.ts applies at start, on demand.
const config = loadConfig();
const log = createLogger({ level: config.logLevel === "silent" ? "info" : config.logLevel, pretty: config.logPretty });
const database = await openDatabase({ url: config.databaseUrl, pgliteDataDir: config.pgliteDataDir, poolMax: 1, log });
try {
  const started = performance.now();
  await database.migrate();
  log.info({ driver: database.kind, ms: Math.round(performance.now() - started) }, "migrations applied");
} finally {
  await database.close();
}

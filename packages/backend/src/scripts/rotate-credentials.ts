/**
 * `bun run credentials:rotate`: re-encrypts every store's credentials under CREDENTIALS_KEY
 * (id CREDENTIALS_KEY_ID). Put the old key in CREDENTIALS_PREVIOUS_KEYS ("k1:base64key") for
 * the run and until every replica runs with the new key; remove it afterwards. Exits 1 when a
 * store could not be decrypted with any configured key. In embedded mode stop the server first.
 */
import { loadConfig } from "../config";
import type { CatalogChange } from "../domains/catalog/events";
import { createStoreService } from "../domains/catalog/service";
import { openDatabase } from "../infra/db";
import { createEventHub } from "../infra/events";
import { createLogger } from "../infra/logger";

const config = loadConfig();
const log = createLogger({ level: config.logLevel === "silent" ? "info" : config.logLevel, pretty: config.logPretty });
// Without it config generates a throwaway key: rotating onto that would lose every credential.
if (!process.env.CREDENTIALS_KEY) {
  log.error("CREDENTIALS_KEY must be set to the key to rotate onto; nothing was changed");
  process.exit(2);
}

const database = await openDatabase({ url: config.databaseUrl, pgliteDataDir: config.pgliteDataDir, poolMax: 1, log });
let failed = 0;
try {
  const stores = createStoreService({
    db: database.db,
    log,
    events: createEventHub<CatalogChange>("catalog-change", log),
    keyring: { current: { id: config.credentialsKeyId, key: config.credentialsKey }, previous: config.credentialsPreviousKeys },
  });
  const report = await stores.rotateCredentials();
  failed = report.failed.length;
  if (failed > 0) log.error({ failed: report.failed }, "some stores keep credentials no configured key can open");
} finally {
  await database.close();
}
process.exit(failed > 0 ? 1 : 0);

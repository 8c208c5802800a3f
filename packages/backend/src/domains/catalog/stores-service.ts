import type { Database } from "../../infra/db";
import type { EventHub } from "../../infra/events";
import type { Logger } from "../../infra/logger";
import type { CatalogChange } from "./events";

export interface StoreServiceDeps {
  db: Database;
  log: Logger;
  events: EventHub<CatalogChange>;
  /** The current 32-byte key; key ids and older keys for rotation are the stores work's to add. */
  credentialsKey: Buffer;
}

// STUB: replaced by the stores work (issue 4).
export function createStoreService(_deps: StoreServiceDeps) {
  return {};
}

export type StoreService = ReturnType<typeof createStoreService>;

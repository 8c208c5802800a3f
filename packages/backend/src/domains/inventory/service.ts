import type { Database } from "../../infra/db";
import type { EventHub } from "../../infra/events";
import type { LockPort } from "../../infra/locks";
import type { Logger } from "../../infra/logger";
import type { ProductService } from "../catalog/service";
import type { StockChange } from "./events";

export interface InventoryServiceDeps {
  db: Database;
  locks: LockPort;
  log: Logger;
  events: EventHub<StockChange>;
  products: Pick<ProductService, "findProduct">;
}

// STUB: replaced by the inventory work (issue 4).
export function createInventoryService(_deps: InventoryServiceDeps) {
  return {};
}

export type InventoryService = ReturnType<typeof createInventoryService>;
export type { SellableDetail, SellableLookup } from "./availability-types";
export type { StockChange } from "./events";

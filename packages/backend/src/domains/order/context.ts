import type { Database } from "../../infra/db";
import type { LockPort } from "../../infra/locks";
import type { Logger } from "../../infra/logger";
import type { ProductService, StoreService } from "../catalog/service";
import type { Role } from "../identity/model";
import type { InventoryService } from "../inventory/service";
import type { Idempotency } from "./idempotency";
import type { ListingPrices } from "./listing-prices";

/** Everything the order operations share; built once by createOrderService. */
export interface OrderContext {
  db: Database;
  locks: LockPort;
  log: Logger;
  products: Pick<ProductService, "findProducts" | "findByBarcodes" | "componentsOf">;
  stores: Pick<StoreService, "findStore">;
  inventory: Pick<
    InventoryService,
    "reserveInTransaction" | "releaseInTransaction" | "shipInTransaction" | "restockInTransaction" | "announce" | "productStock"
  >;
  idempotency: Idempotency;
  listingPrices: ListingPrices;
}

/** Who acts on an order: a signed-in user, or the system (marketplace intake and cancellations). */
export type OrderActor = { userId: string; role: Role } | { userId: null; role: "system" };

export const SYSTEM: OrderActor = { userId: null, role: "system" };

export const isStaff = (actor: OrderActor) => actor.role === "staff" || actor.role === "admin" || actor.role === "system";

import type { Database } from "../../infra/db";
import type { LockPort } from "../../infra/locks";
import type { Logger } from "../../infra/logger";
import type { StoreService } from "../catalog/service";
import type { Role } from "../identity/model";
import type { InventoryService } from "../inventory/service";
import type { Idempotency } from "./idempotency";
import type { OrderMetrics } from "./metrics";

/** Everything the order operations share; built once by createOrderService. */
export interface OrderContext {
  db: Database;
  locks: LockPort;
  log: Logger;
  /** Store, products, listing prices and set components in one statement: all an order reads of catalog. */
  stores: Pick<StoreService, "quoteForOrder">;
  inventory: Pick<
    InventoryService,
    "reserveInTransaction" | "releaseInTransaction" | "shipInTransaction" | "restockInTransaction" | "announce" | "productStock"
  >;
  idempotency: Idempotency;
  metrics: OrderMetrics;
}

/** What catalog answers for an order (catalog/order-quote.ts). */
export type OrderQuote = NonNullable<Awaited<ReturnType<StoreService["quoteForOrder"]>>>;
export type QuotedProduct = OrderQuote["products"][number];

/** Who acts on an order: a signed-in user, or the system (marketplace intake and cancellations). */
export type OrderActor = { userId: string; role: Role } | { userId: null; role: "system" };

export const SYSTEM: OrderActor = { userId: null, role: "system" };

export const isStaff = (actor: OrderActor) => actor.role === "staff" || actor.role === "admin" || actor.role === "system";

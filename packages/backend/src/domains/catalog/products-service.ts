import type { Database } from "../../infra/db";
import type { EventHub } from "../../infra/events";
import type { Logger } from "../../infra/logger";
import type { SellableLookup } from "../inventory/availability-types";
import type { CatalogChange } from "./events";

export interface ProductServiceDeps {
  db: Database;
  log: Logger;
  events: EventHub<CatalogChange>;
  /** Injected by services.ts from inventory's availability (catalog may not import inventory). */
  sellable: SellableLookup;
}

export interface ProductSummary {
  id: string;
  sku: string;
  barcode: string;
  type: "SIMPLE" | "SET";
  active: boolean;
}

// STUB: replaced by the products work (issue 4).
export function createProductService(_deps: ProductServiceDeps) {
  return {
    async findProduct(_id: string): Promise<ProductSummary | undefined> {
      return undefined;
    },
  };
}

export type ProductService = ReturnType<typeof createProductService>;

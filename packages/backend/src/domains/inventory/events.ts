/** Announced after every committed stock change (DESIGN step 4: mark dirty after commit). */
export interface StockChange {
  productIds: string[];
  warehouseIds: string[];
  /** The ledger rows written, for tracing. */
  correlationId: string;
  /** An order's change (a sale, a release, a return): the marketplaces should hear of it soon. */
  urgent?: boolean;
}

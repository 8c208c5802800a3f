import { StockSync } from "@pazarsync/shared";
import { Type } from "@sinclair/typebox";
import { Uuid } from "@pazarsync/shared";

/** Request and response schemas of the stock-sync routes; shared with clients via @pazarsync/shared. */
export const StockSyncModel = {
  ...StockSync,
  IdParams: Type.Object({ id: Uuid }),
};

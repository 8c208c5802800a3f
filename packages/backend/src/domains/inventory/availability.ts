import type { Database } from "../../infra/db";
import type { SellableLookup } from "./availability-types";

// STUB: replaced by the availability work (issue 4).
export function createAvailability(_deps: { db: Database }): SellableLookup {
  return async () => new Map();
}

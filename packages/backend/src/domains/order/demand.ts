import type { Demand } from "../inventory/reservation-types";
import type { QuotedProduct } from "./context";

export interface DemandLine {
  product: Pick<QuotedProduct, "id" | "type" | "components">;
  quantity: number;
}

/**
 * What the order needs of each simple product, sets expanded and every line added up: a set and
 * a loose component on one order compete for the same stock (Medusa 16502 checked lines alone).
 * Sorted by product id, the order locks and conditional updates are taken in.
 */
export function componentDemand(lines: readonly DemandLine[]): Demand[] {
  const need = new Map<string, number>();
  const add = (productId: string, quantity: number) => need.set(productId, (need.get(productId) ?? 0) + quantity);
  for (const line of lines) {
    if (line.product.type === "SIMPLE") {
      add(line.product.id, line.quantity);
      continue;
    }
    const parts = line.product.components;
    // The catalog refuses a set without components; one here means the catalog changed under us.
    if (parts.length === 0) throw new Error(`set ${line.product.id} has no components`);
    for (const part of parts) add(part.componentId, part.quantity * line.quantity);
  }
  return [...need.entries()]
    .map(([productId, quantity]) => ({ productId, quantity }))
    .sort((a, b) => (a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0));
}

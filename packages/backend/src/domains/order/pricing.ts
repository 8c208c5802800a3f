/** Order lines priced into items and totals: web placement and marketplace intake alike. */
import { OrderTotalTooLarge } from "./errors";
import type { ProductSummary } from "../catalog/service";
import type { NewItem } from "./repository";

/** Postgres `integer`, the type of every money column. */
export const MAX_MONEY = 2_147_483_647;

export interface PricedLine {
  product: ProductSummary;
  quantity: number;
  /** Minor units, VAT included. */
  unitPrice: number;
}

export interface PricedOrder {
  currency: string;
  total: number;
  vatTotal: number;
  items: NewItem[];
}

/** The VAT inside a VAT-inclusive amount, rounded to the nearest minor unit. */
export const vatIncluded = (amount: number, vatRate: number) => Math.round((amount * vatRate) / (100 + vatRate));

/** Order items and totals from priced lines; 422 ORDER_TOTAL_TOO_LARGE beyond what a money column holds. */
export function priceOrder(currency: string, lines: readonly PricedLine[]): PricedOrder {
  let total = 0;
  let vatTotal = 0;
  const items = lines.map((line, index): NewItem => {
    const lineTotal = line.unitPrice * line.quantity;
    total += lineTotal;
    vatTotal += vatIncluded(lineTotal, line.product.vatRate);
    return {
      lineNo: index + 1,
      productId: line.product.id,
      sku: line.product.sku,
      name: line.product.name,
      quantity: line.quantity,
      unitPrice: line.unitPrice,
      lineTotal,
      vatRate: line.product.vatRate,
    };
  });
  if (total > MAX_MONEY) throw new OrderTotalTooLarge(total);
  return { currency, total, vatTotal, items };
}

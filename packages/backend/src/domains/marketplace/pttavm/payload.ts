import type { ValidationResult } from "../adapter";
import { decimalPrice } from "../money";
import type { StockPriceItem } from "../types";
import { validateItems } from "../validate";

export interface PriceFieldNames {
  sale: string;
  list: string;
}

/**
 * The local rules are the shared ones (validate.ts): a usable barcode, one
 * desired state per barcode, integer quantities clamped to the cap (0..9999 here), positive
 * prices with list >= sale. Refusals come back as FAILED_PERMANENT and are never sent.
 */
export function validatePttavmItems(items: readonly StockPriceItem[], maxQuantity: number): ValidationResult {
  return validateItems(items, maxQuantity);
}

/**
 * `{"items":[{"barcode","quantity", <sale>, <list>}]}` written by hand so identical items give
 * identical bytes (the 5-minute rule compares bodies). Prices go out as TRY decimals with two
 * places; their field names are a setting because no official page names them. A price-only
 * item carries no quantity (assumption: the documented item shows quantity, prices optional).
 */
export function stockPricesBody(items: readonly StockPriceItem[], fields: PriceFieldNames): string {
  const written = items.map((item) => {
    const parts = [`"barcode":${JSON.stringify(item.barcode)}`];
    if (item.quantity !== undefined) parts.push(`"quantity":${item.quantity}`);
    if (item.salePrice !== undefined) parts.push(`${JSON.stringify(fields.sale)}:${decimalPrice(item.salePrice)}`);
    if (item.listPrice !== undefined) parts.push(`${JSON.stringify(fields.list)}:${decimalPrice(item.listPrice)}`);
    return `{${parts.join(",")}}`;
  });
  return `{"items":[${written.join(",")}]}`;
}

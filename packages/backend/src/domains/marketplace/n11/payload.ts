import type { ValidationResult } from "../adapter";
import { decimalPrice } from "../money";
import type { StockPriceItem } from "../types";
import { stockCodeKey, validateItems } from "../validate";
import { N11 } from "./facts";

/** N11 takes listPrice and salePrice together or REJECTs the whole request. */
export const N11_PRICES_INCOMPLETE = "LIST_AND_SALE_PRICE_REQUIRED_TOGETHER";

/**
 * One bad sku makes N11 REJECT the whole request, so everything N11 would refuse is refused here,
 * per item: the shared rules plus both prices or neither. Quantities are clamped to [0, maxQuantity].
 */
export function validateN11Items(items: readonly StockPriceItem[], maxQuantity: number): ValidationResult {
  return validateItems(items, maxQuantity, { bothPricesOrNeither: N11_PRICES_INCOMPLETE, keyedOnStockCode: true });
}

/**
 * The request body, written by hand so the same items always give the same bytes. A sku carries
 * only what changes: N11 leaves fields a sku does not name untouched, so a quantity-only item is
 * `{stockCode, quantity}` (no prices, no currencyType) and a price item names both prices and TL.
 */
export function priceStockBody(items: readonly StockPriceItem[], integrator: string): string {
  const skus = items.map((item) => {
    // N11 keys the sku on the seller's stock code: the listing's, else the barcode.
    const fields = [`"stockCode":${JSON.stringify(stockCodeKey(item))}`];
    const priced = item.salePrice !== undefined && item.listPrice !== undefined;
    if (priced) fields.push(`"listPrice":"${decimalPrice(item.listPrice ?? 0)}"`, `"salePrice":"${decimalPrice(item.salePrice ?? 0)}"`);
    if (item.quantity !== undefined) fields.push(`"quantity":${item.quantity}`);
    if (priced) fields.push(`"currencyType":"${N11.currencyType}"`);
    return `{${fields.join(",")}}`;
  });
  return `{"payload":{"integrator":${JSON.stringify(integrator)},"skus":[${skus.join(",")}]}}`;
}

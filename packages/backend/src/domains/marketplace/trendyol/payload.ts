import { decimalPrice } from "../money";
import type { StockPriceItem } from "../types";

/** The request body, written by hand so the same items always give the same bytes. */
export function priceAndInventoryBody(items: readonly StockPriceItem[]): string {
  const written = items.map((item) => {
    const fields = [`"barcode":${JSON.stringify(item.barcode)}`];
    if (item.quantity !== undefined) fields.push(`"quantity":${item.quantity}`);
    if (item.salePrice !== undefined) fields.push(`"salePrice":${decimalPrice(item.salePrice)}`);
    if (item.listPrice !== undefined) fields.push(`"listPrice":${decimalPrice(item.listPrice)}`);
    return `{${fields.join(",")}}`;
  });
  return `{"items":[${written.join(",")}]}`;
}

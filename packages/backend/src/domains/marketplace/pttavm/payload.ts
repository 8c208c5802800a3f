import type { ValidationResult } from "../adapter";
import { decimalPrice } from "../money";
import type { ItemOutcome, StockPriceItem } from "../types";
import { validateItems } from "../validate";
import { PTTAVM } from "./facts";

/** A price PttAVM refuses ("fiyat > 1"): refused here, before quota is spent. */
export const PRICE_NOT_ABOVE_ONE_TRY = "PRICE_NOT_ABOVE_ONE_TRY";

/**
 * The shared local rules (validate.ts) — a usable barcode, one desired state per barcode,
 * quantities clamped to 0..9999, positive prices with list >= sale — plus PttAVM's own: a sale
 * price above 1 TRY. PttAVM keeps one price, so a list price alone is nothing to update.
 */
export function validatePttavmItems(items: readonly StockPriceItem[], maxQuantity: number): ValidationResult {
  const shared = validateItems(items, maxQuantity, { listPriceAloneIsNothing: true });
  const valid: StockPriceItem[] = [];
  const rejected: ItemOutcome[] = [...shared.rejected];
  for (const item of shared.valid) {
    if (item.salePrice !== undefined && item.salePrice <= PTTAVM.minPriceExclusive) {
      rejected.push({ barcode: item.barcode, outcome: "FAILED_PERMANENT", reasons: [PRICE_NOT_ABOVE_ONE_TRY] });
    } else valid.push(item);
  }
  return { valid, rejected };
}

/** The price without VAT in kuruş, rounded half up: what PttAVM shows beside the price with VAT. */
export function priceWithoutVat(priceWithVat: number, vatRate: number): number {
  return Math.round((priceWithVat * 100) / (100 + vatRate));
}

/**
 * `{"items":[{"barcode","quantity","priceWithVAT","priceWithoutVAT","vatRate","discount"}]}`
 * (fixture stock-price-write), written by hand so identical items give identical bytes (the
 * 5-minute rule compares bodies). PttAVM keeps one price and a discount percentage, not a
 * list/sale pair: our sale price (VAT included) is priceWithVAT, priceWithoutVAT is derived
 * from it at the store's VAT rate, and discount is always 0 — a percentage would change what
 * the buyer pays (either below our sale price, or, applied to the list price, a rounded and
 * 70%-capped figure we never set), and leaving it out could keep a discount set in the panel.
 * The list price is not sent. A quantity-only item carries no price fields.
 */
export function stockPricesBody(items: readonly StockPriceItem[], vatRate: number): string {
  const written = items.map((item) => {
    const parts = [`"barcode":${JSON.stringify(item.barcode)}`];
    if (item.quantity !== undefined) parts.push(`"quantity":${item.quantity}`);
    if (item.salePrice !== undefined) {
      parts.push(`"priceWithVAT":${decimalPrice(item.salePrice)}`, `"priceWithoutVAT":${decimalPrice(priceWithoutVat(item.salePrice, vatRate))}`);
      parts.push(`"vatRate":${vatRate}`, `"discount":0`);
    }
    return `{${parts.join(",")}}`;
  });
  return `{"items":[${written.join(",")}]}`;
}

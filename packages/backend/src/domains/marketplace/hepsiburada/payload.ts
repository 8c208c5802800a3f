import type { ValidationResult } from "../adapter";
import { decimalPrice } from "../money";
import type { StockPriceItem } from "../types";
import { validateItems } from "../validate";

/**
 * Refusals Hepsiburada would answer per item (or that make no sense to send) come back as
 * FAILED_PERMANENT (two states for one barcode would be its DuplicateMerchantSkuSpecified);
 * quantities are clamped to [0, maxQuantity]. Hepsiburada takes one price, so an item with only a
 * list price says nothing it can use (NOTHING_TO_UPDATE).
 */
export function validateHepsiburadaItems(items: readonly StockPriceItem[], maxQuantity: number): ValidationResult {
  return validateItems(items, maxQuantity, { listPriceAloneIsNothing: true });
}

/**
 * Items are identified by merchantSku = our barcode (the code the seller gave the listing on
 * Hepsiburada); hepsiburadaSku is optional on the wire and not sent, since we do not keep it.
 * Bodies are bare arrays, written by hand so the same items always give the same bytes.
 */
export function stockUploadBody(items: readonly StockPriceItem[]): string {
  return `[${items.map((item) => `{"merchantSku":${JSON.stringify(item.barcode)},"availableStock":${item.quantity ?? 0}}`).join(",")}]`;
}

/** Hepsiburada keeps one price per listing: our sale price. The list price is not sent. */
export function priceUploadBody(items: readonly StockPriceItem[]): string {
  return `[${items.map((item) => `{"merchantSku":${JSON.stringify(item.barcode)},"price":${decimalPrice(item.salePrice ?? 0)}}`).join(",")}]`;
}

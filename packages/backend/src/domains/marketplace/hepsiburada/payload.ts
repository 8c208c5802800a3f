import type { ValidationResult } from "../adapter";
import { decimalPrice } from "../money";
import type { StockPriceItem } from "../types";
import { stockCodeKey, validateItems } from "../validate";

/**
 * Refusals Hepsiburada would answer per item (or that make no sense to send) come back as
 * FAILED_PERMANENT (two states for one barcode would be its DuplicateMerchantSkuSpecified);
 * quantities are clamped to [0, maxQuantity]. Hepsiburada takes one price, so an item with only a
 * list price says nothing it can use (NOTHING_TO_UPDATE).
 */
export function validateHepsiburadaItems(items: readonly StockPriceItem[], maxQuantity: number): ValidationResult {
  return validateItems(items, maxQuantity, { listPriceAloneIsNothing: true, keyedOnStockCode: true });
}

/**
 * Items are identified by merchantSku = the listing's stock code (the code the seller gave the
 * listing on Hepsiburada; the barcode where the listing has none), and hepsiburadaSku where the
 * listing knows it (both appear together in the upload fixtures). Bodies are bare arrays, written
 * by hand so the same items always give the same bytes.
 */
function identity(item: StockPriceItem): string {
  const hbSku = item.marketplaceId === undefined ? "" : `"hepsiburadaSku":${JSON.stringify(item.marketplaceId)},`;
  return `${hbSku}"merchantSku":${JSON.stringify(stockCodeKey(item))}`;
}

export function stockUploadBody(items: readonly StockPriceItem[]): string {
  return `[${items.map((item) => `{${identity(item)},"availableStock":${item.quantity ?? 0}}`).join(",")}]`;
}

/** Hepsiburada keeps one price per listing: our sale price. The list price is not sent. */
export function priceUploadBody(items: readonly StockPriceItem[]): string {
  return `[${items.map((item) => `{${identity(item)},"price":${decimalPrice(item.salePrice ?? 0)}}`).join(",")}]`;
}

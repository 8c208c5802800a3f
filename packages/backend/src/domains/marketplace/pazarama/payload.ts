import type { ValidationResult } from "../adapter";
import { decimalPrice } from "../money";
import type { ItemOutcome, StockPriceItem } from "../types";
import { validateItems } from "../validate";
import { PAZARAMA } from "./facts";

/** Reasons beyond the shared ones (validate.ts LOCAL_REASONS). */
export const PAZARAMA_LOCAL_REASONS = {
  /** updatePrice-v2 requires salePrice (and listPrice, which defaults to it). */
  salePriceRequired: "SALE_PRICE_REQUIRED",
  /** `code` is nvarchar(100). */
  barcodeTooLong: "BARCODE_TOO_LONG",
} as const;

/**
 * The shared local rules (a usable barcode, one desired state per barcode, integer quantities
 * clamped to the cap, positive prices with list >= sale) plus Pazarama's: a code of at most 100
 * characters, and a sale price whenever a price is sent. Both price fields are required on the
 * wire, so a missing listPrice is sent as the salePrice ("no strike-through price"), which is
 * what a catalog without a list price means. Refusals come back FAILED_PERMANENT, never sent.
 */
export function validatePazaramaItems(items: readonly StockPriceItem[], maxQuantity: number): ValidationResult {
  const base = validateItems(items, maxQuantity);
  const rejected: ItemOutcome[] = [...base.rejected];
  const valid: StockPriceItem[] = [];
  for (const item of base.valid) {
    const problems: string[] = [];
    if (item.barcode.length > PAZARAMA.maxCodeLength) problems.push(PAZARAMA_LOCAL_REASONS.barcodeTooLong);
    if (item.listPrice !== undefined && item.salePrice === undefined) problems.push(PAZARAMA_LOCAL_REASONS.salePriceRequired);
    if (problems.length > 0) {
      rejected.push({ barcode: item.barcode, outcome: "FAILED_PERMANENT", reasons: problems });
      continue;
    }
    valid.push(item.salePrice !== undefined && item.listPrice === undefined ? { ...item, listPrice: item.salePrice } : item);
  }
  return { valid, rejected };
}

/** `{"items":[{"code","stockCount"}]}`, written by hand so identical items give identical bytes. */
export function updateStockBody(items: readonly StockPriceItem[]): string {
  const written = items.map((item) => `{"code":${JSON.stringify(item.barcode)},"stockCount":${item.quantity ?? 0}}`);
  return `{"items":[${written.join(",")}]}`;
}

/** `{"items":[{"code","listPrice","salePrice"}]}` with TRY decimals of two places (decimal(18,2)). */
export function updatePriceBody(items: readonly StockPriceItem[]): string {
  const written = items.map(
    (item) => `{"code":${JSON.stringify(item.barcode)},"listPrice":${decimalPrice(item.listPrice ?? item.salePrice ?? 0)},"salePrice":${decimalPrice(item.salePrice ?? 0)}}`,
  );
  return `{"items":[${written.join(",")}]}`;
}

import { byBarcode, type ValidationResult } from "../adapter";
import type { ItemOutcome, StockPriceItem } from "../types";

/** Stable reason codes for items refused locally, before any quota is spent. */
export const LOCAL_REASONS = {
  invalidBarcode: "INVALID_BARCODE",
  duplicateBarcode: "DUPLICATE_BARCODE",
  /** No quantity and no sale price: Hepsiburada takes one price, so a list price alone says nothing it can use. */
  nothingToUpdate: "NOTHING_TO_UPDATE",
  invalidQuantity: "INVALID_QUANTITY",
  invalidPrice: "INVALID_PRICE",
  listBelowSale: "LIST_PRICE_BELOW_SALE_PRICE",
} as const;

function problemsOf(item: StockPriceItem): string[] {
  const problems: string[] = [];
  if (typeof item.barcode !== "string" || item.barcode.length === 0 || item.barcode.trim() !== item.barcode) problems.push(LOCAL_REASONS.invalidBarcode);
  if (item.quantity === undefined && item.salePrice === undefined) problems.push(LOCAL_REASONS.nothingToUpdate);
  if (item.quantity !== undefined && !Number.isSafeInteger(item.quantity)) problems.push(LOCAL_REASONS.invalidQuantity);
  const prices = [item.salePrice, item.listPrice].filter((p) => p !== undefined);
  if (prices.some((p) => !Number.isSafeInteger(p) || p <= 0)) problems.push(LOCAL_REASONS.invalidPrice);
  else if (item.salePrice !== undefined && item.listPrice !== undefined && item.listPrice < item.salePrice) problems.push(LOCAL_REASONS.listBelowSale);
  return problems;
}

/**
 * Refusals Hepsiburada would answer per item (or that make no sense to send) come back as
 * FAILED_PERMANENT; quantities are clamped to [0, maxQuantity] (a quantity is "how many you may
 * sell"). The valid items come back sorted by barcode, so identical state gives identical bodies.
 */
export function validateHepsiburadaItems(items: readonly StockPriceItem[], maxQuantity: number): ValidationResult {
  const seen = new Map<string, number>();
  for (const item of items) seen.set(item.barcode, (seen.get(item.barcode) ?? 0) + 1);
  const valid: StockPriceItem[] = [];
  const rejected: ItemOutcome[] = [];
  for (const item of items) {
    const problems = problemsOf(item);
    // Two desired states for one barcode: we cannot know which is right (and Hepsiburada would answer DuplicateMerchantSkuSpecified).
    if ((seen.get(item.barcode) ?? 0) > 1) problems.push(LOCAL_REASONS.duplicateBarcode);
    if (problems.length > 0) {
      rejected.push({ barcode: String(item.barcode), outcome: "FAILED_PERMANENT", reasons: problems });
      continue;
    }
    const normalised: StockPriceItem = { barcode: item.barcode };
    if (item.quantity !== undefined) normalised.quantity = Math.min(maxQuantity, Math.max(0, item.quantity));
    if (item.salePrice !== undefined) normalised.salePrice = item.salePrice;
    if (item.listPrice !== undefined) normalised.listPrice = item.listPrice;
    valid.push(normalised);
  }
  valid.sort(byBarcode);
  return { valid, rejected };
}

/** Minor units to a TL decimal with exactly two places, without floating-point rounding. */
export function decimalPrice(minor: number): string {
  return `${Math.trunc(minor / 100)}.${String(minor % 100).padStart(2, "0")}`;
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

import { byBarcode, type ValidationResult } from "../adapter";
import type { ItemOutcome, StockPriceItem } from "../types";

/** Stable reason codes for items refused locally, before any quota is spent. */
export const LOCAL_REASONS = {
  invalidBarcode: "INVALID_BARCODE",
  duplicateBarcode: "DUPLICATE_BARCODE",
  nothingToUpdate: "NOTHING_TO_UPDATE",
  invalidQuantity: "INVALID_QUANTITY",
  invalidPrice: "INVALID_PRICE",
  listBelowSale: "LIST_PRICE_BELOW_SALE_PRICE",
} as const;

function problemsOf(item: StockPriceItem): string[] {
  const problems: string[] = [];
  if (typeof item.barcode !== "string" || item.barcode.length === 0 || item.barcode.trim() !== item.barcode) {
    problems.push(LOCAL_REASONS.invalidBarcode);
  }
  if (item.quantity === undefined && item.salePrice === undefined && item.listPrice === undefined) {
    problems.push(LOCAL_REASONS.nothingToUpdate);
  }
  if (item.quantity !== undefined && !Number.isSafeInteger(item.quantity)) problems.push(LOCAL_REASONS.invalidQuantity);
  const prices = [item.salePrice, item.listPrice].filter((p) => p !== undefined);
  if (prices.some((p) => !Number.isSafeInteger(p) || p <= 0)) problems.push(LOCAL_REASONS.invalidPrice);
  else if (item.salePrice !== undefined && item.listPrice !== undefined && item.listPrice < item.salePrice) {
    problems.push(LOCAL_REASONS.listBelowSale);
  }
  return problems;
}

/**
 * Trendyol refuses list < sale price and quantities over its cap; we refuse the first locally
 * and clamp the second (a quantity is "how many you may sell", so 20000 is the truthful answer
 * for a larger stock, and below 0 there is nothing to sell).
 */
export function validateItems(items: readonly StockPriceItem[], maxQuantity: number): ValidationResult {
  const seen = new Map<string, number>();
  for (const item of items) seen.set(item.barcode, (seen.get(item.barcode) ?? 0) + 1);
  const valid: StockPriceItem[] = [];
  const rejected: ItemOutcome[] = [];
  for (const item of items) {
    const problems = problemsOf(item);
    // Two desired states for one barcode: we cannot know which is right, so neither is sent.
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

/** Minor units to Trendyol's decimal with exactly two places, without floating-point rounding. */
export function decimalPrice(minor: number): string {
  return `${Math.trunc(minor / 100)}.${String(minor % 100).padStart(2, "0")}`;
}

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

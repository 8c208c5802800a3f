import { byBarcode, type ValidationResult } from "../adapter";
import type { ItemOutcome, StockPriceItem } from "../types";
import { N11 } from "./facts";

/** Stable reason codes for items refused locally, before any quota is spent. */
export const N11_LOCAL_REASONS = {
  invalidBarcode: "INVALID_BARCODE",
  duplicateBarcode: "DUPLICATE_BARCODE",
  nothingToUpdate: "NOTHING_TO_UPDATE",
  invalidQuantity: "INVALID_QUANTITY",
  invalidPrice: "INVALID_PRICE",
  /** N11 takes listPrice and salePrice together or REJECTs the whole request. */
  pricesIncomplete: "LIST_AND_SALE_PRICE_REQUIRED_TOGETHER",
  listBelowSale: "LIST_PRICE_BELOW_SALE_PRICE",
} as const;

function problemsOf(item: StockPriceItem): string[] {
  const problems: string[] = [];
  if (typeof item.barcode !== "string" || item.barcode.length === 0 || item.barcode.trim() !== item.barcode) {
    problems.push(N11_LOCAL_REASONS.invalidBarcode);
  }
  if (item.quantity === undefined && item.salePrice === undefined && item.listPrice === undefined) {
    problems.push(N11_LOCAL_REASONS.nothingToUpdate);
  }
  if (item.quantity !== undefined && !Number.isSafeInteger(item.quantity)) problems.push(N11_LOCAL_REASONS.invalidQuantity);
  const prices = [item.salePrice, item.listPrice].filter((p) => p !== undefined);
  if (prices.some((p) => !Number.isSafeInteger(p) || p <= 0)) problems.push(N11_LOCAL_REASONS.invalidPrice);
  else if (prices.length === 1) problems.push(N11_LOCAL_REASONS.pricesIncomplete);
  else if (item.salePrice !== undefined && item.listPrice !== undefined && item.listPrice < item.salePrice) {
    problems.push(N11_LOCAL_REASONS.listBelowSale);
  }
  return problems;
}

/**
 * One bad sku makes N11 REJECT the whole request, so everything N11 would refuse is refused here,
 * per item. Quantities are clamped to [0, maxQuantity]: "how many you may sell" is truthfully the
 * cap for a larger stock, and nothing below 0.
 */
export function validateN11Items(items: readonly StockPriceItem[], maxQuantity: number): ValidationResult {
  const seen = new Map<string, number>();
  for (const item of items) seen.set(item.barcode, (seen.get(item.barcode) ?? 0) + 1);
  const valid: StockPriceItem[] = [];
  const rejected: ItemOutcome[] = [];
  for (const item of items) {
    const problems = problemsOf(item);
    // Two desired states for one barcode: we cannot know which is right, so neither is sent.
    if ((seen.get(item.barcode) ?? 0) > 1) problems.push(N11_LOCAL_REASONS.duplicateBarcode);
    if (problems.length > 0) {
      rejected.push({ barcode: String(item.barcode), outcome: "FAILED_PERMANENT", reasons: problems });
      continue;
    }
    const normalised: StockPriceItem = { barcode: item.barcode };
    if (item.quantity !== undefined) normalised.quantity = Math.min(maxQuantity, Math.max(0, item.quantity));
    if (item.salePrice !== undefined && item.listPrice !== undefined) {
      normalised.salePrice = item.salePrice;
      normalised.listPrice = item.listPrice;
    }
    valid.push(normalised);
  }
  valid.sort(byBarcode);
  return { valid, rejected };
}

/** Minor units to N11's price string: a dot and exactly two decimals, no floating point. */
export function n11Price(minor: number): string {
  return `${Math.trunc(minor / 100)}.${String(minor % 100).padStart(2, "0")}`;
}

/**
 * The request body, written by hand so the same items always give the same bytes. A sku carries
 * only what changes: N11 leaves fields a sku does not name untouched, so a quantity-only item is
 * `{stockCode, quantity}` (no prices, no currencyType) and a price item names both prices and TL.
 */
export function priceStockBody(items: readonly StockPriceItem[], integrator: string): string {
  const skus = items.map((item) => {
    const fields = [`"stockCode":${JSON.stringify(item.barcode)}`];
    const priced = item.salePrice !== undefined && item.listPrice !== undefined;
    if (priced) fields.push(`"listPrice":"${n11Price(item.listPrice ?? 0)}"`, `"salePrice":"${n11Price(item.salePrice ?? 0)}"`);
    if (item.quantity !== undefined) fields.push(`"quantity":${item.quantity}`);
    if (priced) fields.push(`"currencyType":"${N11.currencyType}"`);
    return `{${fields.join(",")}}`;
  });
  return `{"payload":{"integrator":${JSON.stringify(integrator)},"skus":[${skus.join(",")}]}}`;
}

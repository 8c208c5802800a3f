/**
 * The local checks every adapter makes before spending quota: items a marketplace would refuse
 * (or that make no sense to send) come back FAILED_PERMANENT, the rest normalised and sorted by
 * barcode so identical state gives identical bodies. Where a marketplace's rule differs, it is
 * a LocalRules option, not a copy of this loop.
 */
import { byBarcode, type ValidationResult } from "./adapter";
import type { ItemOutcome, StockPriceItem } from "./types";

/** Stable reason codes for items refused locally, before any quota is spent. */
export const LOCAL_REASONS = {
  invalidBarcode: "INVALID_BARCODE",
  duplicateBarcode: "DUPLICATE_BARCODE",
  duplicateStockCode: "DUPLICATE_STOCK_CODE",
  invalidStockCode: "INVALID_STOCK_CODE",
  nothingToUpdate: "NOTHING_TO_UPDATE",
  invalidQuantity: "INVALID_QUANTITY",
  invalidPrice: "INVALID_PRICE",
  listBelowSale: "LIST_PRICE_BELOW_SALE_PRICE",
} as const;

export interface LocalRules {
  /** Hepsiburada keeps one price (the sale price): a list price alone gives it nothing to update. */
  listPriceAloneIsNothing?: boolean;
  /** N11 takes listPrice and salePrice together or REJECTs the whole request: the reason given for one alone. */
  bothPricesOrNeither?: string;
  /** Hepsiburada and N11 key items on the stock code (the barcode where none is given): two items with one key are refused. */
  keyedOnStockCode?: boolean;
}

/** What a marketplace keyed on the stock code is sent as the item's key. */
export const stockCodeKey = (item: StockPriceItem): string => item.stockCode ?? item.barcode;

function problemsOf(item: StockPriceItem, rules: LocalRules): string[] {
  const problems: string[] = [];
  if (typeof item.barcode !== "string" || item.barcode.length === 0 || item.barcode.trim() !== item.barcode) problems.push(LOCAL_REASONS.invalidBarcode);
  if (rules.keyedOnStockCode && item.stockCode !== undefined && (typeof item.stockCode !== "string" || item.stockCode.length === 0 || item.stockCode.trim() !== item.stockCode)) problems.push(LOCAL_REASONS.invalidStockCode);
  const listPriceCounts = item.listPrice !== undefined && !rules.listPriceAloneIsNothing;
  if (item.quantity === undefined && item.salePrice === undefined && !listPriceCounts) problems.push(LOCAL_REASONS.nothingToUpdate);
  if (item.quantity !== undefined && !Number.isSafeInteger(item.quantity)) problems.push(LOCAL_REASONS.invalidQuantity);
  const prices = [item.salePrice, item.listPrice].filter((p) => p !== undefined);
  if (prices.some((p) => !Number.isSafeInteger(p) || p <= 0)) problems.push(LOCAL_REASONS.invalidPrice);
  else if (rules.bothPricesOrNeither !== undefined && prices.length === 1) problems.push(rules.bothPricesOrNeither);
  else if (item.salePrice !== undefined && item.listPrice !== undefined && item.listPrice < item.salePrice) problems.push(LOCAL_REASONS.listBelowSale);
  return problems;
}

/**
 * Quantities are clamped to [0, maxQuantity]: a quantity is "how many you may sell", so the cap
 * is the truthful answer for a larger stock, and below 0 there is nothing to sell.
 */
export function validateItems(items: readonly StockPriceItem[], maxQuantity: number, rules: LocalRules = {}): ValidationResult {
  const seen = new Map<string, number>();
  for (const item of items) seen.set(item.barcode, (seen.get(item.barcode) ?? 0) + 1);
  const keys = new Map<string, number>();
  if (rules.keyedOnStockCode) for (const item of items) keys.set(stockCodeKey(item), (keys.get(stockCodeKey(item)) ?? 0) + 1);
  const valid: StockPriceItem[] = [];
  const rejected: ItemOutcome[] = [];
  for (const item of items) {
    const problems = problemsOf(item, rules);
    // Two desired states for one barcode: we cannot know which is right, so neither is sent.
    if ((seen.get(item.barcode) ?? 0) > 1) problems.push(LOCAL_REASONS.duplicateBarcode);
    else if ((keys.get(stockCodeKey(item)) ?? 0) > 1) problems.push(LOCAL_REASONS.duplicateStockCode);
    if (problems.length > 0) {
      rejected.push({ barcode: String(item.barcode), outcome: "FAILED_PERMANENT", reasons: problems });
      continue;
    }
    const normalised: StockPriceItem = { barcode: item.barcode };
    if (item.stockCode !== undefined) normalised.stockCode = item.stockCode;
    if (item.marketplaceId !== undefined) normalised.marketplaceId = item.marketplaceId;
    if (item.quantity !== undefined) normalised.quantity = Math.min(maxQuantity, Math.max(0, item.quantity));
    if (item.salePrice !== undefined) normalised.salePrice = item.salePrice;
    if (item.listPrice !== undefined) normalised.listPrice = item.listPrice;
    valid.push(normalised);
  }
  valid.sort(byBarcode);
  return { valid, rejected };
}

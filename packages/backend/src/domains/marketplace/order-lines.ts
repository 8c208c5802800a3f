import type { NormalisedOrder } from "./types";

export type OrderLine = NormalisedOrder["lines"][number];

/**
 * An order line as the adapters hand it to intake. A line a mapper cannot read is still a line the
 * marketplace sold, so it is neither left out (the rest would be taken in as if complete) nor a
 * reason to refuse the whole answer (the store's pull would stop at that order): what could not be
 * read goes on as intake's "nothing" (an empty barcode, NaN), and intake records the order
 * NEEDS_ATTENTION with the reason (UNKNOWN_BARCODE, QUANTITY_OUT_OF_RANGE, PRICE_OUT_OF_RANGE).
 * The raw payload keeps the line as it came.
 */
export function orderLine(barcode: unknown, quantity: unknown, unitPrice: number | undefined, stockCode?: unknown): OrderLine {
  return {
    barcode: typeof barcode === "string" ? barcode : "",
    quantity: typeof quantity === "number" ? quantity : Number.NaN,
    unitPrice: unitPrice ?? Number.NaN,
    // The seller's stock code on the line: intake matches it where the barcode names no product.
    ...(typeof stockCode === "string" && stockCode.length > 0 && { stockCode }),
  };
}

/** What names the line's product: its barcode, else its stock code ("" when neither came). */
const lineKey = (line: OrderLine): string => (line.barcode.length > 0 ? line.barcode : line.stockCode ? `\u0000${line.stockCode}` : "");

/** Whether intake can match and count the line: only such lines are added up with others of their barcode (or stock code). */
export const isReadableLine = (line: OrderLine): boolean => lineKey(line).length > 0 && Number.isSafeInteger(line.quantity) && line.quantity > 0;

/**
 * Lines of one barcode added up (intake takes one line per barcode); unreadable lines stay apart,
 * each flagged on its own.
 */
export function addedUpByBarcode(lines: readonly OrderLine[]): OrderLine[] {
  const byBarcode = new Map<string, OrderLine>();
  const out: OrderLine[] = [];
  for (const line of lines) {
    if (!isReadableLine(line)) {
      out.push(line);
      continue;
    }
    const seen = byBarcode.get(lineKey(line));
    if (seen) seen.quantity += line.quantity;
    else {
      const copy = { ...line };
      byBarcode.set(lineKey(line), copy);
      out.push(copy);
    }
  }
  return out;
}

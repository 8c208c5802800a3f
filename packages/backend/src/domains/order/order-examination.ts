/**
 * Reading a marketplace order before anything is recorded: the key it is recorded under, which
 * lines name a product we sell within our limits, and why the others cannot be taken in (every
 * problem at once, so an operator sees the whole order's state). Intake and the package merge
 * (marketplace-packages.ts) both read orders here.
 */
import { createHash } from "node:crypto";
import { Orders } from "@pazarsync/shared";
import { AppError } from "../../infra/errors";
import { MAX_MONEY, type PricedLine, type PricedOrder, priceOrder } from "./pricing";
import type * as repo from "./repository";
import type { QuotedProduct } from "./service";

export type AttentionReason = Orders.AttentionReason;

export interface MarketplaceLine {
  barcode: string;
  quantity: number;
  unitPrice: number;
  /** The marketplace's order line id, where it sends one. */
  lineId?: string;
  /** The seller's stock code on the line, where the marketplace sends one: intake identifies the line by it when the barcode names nothing. */
  stockCode?: string;
}

export const MAX_LINES = 1000;
const MAX_EXTERNAL_ID = 200;
/** ISO 4217's code for "no currency": orders.currency is char(3) and must hold something. */
const NO_CURRENCY = "XXX";

/** What Postgres text can hold and our indexes can key: no NUL, 1..200 characters. */
export const storable = (text: string, max: number) => text.length >= 1 && text.length <= max && !text.includes("\u0000");

const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

/** The raw payload as JSON text (see orders.raw_payload); a value JSON cannot hold is kept as its description. */
export function rawPayloadText(raw: unknown): string | null {
  if (raw === undefined) return null;
  try {
    return JSON.stringify(raw) ?? null;
  } catch {
    return JSON.stringify({ unserialisable: String(raw) });
  }
}

export interface OrderKey {
  key: string;
  problem?: "INVALID_EXTERNAL_ID" | "MISSING_ORDER_ID";
}

/**
 * The key an order is recorded under. An id Postgres cannot store or we will not index is keyed on
 * a digest of it, so the same package arriving again finds the same order; the id itself stays
 * in the raw payload. An order sent without an id is keyed on a digest of its raw payload as
 * stored (an operator can check one against the other): the same payload read again is the same
 * order, while a changed one (a new status) is recorded beside it, which is all that can be told.
 */
export function orderKeyOf(externalOrderId: string | undefined, rawText: string | null): OrderKey {
  if (externalOrderId === undefined || externalOrderId.length === 0) return { key: `payload:${sha256(rawText ?? "")}`, problem: "MISSING_ORDER_ID" };
  if (storable(externalOrderId, MAX_EXTERNAL_ID)) return { key: externalOrderId };
  return { key: `digest:${sha256(externalOrderId)}`, problem: "INVALID_EXTERNAL_ID" };
}

/** Barcodes worth asking the catalog about: the others cannot name a product (and a NUL would fail the query). */
export function quotableBarcodes(lines: readonly MarketplaceLine[]): string[] {
  return [...new Set(lines.map((line) => line.barcode).filter((barcode) => typeof barcode === "string" && storable(barcode, 200)))];
}

export type ExaminedLine = PricedLine & { product: QuotedProduct; lineNo: number; lineId?: string };

export interface ExaminedOrder {
  key: string;
  currency: string;
  /** Empty: the order can be taken in. */
  reasons: AttentionReason[];
  /** Lines matched to a product and within limits, with their place in the order. */
  lines: ExaminedLine[];
  /** Priced from `lines`; undefined when even those cannot be stored (ORDER_TOTAL_TOO_LARGE). */
  priced: PricedOrder | undefined;
  attentionLines: repo.NewAttentionLine[];
}

const wholeIn = (value: number, min: number, max: number) => Number.isInteger(value) && value >= min && value <= max;

export function lineProblem(line: MarketplaceLine, product: QuotedProduct | undefined): AttentionReason | undefined {
  if (!product) return "UNKNOWN_BARCODE";
  if (!wholeIn(line.quantity, 1, Orders.MAX_LINE_QUANTITY)) return "QUANTITY_OUT_OF_RANGE";
  if (!wholeIn(line.unitPrice, 0, MAX_MONEY)) return "PRICE_OUT_OF_RANGE";
  return undefined;
}

const attentionLine = (lineNo: number, reason: AttentionReason, line: MarketplaceLine): repo.NewAttentionLine => ({
  lineNo,
  reason,
  // JSON escapes a NUL, so the text column can hold any barcode as it came.
  line: JSON.stringify({ barcode: line.barcode, quantity: line.quantity, unitPrice: line.unitPrice, ...(line.lineId !== undefined && { lineId: line.lineId }) }),
});

function priced(currency: string, lines: readonly ExaminedLine[]): PricedOrder | undefined {
  try {
    const order = priceOrder(currency, lines);
    // Numbered by their place in the marketplace order, like the attention lines beside them.
    return { ...order, items: order.items.map((item, index) => ({ ...item, lineNo: lines[index]?.lineNo ?? item.lineNo, externalLineId: lines[index]?.lineId ?? null })) };
  } catch (error) {
    if (error instanceof AppError && error.code === "ORDER_TOTAL_TOO_LARGE") return undefined;
    throw error;
  }
}

/** Every problem at once (not the first), so an operator sees the whole order's state. */
export function examineOrder(input: { lines: readonly MarketplaceLine[]; currency: string }, { key, problem }: OrderKey, quoted: readonly QuotedProduct[]): ExaminedOrder {
  const reasons = new Set<AttentionReason>();
  if (problem) reasons.add(problem);
  const currencyOk = typeof input.currency === "string" && /^[A-Z]{3}$/.test(input.currency);
  if (!currencyOk) reasons.add("INVALID_CURRENCY");
  const currency = currencyOk ? input.currency : NO_CURRENCY;
  if (input.lines.length < 1 || input.lines.length > MAX_LINES) {
    // Lines are not kept one by one past the limit; the raw payload has them all.
    reasons.add("LINE_COUNT_OUT_OF_RANGE");
    return { key, currency, reasons: [...reasons], lines: [], priced: undefined, attentionLines: [] };
  }
  const byBarcode = new Map(quoted.map((product) => [product.barcode, product]));
  const lines: ExaminedOrder["lines"] = [];
  const attentionLines: repo.NewAttentionLine[] = [];
  input.lines.forEach((given, index) => {
    const lineNo = index + 1;
    // A line id Postgres cannot store identifies nothing: the line is matched as if it came without one.
    const line = given.lineId === undefined || storable(given.lineId, MAX_EXTERNAL_ID) ? given : { ...given, lineId: undefined };
    const product = byBarcode.get(line.barcode);
    const problem = lineProblem(line, product);
    if (problem || !product) {
      reasons.add(problem ?? "UNKNOWN_BARCODE");
      attentionLines.push(attentionLine(lineNo, problem ?? "UNKNOWN_BARCODE", line));
    } else {
      lines.push({ product, quantity: line.quantity, unitPrice: line.unitPrice, lineNo, ...(line.lineId !== undefined && { lineId: line.lineId }) });
    }
  });
  const order = priced(currency, lines);
  if (!order) {
    reasons.add("ORDER_TOTAL_TOO_LARGE");
    const tooLarge = lines.map((line) =>
      attentionLine(line.lineNo, "ORDER_TOTAL_TOO_LARGE", { barcode: line.product.barcode, quantity: line.quantity, unitPrice: line.unitPrice, lineId: line.lineId }),
    );
    attentionLines.push(...tooLarge);
    attentionLines.sort((a, b) => a.lineNo - b.lineNo);
    return { key, currency, reasons: [...reasons], lines: [], priced: undefined, attentionLines };
  }
  return { key, currency, reasons: [...reasons], lines, priced: order, attentionLines };
}

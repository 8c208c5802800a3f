/** Order lines: which product each names, at what price, and the order's totals. */
import { Orders } from "@pazarsync/shared";
import { ValidationFailed } from "../../infra/errors";
import type { ProductSummary } from "../catalog/service";
import type { QuotedProduct } from "./context";
import { invalidLine, unknownProducts } from "./errors";
import type { NewItem } from "./repository";

/** Postgres `integer`, the type of every money column. */
const MAX_MONEY = 2_147_483_647;

export interface PricedLine {
  product: ProductSummary;
  quantity: number;
  /** Minor units, VAT included. */
  unitPrice: number;
}

export interface PricedOrder {
  currency: string;
  total: number;
  vatTotal: number;
  items: NewItem[];
}

/** The VAT inside a VAT-inclusive amount, rounded to the nearest minor unit. */
export const vatIncluded = (amount: number, vatRate: number) => Math.round((amount * vatRate) / (100 + vatRate));

/** The ids and barcodes web lines name, for the catalog quote; malformed lines are refused later, after the store's checks. */
export function lineRefs(lines: readonly Orders.OrderLineInput[]): { productIds: string[]; barcodes: string[] } {
  return {
    productIds: [...new Set(lines.flatMap((line) => (line.productId ? [line.productId.toLowerCase()] : [])))],
    barcodes: [...new Set(lines.flatMap((line) => (line.barcode !== undefined ? [line.barcode] : [])))],
  };
}

/** Each web line's product, in line order; 422 UNKNOWN_PRODUCT naming every id and barcode not found. */
export function productsForLines(quoted: readonly QuotedProduct[], lines: readonly Orders.OrderLineInput[]): QuotedProduct[] {
  lines.forEach((line, index) => {
    if ((line.productId === undefined) === (line.barcode === undefined)) {
      throw invalidLine(index, "each line names exactly one of productId or barcode");
    }
  });
  const { productIds: ids, barcodes } = lineRefs(lines);
  const byId = new Map(quoted.map((p) => [p.id, p]));
  const byBarcode = new Map(quoted.map((p) => [p.barcode, p]));
  const missingIds = ids.filter((id) => !byId.has(id));
  const missingBarcodes = barcodes.filter((barcode) => !byBarcode.has(barcode));
  if (missingIds.length > 0 || missingBarcodes.length > 0) throw unknownProducts(missingIds, missingBarcodes);
  return lines.map((line) => {
    const product = line.productId ? byId.get(line.productId.toLowerCase()) : byBarcode.get(line.barcode ?? "");
    if (!product) throw new Error("a resolved line lost its product");
    return product;
  });
}

/** 422 PRODUCT_INACTIVE: the shop no longer sells these (marketplace intake records them anyway: the sale happened). */
export function assertActive(products: readonly ProductSummary[]): void {
  const inactive = [...new Set(products.filter((p) => !p.active).map((p) => p.id))];
  if (inactive.length > 0) {
    throw new ValidationFailed("Some products are no longer sold", { productIds: inactive }, "PRODUCT_INACTIVE");
  }
}

/** One currency per order: totals in mixed currencies mean nothing. */
export function orderCurrency(products: readonly ProductSummary[]): string {
  const currencies = [...new Set(products.map((p) => p.currency))];
  if (currencies.length !== 1 || !currencies[0]) {
    throw new ValidationFailed("All products of an order must be priced in one currency", { currencies }, "MIXED_CURRENCIES");
  }
  return currencies[0];
}

/** Order items and totals from priced lines; 422 ORDER_TOTAL_TOO_LARGE beyond what a money column holds. */
export function priceOrder(currency: string, lines: readonly PricedLine[]): PricedOrder {
  let total = 0;
  let vatTotal = 0;
  const items = lines.map((line, index): NewItem => {
    const lineTotal = line.unitPrice * line.quantity;
    total += lineTotal;
    vatTotal += vatIncluded(lineTotal, line.product.vatRate);
    return {
      lineNo: index + 1,
      productId: line.product.id,
      sku: line.product.sku,
      name: line.product.name,
      quantity: line.quantity,
      unitPrice: line.unitPrice,
      lineTotal,
      vatRate: line.product.vatRate,
    };
  });
  if (total > MAX_MONEY) throw new ValidationFailed("The order total is larger than can be stored", { total }, "ORDER_TOTAL_TOO_LARGE");
  return { currency, total, vatTotal, items };
}

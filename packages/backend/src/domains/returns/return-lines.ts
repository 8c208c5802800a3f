/**
 * What a return brings back, per product that comes back: an ordered set is its components (sets x
 * units per set each), because a set comes back in parts and only the parts that came are restocked.
 * Lines are built from a marketplace claim, from staff naming ordered products, or from everything
 * still out with the buyer; and a return's status follows from its lines.
 */
import type { Returns } from "@pazarsync/shared";
import type { NormalisedClaim } from "../marketplace/order-commands";
import type { ProductService } from "../catalog/service";
import type { ReturnableOrder } from "../order/service";
import type { NewLine } from "./repository";

export type LineProducts = Pick<ProductService, "findByBarcodes" | "componentsOf">;

/** Units of one ordered product coming back, before sets are opened up. */
interface OrderedUnits {
  orderLineNo: number | null;
  orderedProductId: string | null;
  quantity: number;
  claimLineId?: string;
  barcode?: string;
  reason?: string;
}

type DraftLine = Omit<NewLine, "lineNo">;

/** Opens sets into their components; everything else comes back as itself. */
async function expand(products: LineProducts, ordered: readonly OrderedUnits[]): Promise<DraftLine[]> {
  const ids = [...new Set(ordered.flatMap((o) => (o.orderedProductId ? [o.orderedProductId] : [])))];
  const sets = await products.componentsOf(ids);
  return ordered.flatMap((o): DraftLine[] => {
    const common = {
      orderLineNo: o.orderLineNo,
      orderedProductId: o.orderedProductId,
      claimLineId: o.claimLineId ?? null,
      barcode: o.barcode ?? null,
      reason: o.reason ?? null,
    };
    if (!o.orderedProductId) return [{ ...common, productId: null, quantityClaimed: o.quantity, attention: "UNMATCHED_LINE" }];
    const components = sets.get(o.orderedProductId);
    if (!components) return [{ ...common, productId: o.orderedProductId, quantityClaimed: o.quantity }];
    return components.map((part) => ({ ...common, productId: part.componentId, quantityClaimed: o.quantity * part.quantity }));
  });
}

/**
 * The components of an order's sets read now, answered from memory later: inside a transaction the
 * catalog's own handle must not be used (on PGlite, one connection, it would wait for the transaction).
 */
export async function withOrderSets(products: LineProducts, order: ReturnableOrder): Promise<LineProducts> {
  const sets = await products.componentsOf([...new Set(order.items.map((i) => i.productId))]);
  return {
    findByBarcodes: () => Promise.reject(new Error("barcodes are looked up before the transaction")),
    componentsOf: async (ids) => new Map([...sets].filter(([id]) => ids.includes(id))),
  };
}

const numbered = (lines: readonly DraftLine[]): NewLine[] => lines.map((line, i) => ({ ...line, lineNo: i + 1 }));

/**
 * A claim's lines against the order: by the marketplace's line id where it sends one, else by the
 * barcode's product among the order's lines. A line matching nothing is kept for staff (UNMATCHED_LINE).
 */
export async function claimLines(products: LineProducts, order: ReturnableOrder | undefined, claim: NormalisedClaim): Promise<NewLine[]> {
  const barcodes = [...new Set(claim.lines.map((line) => line.barcode))];
  const byBarcode = new Map((await products.findByBarcodes(barcodes)).map((p) => [p.barcode, p.id]));
  const ordered = claim.lines.map((line): OrderedUnits => {
    const item =
      order?.items.find((i) => line.lineId !== undefined && i.externalLineId === line.lineId) ??
      order?.items.find((i) => i.productId === byBarcode.get(line.barcode));
    const known = { claimLineId: line.claimLineId, barcode: line.barcode, quantity: line.quantity, ...(line.reason === undefined ? {} : { reason: line.reason }) };
    return item ? { ...known, orderLineNo: item.lineNo, orderedProductId: item.productId } : { ...known, orderLineNo: null, orderedProductId: null };
  });
  return numbered(await expand(products, ordered));
}

/** Ordered products and units staff name; a product the order does not hold is answered as missing. */
export async function namedLines(
  products: LineProducts,
  order: ReturnableOrder,
  named: readonly { productId: string; quantity: number }[],
): Promise<NewLine[] | { missing: string }> {
  const ordered: OrderedUnits[] = [];
  for (const { productId, quantity } of named) {
    const item = order.items.find((i) => i.productId === productId);
    if (!item) return { missing: productId };
    ordered.push({ orderLineNo: item.lineNo, orderedProductId: productId, quantity });
  }
  return numbered(await expand(products, ordered));
}

/**
 * Everything still out with the buyer (the shipped units per product), each unit attributed to the
 * order line it was sold on, lines in order, a line taking at most what it sold.
 */
export async function outstandingLines(products: LineProducts, order: ReturnableOrder, shipped: ReadonlyMap<string, number>): Promise<NewLine[]> {
  const sold = await expand(products, order.items.map((i) => ({ orderLineNo: i.lineNo, orderedProductId: i.productId, quantity: i.quantity })));
  const lines: DraftLine[] = [];
  for (const [productId, units] of shipped) {
    const candidates = sold.filter((line) => line.productId === productId);
    let left = units;
    candidates.forEach((line, i) => {
      const take = i === candidates.length - 1 ? left : Math.min(left, line.quantityClaimed);
      if (take > 0) lines.push({ ...line, quantityClaimed: take });
      left -= take;
    });
    if (candidates.length === 0) lines.push({ orderLineNo: null, orderedProductId: null, productId, quantityClaimed: units });
  }
  return numbered(lines.sort((a, b) => (a.orderLineNo ?? 0) - (b.orderLineNo ?? 0)));
}

/** A line as stored or about to be: counters absent are 0. */
type Counted = Pick<NewLine, "productId" | "quantityClaimed" | "quantityRestocked" | "quantityQuarantined" | "attention">;

export const receivedOf = (line: Counted) => (line.quantityRestocked ?? 0) + (line.quantityQuarantined ?? 0);

/** Where the goods are: nothing back yet, some, or every unit claimed of the lines we could match. */
export function statusOf(orderId: string | null, lines: readonly Counted[]): Returns.ReturnStatus {
  if (orderId === null) return "NEEDS_ATTENTION";
  const back = lines.reduce((sum, line) => sum + receivedOf(line), 0);
  const expected = lines.filter((line) => line.productId).reduce((sum, line) => sum + line.quantityClaimed, 0);
  if (back === 0) return lines.some((line) => line.attention) ? "NEEDS_ATTENTION" : "REQUESTED";
  return back < expected ? "PARTLY_RECEIVED" : "RECEIVED";
}

/** Why staff must look: an unknown order, or lines we could not match. */
export function attentionOf(orderId: string | null, lines: readonly Counted[]): string[] {
  return [...(orderId === null ? ["UNKNOWN_ORDER"] : []), ...(lines.some((line) => line.attention) ? ["UNMATCHED_LINE"] : [])];
}

/** Everything the catalog knows that an order needs, in ONE statement (statements are an order's cost). */
import { sql } from "drizzle-orm";
import { preparedQueryRows, type Database } from "../../infra/db";
import type { ProductSummary } from "./product-views";

export interface QuotedStore {
  id: string;
  type: "WEB" | "TRENDYOL" | "HEPSIBURADA" | "N11" | "PAZARAMA" | "PTTAVM";
  active: boolean;
  /** In the order reservations draw on them (priority ascending). */
  warehouseIds: string[];
}

export interface QuotedComponent {
  componentId: string;
  quantity: number;
}

export interface QuotedProduct extends ProductSummary {
  /** The store's listing price override in minor units; null when the listing sets none (or there is no listing). */
  listingPrice: number | null;
  /** A set's components (empty for a simple product). */
  components: QuotedComponent[];
}

export interface OrderQuote {
  store: QuotedStore;
  /** The requested products that exist, each once, in no particular order; unknown ids and barcodes are absent. */
  products: QuotedProduct[];
}

export interface OrderRefs {
  productIds: readonly string[];
  barcodes: readonly string[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface QuoteRow extends Record<string, unknown> {
  id: string;
  type: QuotedStore["type"];
  active: boolean;
  warehouse_ids: unknown;
  products: unknown;
}

/**
 * The store is the driving row (none: no such store); warehouses and products ride along as JSON.
 * Ids and barcodes travel as one JSON array parameter each, so every barcode text is safe, the statement stays short.
 */
function quoteQuery(storeId: string, productIds: readonly string[], barcodes: readonly string[]) {
  return sql`
    with wanted as (
      select p.* from products p
      -- "= any(array(...))", not "in (select ...)": the planner then uses both unique indexes (a bitmap OR).
      where p.id = any(array(select value::uuid from json_array_elements_text(${JSON.stringify(productIds)}::json)))
         or p.barcode = any(array(select value from json_array_elements_text(${JSON.stringify(barcodes)}::json)))
    )
    select s.id, s.type, s.active,
      (select coalesce(json_agg(sw.warehouse_id order by sw.priority), '[]'::json)
         from store_warehouses sw where sw.store_id = s.id) as warehouse_ids,
      (select coalesce(json_agg(json_build_object(
          'id', w.id, 'sku', w.sku, 'barcode', w.barcode, 'name', w.name, 'type', w.type,
          'price', w.price, 'listPrice', w.list_price, 'currency', w.currency, 'vatRate', w.vat_rate,
          'active', w.active, 'listingPrice', l.price,
          'components', (select coalesce(json_agg(json_build_object('componentId', si.component_id, 'quantity', si.quantity)
                                                  order by si.component_id), '[]'::json)
                           from product_set_items si where si.set_id = w.id and w.type = 'SET'))), '[]'::json)
         from wanted w left join listings l on l.store_id = s.id and l.product_id = w.id) as products
    from stores s
    where s.id = ${storeId}`;
}

/** postgres.js parses json columns, PGlite may hand back text: either way, the value. */
const json = (value: unknown): unknown => (typeof value === "string" ? JSON.parse(value) : value);

/**
 * The store (type, active, warehouses by priority) and each requested product with its price, the
 * store's listing price and a set's components. Undefined when the store does not exist.
 */
export async function quoteForOrder(db: Database, storeId: string, refs: OrderRefs): Promise<OrderQuote | undefined> {
  const id = storeId.toLowerCase();
  // Not a UUID, not a store (nor a product): answered here rather than failing the statement.
  if (!UUID.test(id)) return undefined;
  const productIds = [...new Set(refs.productIds.filter((p) => UUID.test(p)).map((p) => p.toLowerCase()))];
  const barcodes = [...new Set(refs.barcodes)];
  // Prepared by name: every order runs it, and its text never varies (ids travel as parameters).
  const [row] = await preparedQueryRows<QuoteRow>(db, "catalog_order_quote", quoteQuery(id, productIds, barcodes));
  if (!row) return undefined;
  // Shapes are fixed by the statement above; the casts only name them.
  return {
    store: { id: row.id, type: row.type, active: row.active, warehouseIds: json(row.warehouse_ids) as string[] },
    products: json(row.products) as QuotedProduct[],
  };
}

/**
 * What a store's listings are called on their marketplace. A listing may carry the marketplace's
 * own identifiers (an import records them, staff may set them); where it names none, the barcode
 * is the product's and the stock code follows the store's stockCodeSource (our SKU, or the barcode
 * as before). Pushes, order matching, imports and drift checks all read them through here, so the
 * rule lives in one SQL fragment.
 */
import { sql, type SQL } from "drizzle-orm";
import { queryRows, type Database } from "../../infra/db";

/** The store's default stock code of product `p` (a listing naming none uses it), as an expression over `p` and `s`. */
const DEFAULT_STOCK_CODE = `case when s.stock_code_source = 'SKU' then p.sku else p.barcode end`;

/**
 * The effective identifiers of listing `l` of product `p` in store `s` (the three aliases must be
 * in scope): `effective_barcode`, `effective_stock_code`, `marketplace_id`.
 */
export const effectiveIdentifiers: SQL = sql.raw(
  `coalesce(l.barcode, p.barcode) as effective_barcode,
   coalesce(l.stock_code, ${DEFAULT_STOCK_CODE}) as effective_stock_code,
   l.marketplace_product_id as marketplace_id`,
);

/** The effective barcode alone, as an expression over `l` and `p`. */
export const effectiveBarcodeOf: SQL = sql.raw(`coalesce(l.barcode, p.barcode)`);
export const defaultStockCodeOf: SQL = sql.raw(DEFAULT_STOCK_CODE);
/** The effective stock code alone, as an expression over `l`, `p` and `s`. */
export const effectiveStockCodeOf: SQL = sql.raw(`coalesce(l.stock_code, ${DEFAULT_STOCK_CODE})`);

export interface ListingIdentifiers {
  barcode: string;
  stockCode: string;
  marketplaceId: string | null;
}

export interface LineToIdentify {
  barcode: string;
  stockCode?: string;
}

/** How a line was recognised: the first rule that matched, in the order they are tried. */
export type LineMatch = "LISTING_BARCODE" | "PRODUCT_BARCODE" | "LISTING_STOCK_CODE" | "STORE_STOCK_CODE";

export interface IdentifiedLine {
  productId: string;
  /** The product's catalog barcode: what the rest of intake matches on. */
  catalogBarcode: string;
  match: LineMatch;
}

interface IdentifyRow extends Record<string, unknown> {
  idx: number;
  product_id: string;
  catalog_barcode: string;
  match: LineMatch;
}

/**
 * Each line's product in this store, by index; a line nothing matches is absent. Tried in order:
 * a listing's own barcode, a product's barcode, a listing's own stock code, the store's default
 * stock code (SKU or barcode) of a product listed there. One statement for all lines.
 */
export async function identifyLines(db: Database, storeId: string, lines: readonly LineToIdentify[]): Promise<Map<number, IdentifiedLine>> {
  // A code Postgres cannot hold (a NUL) names nothing we sell: intake flags the line as it came.
  const usable = (code: string) => code.length > 0 && code.length <= MAX_CODE && !code.includes("\u0000");
  const wanted = lines.flatMap((line, idx) => {
    const barcode = usable(line.barcode) ? line.barcode : "";
    const stockCode = line.stockCode !== undefined && usable(line.stockCode) ? line.stockCode : "";
    return barcode || stockCode ? [{ idx, barcode, stockCode }] : [];
  });
  if (wanted.length === 0 || !UUID.test(storeId)) return new Map();
  const rows = await queryRows<IdentifyRow>(
    db,
    sql`with wanted as (select * from jsonb_to_recordset(${JSON.stringify(wanted)}::jsonb) as w(idx int, barcode text, "stockCode" text)),
             store as (select id, stock_code_source from stores where id = ${storeId}::uuid)
        select w.idx, m.product_id, m.catalog_barcode, m.match
        from wanted w cross join store s
        cross join lateral (
          select * from (
            select l.product_id, p.barcode as catalog_barcode, 'LISTING_BARCODE' as match, 1 as rank
              from listings l join products p on p.id = l.product_id
              where w.barcode <> '' and l.store_id = s.id and l.barcode = w.barcode
            union all
            select p.id, p.barcode, 'PRODUCT_BARCODE', 2 from products p where w.barcode <> '' and p.barcode = w.barcode
            union all
            select l.product_id, p.barcode, 'LISTING_STOCK_CODE', 3
              from listings l join products p on p.id = l.product_id
              where w."stockCode" <> '' and l.store_id = s.id and l.stock_code = w."stockCode"
            union all
            select p.id, p.barcode, 'STORE_STOCK_CODE', 4
              from products p join listings l on l.product_id = p.id and l.store_id = s.id
              where w."stockCode" <> '' and l.stock_code is null
                and (case when s.stock_code_source = 'SKU' then p.sku else p.barcode end) = w."stockCode"
          ) c order by c.rank limit 1
        ) m`,
  );
  return new Map(rows.map((r) => [Number(r.idx), { productId: r.product_id, catalogBarcode: r.catalog_barcode, match: r.match }]));
}

/**
 * The lines with each recognised line's barcode replaced by its product's catalog barcode, so the
 * rest of intake matches as before. A line nothing matches keeps what came; one that came with a
 * stock code only (N11) shows that code as its barcode, so the operator sees what the marketplace named.
 */
export async function identifiedLines<L extends LineToIdentify>(db: Database, storeId: string, lines: readonly L[]): Promise<L[]> {
  const found = await identifyLines(db, storeId, lines);
  return lines.map((line, idx) => {
    const barcode = found.get(idx)?.catalogBarcode ?? (line.barcode === "" && line.stockCode ? line.stockCode : line.barcode);
    return barcode === line.barcode ? line : { ...line, barcode };
  });
}

/** Longer codes name nothing we store (listing identifiers are at most 200 characters; barcodes less). */
const MAX_CODE = 1000;

interface EffectiveRow extends Record<string, unknown> {
  product_id: string;
  effective_barcode: string;
  effective_stock_code: string;
  marketplace_id: string | null;
}

/** The effective identifiers of some listings of a store, by product; unlisted products are absent. */
export async function effectiveIdentifiersOf(db: Database, storeId: string, productIds: readonly string[]): Promise<Map<string, ListingIdentifiers>> {
  const ids = productIds.filter((id) => UUID.test(id));
  if (ids.length === 0 || !UUID.test(storeId)) return new Map();
  const rows = await queryRows<EffectiveRow>(
    db,
    sql`select l.product_id, ${effectiveIdentifiers}
        from listings l join products p on p.id = l.product_id join stores s on s.id = l.store_id
        where l.store_id = ${storeId}::uuid and l.product_id = any(${`{${ids.join(",")}}`}::uuid[])`,
  );
  return new Map(rows.map((r) => [r.product_id, { barcode: r.effective_barcode, stockCode: r.effective_stock_code, marketplaceId: r.marketplace_id }]));
}

export interface IdentifierClash {
  field: "barcode" | "stockCode";
  value: string;
  productId: string;
}

/**
 * Another listing of the store answering to this listing's effective barcode or stock code (as
 * they stand in `db`, so inside the transaction that changed them); undefined when none does.
 */
export async function identifierClash(db: Database, storeId: string, productId: string): Promise<IdentifierClash | undefined> {
  const [row] = await queryRows<{ field: "barcode" | "stockCode"; value: string; product_id: string }>(
    db,
    sql`with mine as (
          select ${effectiveBarcodeOf} as barcode, ${effectiveStockCodeOf} as stock_code
          from listings l join products p on p.id = l.product_id join stores s on s.id = l.store_id
          where l.store_id = ${storeId}::uuid and l.product_id = ${productId}::uuid)
        select case when ${effectiveBarcodeOf} = mine.barcode then 'barcode' else 'stockCode' end as field,
               case when ${effectiveBarcodeOf} = mine.barcode then mine.barcode else mine.stock_code end as value,
               l.product_id
        from mine, listings l join products p on p.id = l.product_id join stores s on s.id = l.store_id
        where l.store_id = ${storeId}::uuid and l.product_id <> ${productId}::uuid
          and (${effectiveBarcodeOf} = mine.barcode or ${effectiveStockCodeOf} = mine.stock_code)
        order by l.product_id limit 1`,
  );
  return row ? { field: row.field, value: row.value, productId: row.product_id } : undefined;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

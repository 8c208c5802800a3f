/**
 * The availability lookup: what a store sells of many products, as one hand-written statement.
 * It is the hot path of product views and every stock-sync flush, and its rule (sellable-sql.ts)
 * is shared SQL text with the reservation statement, which the query builder cannot compose.
 */
import { type SQL, sql } from "drizzle-orm";
import { queryRows, type Database } from "../../infra/db";
import { StoreNotFound } from "../catalog/errors";
import type { SellableDetail, SellableLookup } from "./availability-types";
import type { ChannelCeilings } from "./policy";
import { sellableCtes } from "./sellable-sql";

/** One row per (requested product, component); bigint columns arrive as text from postgres.js. */
interface AvailabilityRow extends Record<string, unknown> {
  product_id: string | null;
  product_type: "SIMPLE" | "SET" | null;
  sellable: number | string | null;
  raw: number | string | null;
  component_id: string | null;
  quantity: number | null;
  free: number | string | null;
  sets: number | string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Free stock (on hand - reserved) of the components, summed over the store's warehouses. */
const STORE_STOCK = `
  select il.product_id, sum(il.on_hand - il.reserved)::bigint as free
  from inventory_levels il
  join store_warehouses sw on sw.warehouse_id = il.warehouse_id and sw.store_id = (select id from asked_store)
  where il.product_id in (select component_id from expanded where component_id is not null)
  group by il.product_id`;

/**
 * Everything sellable depends on, for one store and many products, in ONE statement (the rule
 * itself is sellable-sql.ts). Ids travel as one array parameter, so 10,000 products are still one
 * short statement. The store is the driving row: no row at all means no such store.
 */
function availabilityQuery(sellable: SQL, storeId: string, productIds: readonly string[]) {
  // Not a UUID, not a product: dropped here rather than failing the whole statement.
  const ids = `{${productIds.filter((id) => UUID.test(id)).join(",")}}`;
  return sql`
    with asked_store as (select ${storeId}::uuid as id),
    asked as (select distinct r.id as product_id, 0::bigint as demand from unnest(${ids}::uuid[]) as r(id)),
    ${sellable}
    select sl.product_id, sl.product_type, sl.sellable, sl.raw, z.component_id, z.quantity, z.free, z.sets
    from stores s
    left join sellable sl on true
    left join sized z on z.product_id = sl.product_id
    where s.id = ${storeId}`;
}

function detailFor(storeId: string, rows: AvailabilityRow[]): SellableDetail {
  const first = rows[0] as AvailabilityRow;
  const detail: SellableDetail = {
    productId: first.product_id as string,
    storeId,
    sellable: Number(first.sellable ?? 0),
    raw: Number(first.raw ?? 0),
  };
  if (first.product_type === "SET") {
    detail.components = rows
      .filter((r) => r.component_id !== null && r.quantity !== null)
      .map((r) => ({ productId: r.component_id as string, quantity: Number(r.quantity), free: Number(r.free ?? 0), sets: Number(r.sets ?? 0) }));
  }
  return detail;
}

/**
 * The one function every reader of "sellable" uses: web API, admin views, the stock sync.
 * `ceilings`: each marketplace's quantity cap by store type (the wiring takes them from the adapters).
 */
export function createAvailability(deps: { db: Database; ceilings: ChannelCeilings }): SellableLookup {
  const sellable = sql.raw(sellableCtes(STORE_STOCK, deps.ceilings));
  return async (storeId, productIds) => {
    const result = new Map<string, SellableDetail>();
    if (!UUID.test(storeId)) throw new StoreNotFound(storeId);
    const rows = await queryRows<AvailabilityRow>(deps.db, availabilityQuery(sellable, storeId, productIds));
    if (rows.length === 0) throw new StoreNotFound(storeId);
    const byProduct = new Map<string, AvailabilityRow[]>();
    for (const row of rows) {
      if (row.product_id === null) continue;
      const group = byProduct.get(row.product_id);
      if (group) group.push(row);
      else byProduct.set(row.product_id, [row]);
    }
    for (const [productId, group] of byProduct) result.set(productId, detailFor(storeId, group));
    return result;
  };
}

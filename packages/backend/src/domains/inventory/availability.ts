import { sql } from "drizzle-orm";
import { queryRows, type Database } from "../../infra/db";
import { NotFound } from "../../infra/errors";
import type { SellableDetail, SellableLookup } from "./availability-types";
import { applyPolicy, CHANNEL_MAX_QUANTITY, effectivePolicy } from "./policy";

/** One row per (requested product, component); a simple product is its own single component. */
interface AvailabilityRow extends Record<string, unknown> {
  store_type: string;
  store_active: boolean;
  store_safety: number;
  store_percentage: number;
  store_max: number | null;
  store_floor: number;
  product_id: string | null;
  product_type: "SIMPLE" | "SET" | null;
  product_active: boolean | null;
  component_id: string | null;
  quantity: number | null;
  /** bigint: postgres.js answers it as text. */
  free: number | string | null;
  listing_enabled: boolean | null;
  listing_safety: number | null;
  listing_percentage: number | null;
  listing_max: number | null;
  listing_floor: number | null;
}

/**
 * Everything sellable depends on, for one store and many products, in ONE statement: the store's
 * policy, each product (sets expanded to components), free stock summed over the store's
 * warehouses, and the listing's overrides. Ids travel as one array parameter, so 10,000 products
 * are still one short statement. The store is the driving row: no row at all means no such store.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function availabilityQuery(storeId: string, productIds: readonly string[]) {
  // Not a UUID, not a product: dropped here rather than failing the whole statement.
  const ids = `{${productIds.filter((id) => UUID.test(id)).join(",")}}`;
  return sql`
    with req as (select distinct id from unnest(${ids}::uuid[]) as r(id)),
    expanded as (
      select p.id as product_id, p.type as product_type, p.active as product_active,
             case when p.type = 'SET' then si.component_id else p.id end as component_id,
             case when p.type = 'SET' then si.quantity else 1 end as quantity
      from req join products p on p.id = req.id
      left join product_set_items si on si.set_id = p.id and p.type = 'SET'
    ),
    free as (
      select il.product_id, sum(il.on_hand - il.reserved)::bigint as free
      from inventory_levels il
      join store_warehouses sw on sw.warehouse_id = il.warehouse_id and sw.store_id = ${storeId}
      where il.product_id in (select component_id from expanded where component_id is not null)
      group by il.product_id
    )
    select s.type as store_type, s.active as store_active, s.safety_stock as store_safety,
           s.percentage as store_percentage, s.max_quantity as store_max, s.floor as store_floor,
           e.product_id, e.product_type, e.product_active, e.component_id, e.quantity,
           coalesce(f.free, 0) as free,
           l.enabled as listing_enabled, l.safety_stock as listing_safety, l.percentage as listing_percentage,
           l.max_quantity as listing_max, l.floor as listing_floor
    from stores s
    left join expanded e on true
    left join free f on f.product_id = e.component_id
    left join listings l on l.store_id = s.id and l.product_id = e.product_id
    where s.id = ${storeId}`;
}

/**
 * The web shop sells every active product unless a listing switches it off; a marketplace sells
 * only what has an enabled listing. An inactive store or product sells nothing.
 */
function mayBeSold(row: AvailabilityRow): boolean {
  if (!row.store_active || !row.product_active) return false;
  if (row.listing_enabled === null) return row.store_type === "WEB";
  return row.listing_enabled;
}

function detailFor(storeId: string, rows: AvailabilityRow[]): SellableDetail {
  const first = rows[0] as AvailabilityRow;
  const productId = first.product_id as string;
  const components = rows
    .filter((r) => r.component_id !== null && r.quantity !== null)
    .map((r) => {
      const free = Number(r.free ?? 0);
      const quantity = Number(r.quantity);
      return { productId: r.component_id as string, quantity, free, sets: Math.floor(free / quantity) };
    });
  // A set is as many as its scarcest component allows; a set without components sells none.
  const raw = components.length === 0 ? 0 : Math.min(...components.map((c) => c.sets));
  const policy = effectivePolicy(
    { safetyStock: first.store_safety, percentage: first.store_percentage, maxQuantity: first.store_max, floor: first.store_floor },
    {
      safetyStock: first.listing_safety,
      percentage: first.listing_percentage,
      maxQuantity: first.listing_max,
      floor: first.listing_floor,
    },
  );
  const sellable = mayBeSold(first) ? applyPolicy(raw, policy, CHANNEL_MAX_QUANTITY[first.store_type]) : 0;
  const detail: SellableDetail = { productId, storeId, sellable, raw };
  if (first.product_type === "SET") detail.components = components;
  return detail;
}

/** The one function every reader of "sellable" uses: web API, admin views, the stock sync. */
export function createAvailability(deps: { db: Database }): SellableLookup {
  return async (storeId, productIds) => {
    const result = new Map<string, SellableDetail>();
    if (!UUID.test(storeId)) throw new NotFound("No such store", { storeId }, "STORE_NOT_FOUND");
    const rows = await queryRows<AvailabilityRow>(deps.db, availabilityQuery(storeId, productIds));
    if (rows.length === 0) throw new NotFound("No such store", { storeId }, "STORE_NOT_FOUND");
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

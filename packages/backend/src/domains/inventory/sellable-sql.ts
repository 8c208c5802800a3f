/**
 * "Sellable" as SQL text for a WITH list: the one rule every reader uses. The availability lookup
 * (product views, the stock sync) places it in its own statement; the reservation statement
 * (reservation-sql.ts) places it around its row locks (`expanded` before, the rest after), so
 * that what a store shows and what an order may take are one computation, and the order checks
 * it against stock as it is once locked.
 *
 * The caller defines first
 *   asked_store(id uuid)                   one row: the store
 *   asked(product_id uuid, demand bigint)  each product once; demand is what an order takes of it (0 for a lookup)
 * and passes `stock`, a select of (product_id uuid, free bigint) for the components, which may read
 * `expanded`. Defined here:
 *   expanded   one row per (asked product, component); a simple product is its own single component
 *   sized      per (product, component): free stock, the sets it allows, and the sets it allows once
 *              the order's other lines have taken their share of the same component (the window sums
 *              the whole order's need of the component); a set without components has one row of nulls
 *   sellable   per asked product: sellable (what the store shows), allowed (what this order may take
 *              of it beside its other lines), demand, raw (sets before policy)
 */
import { applyPolicySql, channelCeilingSql, type ChannelCeilings, effectivePolicySql } from "./policy";

const storePolicy = { safetyStock: "s.safety_stock", percentage: "s.percentage", maxQuantity: "s.max_quantity", floor: "s.floor" };
const listingPolicy = { safetyStock: "l.safety_stock", percentage: "l.percentage", maxQuantity: "l.max_quantity", floor: "l.floor" };
const policy = effectivePolicySql(storePolicy, listingPolicy);

/**
 * The web shop sells every active product unless a listing switches it off; a marketplace sells
 * only what has an enabled listing. An inactive store or product sells nothing.
 */
const ON_SALE = `(s.active and p.product_active and coalesce(l.enabled, s.type = 'WEB'))`;

/** One row per (asked product, component); a simple product is its own single component. */
export const EXPANDED_CTE = `
expanded as (
  select p.id as product_id, p.type as product_type, p.active as product_active, a.demand,
         case when p.type = 'SET' then si.component_id else p.id end as component_id,
         case when p.type = 'SET' then si.quantity else 1 end as quantity
  from asked a join products p on p.id = a.product_id
  left join product_set_items si on si.set_id = p.id and p.type = 'SET'
)`;

/**
 * `free_stock`, `sized` and `sellable`, for a statement that has defined `expanded` (and what
 * `stock` reads) before them. `ceilings`: the marketplaces' quantity caps by store type; the
 * reservation statement passes none (it judges WEB stores only, which have none).
 */
export function sellableAfterExpanded(stock: string, ceilings: ChannelCeilings = {}): string {
  const ceiling = channelCeilingSql("s.type", ceilings);
  return `
free_stock as (${stock}),
sized as (
  select e.product_id, e.product_type, e.product_active, e.demand, e.component_id, e.quantity,
         coalesce(f.free, 0)::bigint as free,
         coalesce(f.free, 0)::bigint / e.quantity as sets,
         greatest(0, coalesce(f.free, 0) - (sum(e.demand * e.quantity) over (partition by e.component_id) - e.demand * e.quantity))::bigint
           / e.quantity as sets_left
  from expanded e left join free_stock f on f.product_id = e.component_id
),
sellable as (
  select p.product_id, p.product_type, p.demand, p.raw,
         case when ${ON_SALE} then ${applyPolicySql("p.raw", policy, ceiling)} else 0 end as sellable,
         case when ${ON_SALE} then ${applyPolicySql("p.raw_left", policy, ceiling)} else 0 end as allowed
  from (
    select product_id, product_type, product_active, demand, coalesce(min(sets), 0) as raw, coalesce(min(sets_left), 0) as raw_left
    from sized group by product_id, product_type, product_active, demand
  ) p
  join stores s on s.id = (select id from asked_store)
  left join listings l on l.store_id = s.id and l.product_id = p.product_id
)`;
}

export const sellableCtes = (stock: string, ceilings: ChannelCeilings = {}): string => `${EXPANDED_CTE},${sellableAfterExpanded(stock, ceilings)}`;

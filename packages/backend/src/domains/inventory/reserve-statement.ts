/**
 * The reservation as SQL text for one statement with data-modifying CTEs (round trips
 * are the cost of an order). Inventory owns these CTEs; the order domain places them inside its
 * own statement, between its `input` CTE and its writes, so that the levels, the ledger and the
 * order rows commit together without an explicit transaction.
 *
 * The fragments read a CTE named `input` with the columns
 *   demands json        [{ "product_id": uuid, "quantity": int }], one per product (see demandsJson)
 *   warehouses json     [uuid, ...] in priority order (the first is drained first)
 *   changed_at timestamptz, actor_id uuid, correlation_id text   (the ledger rows carry them)
 * and define `demand`, `wh`, `locked`, `takes` (one row per level drawn on, with `take`) and
 * `shortages` (productId, requested, available of every short product; empty when all is covered).
 */
import type { Demand } from "./reservation-types";
import { assertQuantities, byProductThen, sumBy } from "./stock-checks";

/**
 * Locks every level row of the demanded products in the given warehouses, in (product, warehouse)
 * order like releases do, and reads them as they are once locked. The window that spreads a
 * demand over the warehouses lives in `takes`: FOR UPDATE cannot be combined with window functions.
 */
export const RESERVATION_CTES = `
demand as (
  select d.product_id, d.quantity as need
  from input, json_to_recordset(input.demands) as d(product_id uuid, quantity bigint)
),
wh as (
  select w.value::uuid as warehouse_id, w.priority
  from input, json_array_elements_text(input.warehouses) with ordinality as w(value, priority)
),
locked as materialized (
  select l.product_id, l.warehouse_id, l.on_hand, l.reserved
  from inventory_levels l
  -- "= any(array(...))", not "in (select ...)": the planner then probes the primary key, not a scan of every level.
  where l.product_id = any(array(select product_id from demand)) and l.warehouse_id = any(array(select warehouse_id from wh))
  order by l.product_id, l.warehouse_id
  for update of l
),
takes as materialized (
  select k.product_id, k.warehouse_id, wh.priority, k.on_hand, k.reserved, d.need, k.on_hand - k.reserved as free,
    least(k.on_hand - k.reserved,
          greatest(0, d.need - coalesce(sum(k.on_hand - k.reserved) over earlier, 0)))::integer as take
  from locked k
  join wh on wh.warehouse_id = k.warehouse_id
  join demand d on d.product_id = k.product_id
  window earlier as (partition by k.product_id order by wh.priority rows between unbounded preceding and 1 preceding)
),
shortages as materialized (
  select d.product_id, d.need as requested, coalesce(sum(t.free), 0) as available
  from demand d left join takes t on t.product_id = d.product_id
  group by d.product_id, d.need
  having coalesce(sum(t.free), 0) < d.need
)`;

/**
 * The level updates and RESERVE ledger rows (with reserved before and after, in product then
 * warehouse priority order), written only when `gate` is true: a condition the caller makes
 * false when anything is short or its own guard (the idempotency key) says nothing may be written.
 * `reason` is an SQL expression for the ledger rows' reason.
 */
export function reservationWrites(gate: string, reason: string): string {
  return `
reserved_levels as (
  update inventory_levels l set reserved = l.reserved + t.take, updated_at = input.changed_at
  from takes t, input
  where l.product_id = any(array(select product_id from takes where take > 0))
    and l.warehouse_id = any(array(select warehouse_id from takes where take > 0))
    and l.product_id = t.product_id and l.warehouse_id = t.warehouse_id and t.take > 0 and ${gate}
),
reserve_ledger as (
  insert into stock_movements
    (product_id, warehouse_id, kind, delta, on_hand_before, on_hand_after, reserved_before, reserved_after, reason, actor_id, correlation_id, created_at)
  select t.product_id, t.warehouse_id, 'RESERVE'::movement_kind, 0, t.on_hand, t.on_hand, t.reserved, t.reserved + t.take,
    ${reason}, input.actor_id, input.correlation_id, input.changed_at
  from takes t, input
  where t.take > 0 and ${gate}
  order by t.product_id, t.priority
)`;
}

/** The demands as the `input.demands` JSON: summed per product, sorted; 422 INVALID_QUANTITY for a bad quantity. */
export function demandsJson(demands: readonly Demand[]): string {
  assertQuantities(demands);
  const summed = sumBy(demands, (d) => d.productId).sort(byProductThen(() => ""));
  return JSON.stringify(summed.map((d) => ({ product_id: d.productId, quantity: d.quantity })));
}

/** The warehouses as the `input.warehouses` JSON, each once, in the order given. */
export const warehousesJson = (warehouseIds: readonly string[]): string => JSON.stringify([...new Set(warehouseIds)]);

/**
 * The one reservation statement, as SQL text for a WITH list. Every order's stock is reserved by
 * it: web orders (inside the order domain's placement statement, so the order and its stock
 * commit in one round trip) and marketplace orders (stock-mutations.ts runs it alone, inside
 * intake's transaction). Its input is data: parameter $1, a `ReservationInput` as JSON.
 *
 * RESERVATION_READS defines
 *   reservation_input  the parameter as one row (columns named and typed after ReservationInput)
 *   demand             per simple product: what the order needs, every line and set added up
 *                      (a set and a loose component compete for the same stock)
 *   locked, takes      the level rows, locked in (product, warehouse) order, and what each gives
 *   shortages          products the warehouses do not hold enough of, free
 *   sellable, not_sold (sellable-sql.ts) what the store sells of each ordered product; WEB mode
 *                      refuses more than that, MARKETPLACE mode never (the marketplace sold it)
 *   reservable         one row when nothing is short: the condition for every write
 * and reservationWrites adds the level updates and RESERVE ledger rows.
 */
import { EXPANDED_CTE, sellableAfterExpanded } from "./sellable-sql";
import type { ReservationInput, ReservationLine } from "./reservation-types";

/** Each input field's SQL type: the record type cannot drift from ReservationInput without a type error. */
const INPUT_COLUMNS: { readonly [K in keyof ReservationInput]-?: string } = {
  mode: "text",
  store_id: "uuid",
  warehouse_ids: "jsonb",
  lines: "jsonb",
  actor_id: "uuid",
  correlation_id: "text",
  reason: "text",
  changed_at: "timestamptz",
};
const LINE_COLUMNS: { readonly [K in keyof ReservationLine]-?: string } = { product_id: "uuid", quantity: "bigint" };

const columns = (types: Readonly<Record<string, string>>) =>
  Object.entries(types)
    .map(([name, type]) => `${name} ${type}`)
    .join(", ");

// The sellable rule reads the components' free stock as it is once locked.
const LOCKED_STOCK = `select product_id, sum(on_hand - reserved)::bigint as free from locked group by product_id`;

export const RESERVATION_READS = `
reservation_input as materialized (
  select * from jsonb_to_record($1::jsonb) as r(${columns(INPUT_COLUMNS)})
),
asked_store as (select store_id as id from reservation_input),
asked as (
  select l.product_id, sum(l.quantity)::bigint as demand
  from reservation_input i, jsonb_to_recordset(i.lines) as l(${columns(LINE_COLUMNS)})
  group by l.product_id
),
${EXPANDED_CTE},
demand as (
  select component_id as product_id, sum(demand * quantity)::bigint as need
  from expanded where component_id is not null
  group by component_id
),
wh as (
  select w.value::uuid as warehouse_id, min(w.priority) as priority
  from reservation_input i, jsonb_array_elements_text(i.warehouse_ids) with ordinality as w(value, priority)
  group by w.value
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
  -- The window spreads a demand over the warehouses here: FOR UPDATE cannot be combined with window functions.
  select k.product_id, k.warehouse_id, wh.priority, k.on_hand, k.reserved, k.on_hand - k.reserved as free,
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
),
${sellableAfterExpanded(LOCKED_STOCK)},
not_sold as materialized (
  select product_id, demand as requested, allowed as available, sellable from sellable
  where demand > allowed and (select mode from reservation_input) = 'WEB'
),
reservable as materialized (
  select true as ok where not exists (select from shortages) and not exists (select from not_sold)
)`;

/**
 * Where the reservation is written. A statement that embeds it (the web order's) holds it only
 * when its own rows are written too, a condition that implies `reservable`, and names the ledger
 * reason itself; both are SQL over its CTEs, and `reason` may read the input as `i`.
 */
export interface ReservationHolder {
  heldWhen: string;
  reason: string;
}

export const STANDALONE: ReservationHolder = { heldWhen: "exists (select from reservable)", reason: "i.reason" };

/** The level updates and RESERVE ledger rows (reserved before and after, in product then warehouse priority order). */
export function reservationWrites(holder: ReservationHolder): string {
  return `
reserved_levels as (
  update inventory_levels l set reserved = l.reserved + t.take, updated_at = i.changed_at
  from takes t, reservation_input i
  where l.product_id = any(array(select product_id from takes where take > 0))
    and l.warehouse_id = any(array(select warehouse_id from takes where take > 0))
    and l.product_id = t.product_id and l.warehouse_id = t.warehouse_id and t.take > 0 and ${holder.heldWhen}
),
reserve_ledger as (
  insert into stock_movements
    (product_id, warehouse_id, kind, delta, on_hand_before, on_hand_after, reserved_before, reserved_after, reason, actor_id, correlation_id, created_at)
  select t.product_id, t.warehouse_id, 'RESERVE'::movement_kind, 0, t.on_hand, t.on_hand, t.reserved, t.reserved + t.take,
    ${holder.reason}, i.actor_id, i.correlation_id, i.changed_at
  from takes t, reservation_input i
  where t.take > 0 and ${holder.heldWhen}
  order by t.product_id, t.priority
)`;
}

/** The answer's columns (allocations, shortages, not_sold as JSON arrays) for the statement's final select; read by readReservation. */
export const RESERVATION_RESULT = `
  (select coalesce(jsonb_agg(jsonb_build_object('productId', t.product_id, 'warehouseId', t.warehouse_id, 'quantity', t.take)
                             order by t.product_id, t.priority), '[]'::jsonb)
   from takes t where t.take > 0 and exists (select from reservable)) as allocations,
  (select coalesce(jsonb_agg(jsonb_build_object('productId', s.product_id, 'requested', s.requested, 'available', s.available)
                             order by s.product_id), '[]'::jsonb) from shortages s) as shortages,
  (select coalesce(jsonb_agg(jsonb_build_object('productId', n.product_id, 'requested', n.requested, 'available', n.available, 'sellable', n.sellable)
                             order by n.product_id), '[]'::jsonb) from not_sold n) as not_sold`;

/** The statement stock-mutations.ts runs for a reservation held by no other write (marketplace intake). */
export const RESERVE_STATEMENT = `with ${RESERVATION_READS},${reservationWrites(STANDALONE)}
select ${RESERVATION_RESULT}`;

/**
 * A web/app order as ONE statement: lock and reserve the levels, write the ledger, the
 * order, its items and allocations, and the idempotent 201 answer, or, when anything is short or
 * another answer holds the key, write nothing. A single statement is atomic, so there is no
 * BEGIN/COMMIT, and a named prepared statement costs one round trip on postgres.js (Drizzle's
 * unnamed ones describe first: two).
 */
import type { Orders } from "@pazarsync/shared";
import { preparedRows, type Database } from "../../infra/db";
import { demandsJson, RESERVATION_CTES, reservationWrites, warehousesJson } from "../inventory/reserve-statement";
import { sellableCtes } from "../inventory/sellable-sql";
import type { Demand, Shortage } from "../inventory/reservation-types";
import type { NewItem } from "./repository";
import { IDEMPOTENCY_RETENTION_SQL, IDEMPOTENCY_TAKEOVER_SQL, type IdempotencyRequest } from "./idempotency";

export interface ChannelShortage extends Shortage {
  /** What the store shows of the product (its sellable); `available` is that less what the order's other lines take of the same stock. */
  sellable: number;
}

/** Everything the statement writes, decided before it runs (the order number comes from the sequence in it). */
export interface OrderToPlace {
  orderId: string;
  storeId: string;
  customerId: string | null;
  placedBy: string | null;
  /** Who the ledger rows name: the placing user. */
  actorId: string | null;
  currency: string;
  total: number;
  vatTotal: number;
  items: readonly NewItem[];
  createdAt: Date;
  demands: readonly Demand[];
  /** The store's warehouses by priority. */
  warehouseIds: readonly string[];
  /** The 201 body as it will be answered, but for its number, which the statement fills in. */
  answer: Orders.Order;
  request: IdempotencyRequest;
}

export type PlaceOutcome =
  | { kind: "placed"; number: number; warehouseIds: string[] }
  | { kind: "short"; shortages: Shortage[] }
  /** The stock is there, but the store does not sell this much (listing off, policy): per ordered product. */
  | { kind: "notSold"; shortages: ChannelShortage[] }
  /** Another request's answer holds the Idempotency-Key: nothing was written. */
  | { kind: "keyTaken" };

// A web store sells at most its sellable of each ordered product (all lines of it summed, a set and
// its loose components judged together): the availability rule itself (sellable-sql.ts), fed with
// the levels as they are once locked, so a concurrent order that committed first is counted.
// Staff entering an order on a marketplace store record a sale the marketplace made: like intake,
// only the physical stock limits it.
const LOCKED_STOCK = `select product_id, sum(on_hand - reserved)::bigint as free from locked group by product_id`;

// Each parameter is typed once here; the CTEs below read `input`. The gate for every write is
// the idempotency insert: it produces a row only when nothing is short (num) and the key is ours.
const PLACE_ORDER_STATEMENT = `
with input as materialized (
  select $1::json as demands, $2::json as warehouses, $3::uuid as order_id, $4::uuid as store_id,
    $5::uuid as customer_id, $6::uuid as placed_by, $7::text as currency, $8::integer as total, $9::integer as vat_total,
    $10::timestamptz as changed_at, $11::json as items, $16::uuid as actor_id, $12::text as scope, $13::text as key,
    $14::text as request_hash, $15::jsonb as answer, $3::uuid::text as correlation_id
),
${RESERVATION_CTES},
asked_store as (select input.store_id as id from input),
asked as (
  select i.product_id, sum(i.quantity)::bigint as demand
  from input, json_to_recordset(input.items) as i(product_id uuid, quantity integer)
  group by i.product_id
),
${sellableCtes(LOCKED_STOCK)},
not_sold as materialized (
  select product_id, demand as requested, allowed as available, sellable from sellable
  where demand > allowed and exists (select from stores s where s.id = (select id from asked_store) and s.type = 'WEB')
),
num as materialized (
  select nextval('orders_number_seq') as number where not exists (select from shortages) and not exists (select from not_sold)
),
answer as (
  insert into idempotency_keys as k (scope, key, request_hash, response_status, response_body, expires_at)
  select input.scope, input.key, input.request_hash, 201, jsonb_set(input.answer, '{number}', to_jsonb(num.number)), now() + ${IDEMPOTENCY_RETENTION_SQL}
  from input, num
  on conflict (scope, key) do update set
    request_hash = excluded.request_hash, response_status = excluded.response_status, response_body = excluded.response_body,
    created_at = now(), expires_at = excluded.expires_at
  where ${IDEMPOTENCY_TAKEOVER_SQL}
  returning 1
),
placed as (
  insert into orders (id, number, store_id, customer_id, placed_by, status, currency, total, vat_total, created_at, updated_at)
  select input.order_id, num.number, input.store_id, input.customer_id, input.placed_by, 'CREATED'::order_status,
    input.currency, input.total, input.vat_total, input.changed_at, input.changed_at
  from input, num
  where exists (select from answer)
  returning number
),
lines as (
  insert into order_items (order_id, line_no, product_id, sku, name, quantity, unit_price, line_total, vat_rate)
  select input.order_id, i.line_no, i.product_id, i.sku, i.name, i.quantity, i.unit_price, i.line_total, i.vat_rate
  from input, json_to_recordset(input.items)
    as i(line_no smallint, product_id uuid, sku text, name text, quantity integer, unit_price integer, line_total integer, vat_rate integer)
  where exists (select from answer)
),
held as (
  insert into order_allocations (order_id, product_id, warehouse_id, quantity, state)
  select input.order_id, t.product_id, t.warehouse_id, t.take, 'RESERVED'::allocation_state
  from takes t, input
  where t.take > 0 and exists (select from answer)
),
${reservationWrites("exists (select from answer)", "'order #' || (select number from num)")}
select
  (select number from placed) as number,
  (select coalesce(json_agg(distinct t.warehouse_id), '[]'::json) from takes t where t.take > 0) as warehouse_ids,
  (select coalesce(json_agg(json_build_object('productId', s.product_id, 'requested', s.requested, 'available', s.available)
                            order by s.product_id), '[]'::json) from shortages s) as shortages,
  (select coalesce(json_agg(json_build_object('productId', n.product_id, 'requested', n.requested, 'available', n.available, 'sellable', n.sellable)
                            order by n.product_id), '[]'::json) from not_sold n) as not_sold`;

/** Bumped whenever STATEMENT changes: postgres.js caches a named statement per connection by its text anyway. */
const STATEMENT_NAME = "order_place_v2";

interface ResultRow extends Record<string, unknown> {
  number: unknown;
  warehouse_ids: unknown;
  shortages: unknown;
  not_sold: unknown;
}

/** postgres.js parses json and answers int8 as text; PGlite may differ: either way, the value. */
const json = (value: unknown): unknown => (typeof value === "string" ? JSON.parse(value) : value);

function isShortage(value: unknown): value is Shortage {
  if (typeof value !== "object" || value === null) return false;
  const s = value as Record<string, unknown>;
  return typeof s.productId === "string" && typeof s.requested === "number" && typeof s.available === "number";
}

const isChannelShortage = (value: unknown): value is ChannelShortage =>
  isShortage(value) && typeof (value as unknown as Record<string, unknown>).sellable === "number";

function placeOrderParameters(order: OrderToPlace): (string | number | null)[] {
  const { request } = order;
  const items = order.items.map((item) => ({
    line_no: item.lineNo,
    product_id: item.productId,
    sku: item.sku,
    name: item.name,
    quantity: item.quantity,
    unit_price: item.unitPrice,
    line_total: item.lineTotal,
    vat_rate: item.vatRate,
  }));
  return [
    demandsJson(order.demands),
    warehousesJson(order.warehouseIds),
    order.orderId,
    order.storeId,
    order.customerId,
    order.placedBy,
    order.currency,
    order.total,
    order.vatTotal,
    order.createdAt.toISOString(),
    JSON.stringify(items),
    request.scope,
    request.key,
    request.hash,
    JSON.stringify(order.answer),
    order.actorId,
  ];
}

async function run(db: Database, params: (string | number | null)[]): Promise<ResultRow> {
  const [row] = await preparedRows<ResultRow>(db, STATEMENT_NAME, PLACE_ORDER_STATEMENT, params);
  if (!row) throw new Error("the order statement answered no row");
  return row;
}

/** Places the order, or answers why nothing was written. The caller holds the stock locks of every demanded product. */
export async function placeInOneStatement(db: Database, order: OrderToPlace): Promise<PlaceOutcome> {
  const row = await run(db, placeOrderParameters(order));
  const shortages = json(row.shortages);
  if (Array.isArray(shortages) && shortages.length > 0) {
    if (!shortages.every(isShortage)) throw new Error("the order statement answered malformed shortages");
    return { kind: "short", shortages };
  }
  const notSold = json(row.not_sold);
  if (Array.isArray(notSold) && notSold.length > 0) {
    if (!notSold.every(isChannelShortage)) throw new Error("the order statement answered malformed channel shortages");
    return { kind: "notSold", shortages: notSold };
  }
  if (row.number === null || row.number === undefined) return { kind: "keyTaken" };
  const warehouseIds = json(row.warehouse_ids);
  if (!Array.isArray(warehouseIds) || !warehouseIds.every((id): id is string => typeof id === "string")) {
    throw new Error("the order statement answered malformed warehouse ids");
  }
  return { kind: "placed", number: Number(row.number), warehouseIds };
}

/**
 * A web/app order as ONE statement: inventory's reservation (its input is parameter $1), and the
 * order, its items, its allocations and the idempotent 201 answer (parameter $2), or, when
 * anything is short or another answer holds the key, nothing at all. A single statement is atomic,
 * so there is no BEGIN/COMMIT, and a named prepared statement costs one round trip on postgres.js
 * (Drizzle's unnamed ones describe first: two).
 */
import { Orders } from "@pazarsync/shared";
import { TypeCompiler } from "@sinclair/typebox/compiler";
import { preparedRows, type Database } from "../../infra/db";
import {
  type Allocation,
  type ChannelShortage,
  readReservation,
  RESERVATION_READS,
  RESERVATION_RESULT,
  type ReservationInput,
  reservationParameter,
  reservationWrites,
  type Shortage,
} from "../inventory/service";
import { IDEMPOTENCY_RETENTION_SQL, IDEMPOTENCY_TAKEOVER_SQL, type IdempotencyRequest } from "./idempotency";
import type { NewItem } from "./repository";

/** The order's own rows, decided before the statement runs (the number comes from the sequence in it). */
export interface OrderToPlace {
  orderId: string;
  storeId: string;
  customerId: string | null;
  placedBy: string | null;
  currency: string;
  total: number;
  vatTotal: number;
  items: readonly NewItem[];
  /** ISO timestamp: the order's createdAt and updatedAt, and the reservation's changed_at. */
  createdAt: string;
  request: IdempotencyRequest;
}

export type PlaceOutcome =
  | { kind: "placed"; order: Orders.Order; allocations: Allocation[] }
  | { kind: "short"; shortages: Shortage[] }
  /** The stock is there, but the store does not sell this much (listing off, policy): per ordered product. */
  | { kind: "notSold"; shortages: ChannelShortage[] }
  /** Another request's answer holds the Idempotency-Key: nothing was written. */
  | { kind: "keyTaken" };

// The gate for every write is the idempotency insert: it produces a row only when the reservation
// is possible (num) and the key is ours. The 201 body is built here once, stored and answered.
const PLACE_ORDER_STATEMENT = `
with ${RESERVATION_READS},
order_input as materialized (
  select * from jsonb_to_record($2::jsonb) as o(id uuid, store_id uuid, customer_id uuid, placed_by uuid, currency text,
    total integer, vat_total integer, created_at text, items jsonb, scope text, key text, request_hash text)
),
order_lines as materialized (
  select i.* from order_input o, jsonb_to_recordset(o.items)
    as i(line_no smallint, product_id uuid, sku text, name text, quantity integer, unit_price integer, line_total integer, vat_rate integer)
),
num as materialized (select nextval('orders_number_seq') as number from reservable),
answer as (
  insert into idempotency_keys as k (scope, key, request_hash, response_status, response_body, expires_at)
  select o.scope, o.key, o.request_hash, 201,
    jsonb_build_object('id', o.id, 'number', num.number, 'storeId', o.store_id, 'customerId', o.customer_id, 'placedBy', o.placed_by,
      'externalOrderId', null, 'status', 'CREATED', 'currency', o.currency, 'total', o.total, 'vatTotal', o.vat_total,
      'items', (select jsonb_agg(jsonb_build_object('lineNo', l.line_no, 'productId', l.product_id, 'sku', l.sku, 'name', l.name, 'quantity', l.quantity,
                  'unitPrice', l.unit_price, 'lineTotal', l.line_total, 'vatRate', l.vat_rate, 'status', 'CREATED') order by l.line_no) from order_lines l),
      'shortages', null, 'dispatchBy', null, 'createdAt', o.created_at, 'updatedAt', o.created_at),
    now() + ${IDEMPOTENCY_RETENTION_SQL}
  from order_input o, num
  on conflict (scope, key) do update set
    request_hash = excluded.request_hash, response_status = excluded.response_status, response_body = excluded.response_body,
    created_at = now(), expires_at = excluded.expires_at
  where ${IDEMPOTENCY_TAKEOVER_SQL}
  returning k.response_body
),
placed as (
  insert into orders (id, number, store_id, customer_id, placed_by, status, currency, total, vat_total, created_at, updated_at)
  select o.id, num.number, o.store_id, o.customer_id, o.placed_by, 'CREATED'::order_status,
    o.currency, o.total, o.vat_total, o.created_at::timestamptz, o.created_at::timestamptz
  from order_input o, num
  where exists (select from answer)
),
lines as (
  insert into order_items (order_id, line_no, product_id, sku, name, quantity, unit_price, line_total, vat_rate)
  select o.id, l.line_no, l.product_id, l.sku, l.name, l.quantity, l.unit_price, l.line_total, l.vat_rate
  from order_input o, order_lines l
  where exists (select from answer)
),
held as (
  insert into order_allocations (order_id, product_id, warehouse_id, quantity, state)
  select o.id, t.product_id, t.warehouse_id, t.take, 'RESERVED'::allocation_state
  from takes t, order_input o
  where t.take > 0 and exists (select from answer)
),
${reservationWrites({ heldWhen: "exists (select from answer)", reason: "'order #' || (select number from num)" })}
select (select response_body from answer) as answer, ${RESERVATION_RESULT}`;

/** Bumped whenever the statement changes: postgres.js caches a named statement per connection by its text anyway. */
const STATEMENT_NAME = "order_place_v5";

const OrderAnswer = TypeCompiler.Compile(Orders.Order);

/** postgres.js parses jsonb; PGlite may answer text: either way, the value. */
const json = (value: unknown): unknown => (typeof value === "string" ? JSON.parse(value) : value);

function orderParameter(order: OrderToPlace): string {
  const { request } = order;
  return JSON.stringify({
    id: order.orderId,
    store_id: order.storeId,
    customer_id: order.customerId,
    placed_by: order.placedBy,
    currency: order.currency,
    total: order.total,
    vat_total: order.vatTotal,
    created_at: order.createdAt,
    items: order.items.map((item) => ({
      line_no: item.lineNo,
      product_id: item.productId,
      sku: item.sku,
      name: item.name,
      quantity: item.quantity,
      unit_price: item.unitPrice,
      line_total: item.lineTotal,
      vat_rate: item.vatRate,
    })),
    scope: request.scope,
    key: request.key,
    request_hash: request.hash,
  });
}

/** Places the order, or answers why nothing was written. The caller holds the stock locks of every product the reservation touches. */
export async function placeInOneStatement(db: Database, reservation: ReservationInput, order: OrderToPlace): Promise<PlaceOutcome> {
  const params = [reservationParameter(reservation), orderParameter(order)];
  const [row] = await preparedRows(db, STATEMENT_NAME, PLACE_ORDER_STATEMENT, params);
  if (!row) throw new Error("the order statement answered no row");
  const { allocations, shortages, notSold } = readReservation(row);
  if (shortages.length > 0) return { kind: "short", shortages };
  if (notSold.length > 0) return { kind: "notSold", shortages: notSold };
  const answer = json(row.answer);
  if (answer === null || answer === undefined) return { kind: "keyTaken" };
  if (!OrderAnswer.Check(answer)) throw new Error("the order statement answered a malformed order");
  return { kind: "placed", order: answer, allocations };
}

import { HEPSIBURADA } from "../../hepsiburada/facts";
import type { Incoming, Reply, SandboxOrderInput } from "../module";
import type { HepsiburadaAccount, HepsiburadaOrder, HepsiburadaSandboxState } from "./state";

const MINUTE = 60_000;
const OFFSET_MS = HEPSIBURADA.orderTimeZoneOffsetMinutes * MINUTE;

const badRequest = (detail: string): Reply => ({ status: 400, body: { title: "Bad Request", status: 400, detail } });

/** Istanbul wall-clock time without a zone, as Hepsiburada writes order dates. */
function localTime(at: number): string {
  return new Date(at + OFFSET_MS).toISOString().slice(0, 19);
}

/** `yyyy-MM-dd HH:mm` (Istanbul time) as epoch ms; undefined when it is not one. */
function parseQueryDate(value: string): number | undefined {
  const match = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2})$/.exec(value);
  if (!match) return undefined;
  const ms = Date.parse(`${match[1]}T${match[2]}:00Z`);
  return Number.isNaN(ms) ? undefined : ms - OFFSET_MS;
}

/**
 * A paid order as the order list answers it. It does not change the quantities the account
 * shows: the seller's system reserves the stock and pushes the new truth.
 */
export function createHepsiburadaOrder(state: HepsiburadaSandboxState, account: HepsiburadaAccount, input: SandboxOrderInput, now: number): HepsiburadaOrder {
  const number = state.nextOrderNumber();
  const order: HepsiburadaOrder = {
    id: `hb-order-${number}`,
    orderNumber: String(number),
    orderDate: localTime(now),
    status: "Open",
    lastStatusUpdateDate: localTime(now),
    lineItems: input.lines.map((line, i) => ({
      lineItemId: `${number}-${i + 1}`,
      merchantSku: line.code,
      hepsiburadaSku: `HBV${String(number)}${i + 1}`,
      quantity: line.quantity,
      price: { amount: line.unitPrice / 100, currency: "TRY" },
      totalPrice: { amount: (line.unitPrice * line.quantity) / 100, currency: "TRY" },
    })),
  };
  account.orders.set(order.orderNumber, { order, modifiedAt: now });
  return order;
}

/** Cancels by order number (or id); its last status change moves on so order pulls see it. */
export function cancelHepsiburadaOrder(account: HepsiburadaAccount, orderId: string, now: number): boolean {
  const found = account.orders.get(orderId) ?? [...account.orders.values()].find((entry) => entry.order.id === orderId);
  if (!found) return false;
  // Minute precision on the wire: the change lands at least a second later, never at the same instant.
  found.modifiedAt = Math.max(now, found.modifiedAt + 1000);
  found.order.status = "CancelledByMerchant";
  found.order.lastStatusUpdateDate = localTime(found.modifiedAt);
  return true;
}

const natural = (value: string | undefined) => (value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined);

/**
 * GET /orders/merchantid/{id}?offset&limit&begindate&enddate: offset and limit mandatory, limit
 * 1..100; the dates (optional, `yyyy-MM-dd HH:mm`, Istanbul time) select orders whose last
 * status change is in [begindate, enddate); oldest change first.
 */
export function listHepsiburadaOrders(account: HepsiburadaAccount, incoming: Incoming): Reply {
  const offset = natural(incoming.query.offset);
  const limit = natural(incoming.query.limit);
  if (offset === undefined || limit === undefined) return badRequest("offset and limit are mandatory");
  if (limit < 1 || limit > HEPSIBURADA.orderPageSize) return badRequest(`limit must be between 1 and ${HEPSIBURADA.orderPageSize}`);
  const { begindate, enddate } = incoming.query;
  const begin = begindate === undefined ? Number.NEGATIVE_INFINITY : parseQueryDate(begindate);
  const end = enddate === undefined ? Number.POSITIVE_INFINITY : parseQueryDate(enddate);
  if (begin === undefined || end === undefined) return badRequest("begindate and enddate must be yyyy-MM-dd HH:mm");
  if (end < begin) return badRequest("enddate must not be before begindate");
  const matching = [...account.orders.values()]
    .filter((entry) => entry.modifiedAt >= begin && entry.modifiedAt < end)
    .sort((a, b) => a.modifiedAt - b.modifiedAt || a.order.orderNumber.localeCompare(b.order.orderNumber));
  return {
    status: 200,
    body: {
      totalCount: matching.length,
      offset,
      limit,
      pageCount: Math.ceil(matching.length / limit),
      items: matching.slice(offset, offset + limit).map((entry) => entry.order),
    },
  };
}

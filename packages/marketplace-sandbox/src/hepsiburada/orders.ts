/**
 * Hepsiburada's order lists in the sandbox, as the fixtures hepsiburada/order-pull and
 * cancelled-list show them: both answer ORDER LINES (one item per line, grouped by orderNumber
 * on the seller's side), paged with offset and limit, as `{items, limit, offset, pageCount, totalCount}`.
 * - The open list holds lines in "order received" status; begindate/enddate (Turkey time,
 *   `yyyy-MM-dd HH:mm`) select lines added in [begin, end), a range over 24 h is cut to begin + 24 h.
 * - The cancelled list takes no date filter (400 WrongDateFormat to any), limit at most 50.
 * A cancellation adds a record per line to the cancelled list; a fully cancelled line leaves the
 * open list. Packing (packages.ts) moves open lines into a package.
 */
import { HEPSIBURADA } from "@pazarsync/backend/src/domains/marketplace/hepsiburada/facts";
import type { Incoming, Reply, SandboxOrderInput } from "../module";
import type { HepsiburadaAccount, HepsiburadaLineEntry, HepsiburadaOpenLine, HepsiburadaSandboxState } from "./state";

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const OFFSET_MS = HEPSIBURADA.orderTimeZoneOffsetMinutes * MINUTE;

export const badRequest = (detail: string, errors?: string[]): Reply => ({ status: 400, body: { title: "Bad Request", status: 400, detail, ...(errors ? { errors } : {}) } });

/** Turkey wall-clock time without a zone, as Hepsiburada writes order dates. */
export function localTime(at: number, withMs = false): string {
  return new Date(at + OFFSET_MS).toISOString().slice(0, withMs ? 23 : 19);
}

/** `yyyy-MM-dd HH:mm` (Turkey time) as epoch ms; undefined when it is not one. */
function parseQueryDate(value: string): number | undefined {
  const match = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2})$/.exec(value);
  if (!match) return undefined;
  const ms = Date.parse(`${match[1]}T${match[2]}:00Z`);
  return Number.isNaN(ms) ? undefined : ms - OFFSET_MS;
}

/**
 * A paid order: one open line per input line. It does not change the quantities the account
 * shows: the seller's system reserves the stock and pushes the new truth.
 */
export function createHepsiburadaOrder(state: HepsiburadaSandboxState, account: HepsiburadaAccount, input: SandboxOrderInput, now: number): { orderNumber: string; lines: HepsiburadaOpenLine[] } {
  const number = String(state.nextOrderNumber());
  const lines = input.lines.map((line, i) => {
    const entry = {
      line: {
        id: `${number}-${i + 1}`,
        orderId: `hb-order-${number}`,
        orderNumber: number,
        orderDate: localTime(now),
        merchantSKU: line.code,
        sku: `HBV${number}${i + 1}`,
        productBarcode: line.code,
        quantity: line.quantity,
        unitPrice: { amount: line.unitPrice / 100, currency: "TRY" as const },
        totalPrice: { amount: (line.unitPrice * line.quantity) / 100, currency: "TRY" as const },
        lastStatusUpdateDate: localTime(now),
        status: "Open" as const,
        merchantId: account.merchantId,
        dueDate: localTime(now + DAY),
      },
      at: now,
    };
    account.openLines.push(entry);
    return entry.line;
  });
  return { orderNumber: number, lines };
}

/** Units of an open line cancelled so far (its cancelled records added up). */
export function cancelledUnits(account: HepsiburadaAccount, lineId: string): number {
  return account.cancelledLines.reduce((sum, { line }) => (line.lineItemId === lineId ? sum + line.quantity : sum), 0);
}

/**
 * A cancelled record of `quantity` units of an open line; the line leaves the open list once every
 * unit is cancelled. Its cancelDate carries milliseconds and moves on per account, so two
 * cancellations of one line are two records with their own dates (what the adapter tells apart).
 * The sandbox's choice: no source says whether the open list then shows the line's ordered or its
 * remaining quantity; it keeps the ordered one.
 */
export function cancelOpenLine(account: HepsiburadaAccount, entry: HepsiburadaLineEntry<HepsiburadaOpenLine>, quantity: number, now: number): void {
  const at = Math.max(now, account.lastCancelAt + 1);
  account.lastCancelAt = at;
  const { line } = entry;
  account.cancelledLines.push({
    line: {
      lineItemId: line.id,
      orderNumber: line.orderNumber,
      merchantId: line.merchantId,
      merchantSku: line.merchantSKU,
      sku: line.sku,
      quantity,
      cancelDate: localTime(at, true),
      cancelReasonCode: "MerchantCanNotBeSupplied",
      cancelledBy: "Merchant",
    },
    at,
  });
  if (cancelledUnits(account, line.id) >= line.quantity) account.openLines = account.openLines.filter((open) => open !== entry);
}

/** Cancels every open unit of an order (by order number or order id): a record per line for what is left of it. */
export function cancelHepsiburadaOrder(account: HepsiburadaAccount, orderId: string, now: number): boolean {
  const matches = (entry: HepsiburadaLineEntry<{ orderNumber: string; orderId: string }>) => entry.line.orderNumber === orderId || entry.line.orderId === orderId;
  const cancelled = account.openLines.filter(matches);
  if (cancelled.length === 0) return false;
  for (const entry of cancelled) cancelOpenLine(account, entry, entry.line.quantity - cancelledUnits(account, entry.line.id), now);
  return true;
}

const natural = (value: string | undefined) => (value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined);

/** offset and limit (mandatory, limit 1..max), or the refusal. */
export function paging(incoming: Incoming, max: number): { offset: number; limit: number } | Reply {
  const offset = natural(incoming.query.offset);
  const limit = natural(incoming.query.limit);
  if (offset === undefined || limit === undefined) return badRequest("Bad Request limit and offset parameters are required");
  if (limit < 1 || limit > max) return badRequest(`limit must be between 1 and ${max}`);
  return { offset, limit };
}

function page<L>(entries: readonly HepsiburadaLineEntry<L>[], offset: number, limit: number): Reply {
  return {
    status: 200,
    body: { items: entries.slice(offset, offset + limit).map((entry) => entry.line), limit, offset, pageCount: Math.ceil(entries.length / limit), totalCount: entries.length },
  };
}

/** GET /orders/merchantid/{id}?offset&limit[&begindate&enddate]: open lines, oldest first. */
export function listHepsiburadaOrders(state: HepsiburadaSandboxState, account: HepsiburadaAccount, incoming: Incoming): Reply {
  const paged = paging(incoming, state.limits.orderPageSize);
  if ("status" in paged) return paged;
  const { begindate, enddate } = incoming.query;
  const begin = begindate === undefined ? Number.NEGATIVE_INFINITY : parseQueryDate(begindate);
  let end = enddate === undefined ? Number.POSITIVE_INFINITY : parseQueryDate(enddate);
  if (begin === undefined || end === undefined) return badRequest("begindate and enddate must be yyyy-MM-dd HH:mm");
  if (end < begin) return badRequest("enddate must not be before begindate");
  // Official: a range over 24 hours ignores enddate and reads begindate + 24 h.
  if (Number.isFinite(begin) && end - begin > HEPSIBURADA.maxOrderWindowMs) end = begin + HEPSIBURADA.maxOrderWindowMs;
  const matching = account.openLines.filter((entry) => entry.at >= begin && entry.at < end);
  return page(matching, paged.offset, paged.limit);
}

/** GET /orders/merchantid/{id}/cancelled?offset&limit: cancelled lines, oldest cancellation first; no date filter. */
export function listHepsiburadaCancelled(state: HepsiburadaSandboxState, account: HepsiburadaAccount, incoming: Incoming): Reply {
  if (incoming.query.begindate !== undefined || incoming.query.enddate !== undefined) return badRequest("WrongDateFormat", ["WrongDateFormat"]);
  const paged = paging(incoming, state.limits.cancelledPageSize);
  if ("status" in paged) return paged;
  return page(account.cancelledLines, paged.offset, paged.limit);
}

/**
 * Hepsiburada's order pull (fixtures hepsiburada/order-pull and cancelled-list):
 * - `GET /orders/merchantid/{merchantId}?offset&limit&begindate&enddate` answers ORDER LINES in
 *   "order received" status; `limit` at most 100; `begindate`/`enddate` are Turkey local time
 *   `yyyy-MM-dd HH:mm` and work for at most 24 hours (a wider range is cut to begin + 24 h).
 * - `GET /orders/merchantid/{merchantId}/cancelled?offset&limit` answers cancelled lines; it takes
 *   no date filter (400 WrongDateFormat to every date filter), `limit` at most 50.
 * One call to pullOrders reads one window of at most 24 h to its last page and groups the lines by
 * orderNumber, so an order whose lines fall on different pages comes out whole. The call that
 * reads the pull's last window then pages the cancelled list to the end: its cancellations may be
 * newer than any window, so they come last, when the watermark may move to the end of the pull.
 * The begin is floored and the end ceiled to the minute, so [since, until) is always covered
 * (intake is idempotent, re-read lines cost nothing).
 */
import { MarketplaceOutcomeUnknown, MarketplacePageInvalid, MarketplaceWindowInvalid } from "../errors";
import type { NormalisedOrder, OrderPage } from "../types";
import { HEPSIBURADA, hepsiburadaPaths } from "./facts";
import { hepsiburadaRequest, type HepsiburadaTransport } from "./http";
import { isRecord } from "../json";
import { groupLines, type LineGroups, openOrdersOf, orderOf, readCancelledLine } from "./order-normaliser";

export interface HepsiburadaOrderSettings {
  merchantId: string;
  /** Open-list lines per request (at most 100). */
  pageSize: number;
  /** Cancelled-list lines per request (at most 50). */
  cancelledPageSize: number;
  /** Cancelled-list requests per pull at most: the list has no date filter, so a bound is ours. */
  maxCancelledPages: number;
  /** At most 24 h: Hepsiburada cuts a wider range. */
  maxWindowMs: number;
  offsetMinutes: number;
}

const MINUTE = 60_000;

function encodePosition(windowStart: number): string {
  return Buffer.from(JSON.stringify({ windowStart })).toString("base64url");
}

function decodePosition(page: string): number {
  try {
    const value: unknown = JSON.parse(Buffer.from(page, "base64url").toString("utf8"));
    if (isRecord(value) && Number.isSafeInteger(value.windowStart)) return Number(value.windowStart);
  } catch {
    // Falls through to the refusal below.
  }
  throw new MarketplacePageInvalid(page);
}

/** `yyyy-MM-dd HH:mm` at the marketplace's offset from UTC. */
export function hepsiburadaDate(ms: number, offsetMinutes: number): string {
  const local = new Date(ms + offsetMinutes * MINUTE).toISOString();
  return `${local.slice(0, 10)} ${local.slice(11, 16)}`;
}

interface ListAnswer {
  items: unknown[];
  totalCount?: number;
}

function listAnswerOf(body: unknown): ListAnswer | undefined {
  if (Array.isArray(body)) return { items: body };
  if (!isRecord(body) || !Array.isArray(body.items)) return undefined;
  return { items: body.items, ...(typeof body.totalCount === "number" ? { totalCount: body.totalCount } : {}) };
}

/** Whether a list has lines past this page: by totalCount when given, else a full page means maybe. */
function hasMore(answer: ListAnswer, read: number, limit: number): boolean {
  if (answer.items.length === 0) return false;
  return answer.totalCount === undefined ? answer.items.length >= limit : read < answer.totalCount;
}

export function createHepsiburadaOrderPuller(transport: HepsiburadaTransport, settings: HepsiburadaOrderSettings) {
  /** Every page of one list, offset by offset; `query` is written after offset and limit. */
  async function readAll(path: string, limit: number, query: string, maxPages: number): Promise<unknown[]> {
    const items: unknown[] = [];
    for (let pages = 0, offset = 0; pages < maxPages; pages += 1) {
      const { status, body } = await hepsiburadaRequest(transport, {
        service: "orders",
        method: "GET",
        path: `${path}?offset=${offset}&limit=${limit}${query}`,
        callType: "GET_ORDERS",
        itemCount: 0,
      });
      const answer = listAnswerOf(body);
      if (!answer) throw new MarketplaceOutcomeUnknown("HEPSIBURADA", "UNREADABLE_ANSWER", status, "the order list answer has no items");
      items.push(...answer.items);
      offset += answer.items.length;
      if (!hasMore(answer, offset, limit)) break;
    }
    return items;
  }

  /**
   * The cancelled list as CANCELLED orders, one per orderNumber. An order some of whose lines are
   * still in this window's open list is only partly cancelled: releasing it whole would free stock
   * its open lines still hold, and NormalisedOrder cannot name single lines, so it stays as it is.
   * A cancelled line naming no order goes on alone, for intake to record (MISSING_ORDER_ID).
   */
  async function cancellations(open: LineGroups, window: { from: Date; to: Date }): Promise<NormalisedOrder[]> {
    const cancelled: LineGroups = new Map();
    const lines = await readAll(hepsiburadaPaths.cancelled(settings.merchantId), settings.cancelledPageSize, "", settings.maxCancelledPages);
    groupLines(
      cancelled,
      lines.map((raw) => readCancelledLine(raw, settings.offsetMinutes)),
    );
    return [...cancelled.values()]
      .filter((group) => group.orderNumber === undefined || !open.has(group.orderNumber))
      .map((group) => orderOf(group, "CANCELLED", window));
  }

  return {
    async pullOrders({ since, until, page }: { since: Date; until: Date; page?: string }): Promise<OrderPage> {
      if (Number.isNaN(since.getTime()) || Number.isNaN(until.getTime())) throw new MarketplaceWindowInvalid();
      const untilMs = until.getTime();
      const windowStart = page ? decodePosition(page) : since.getTime();
      if (!(windowStart < untilMs)) return { orders: [], next: null };
      const windowEnd = Math.min(windowStart + settings.maxWindowMs, untilMs);
      const begin = Math.floor(windowStart / MINUTE) * MINUTE;
      // Ceiled, but never past begin + 24 h: Hepsiburada would ignore such an end.
      const end = Math.min(Math.ceil(windowEnd / MINUTE) * MINUTE, begin + HEPSIBURADA.maxOrderWindowMs);
      // Written by hand: the dates' space goes out as %20, which every server reads as a space ('+' not always).
      const dates = `&begindate=${encodeURIComponent(hepsiburadaDate(begin, settings.offsetMinutes))}&enddate=${encodeURIComponent(hepsiburadaDate(end, settings.offsetMinutes))}`;
      const lines = await readAll(hepsiburadaPaths.orders(settings.merchantId), settings.pageSize, dates, HEPSIBURADA.maxOrderPagesPerWindow);
      // Every line goes on, readable or not (intake records what it cannot take in).
      const { orders, groups } = openOrdersOf(lines, settings.offsetMinutes, { from: new Date(windowStart), to: new Date(windowEnd) });
      const last = windowEnd >= untilMs;
      if (last) orders.push(...(await cancellations(groups, { from: new Date(windowStart), to: until })));
      return { orders, next: last ? null : encodePosition(windowEnd) };
    },
  };

}

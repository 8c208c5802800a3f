/**
 * Hepsiburada's order pull (fixtures hepsiburada/order-pull, cancelled-list and packages-list):
 * - `GET /orders/merchantid/{merchantId}?offset&limit&begindate&enddate` answers ORDER LINES in
 *   "order received" status; `limit` at most 100; `begindate`/`enddate` are Turkey local time
 *   `yyyy-MM-dd HH:mm` and work for at most 24 hours (a wider range is cut to begin + 24 h).
 * - `GET /orders/merchantid/{merchantId}/cancelled?offset&limit` answers cancelled lines; it takes
 *   no date filter (400 WrongDateFormat to every date filter), `limit` at most 50.
 * - `GET /packages/merchantid/{merchantId}?Offset&limit` (capital O) answers packed, not yet
 *   shipped packages as a bare array, `limit` at most 10; without a filter the last 24 h of packing.
 * One call to pullOrders reads one window of at most 24 h to its last page and groups the lines by
 * orderNumber, so an order whose lines fall on different pages comes out whole. The call that
 * reads the pull's last window then reads the packages list (a line packed before the open list
 * showed it to us still reaches its order) and the cancelled list to their ends: both may be newer
 * than every window, so they come last, when the watermark may move to the end of the pull.
 * Every list is paged with overlapping pages checked for shifts (offset-pages.ts): lines leave the
 * open list as they are packed, packages leave theirs as they ship.
 * The begin is floored and the end ceiled to the minute, so [since, until) is always covered
 * (intake is idempotent, re-read lines cost nothing).
 */
import { MarketplaceOutcomeUnknown, MarketplacePageInvalid, MarketplaceWindowInvalid } from "../errors";
import type { NormalisedOrder, OrderPage } from "../types";
import { HEPSIBURADA, hepsiburadaPaths } from "./facts";
import { hepsiburadaRequest, type HepsiburadaTransport } from "./http";
import { isRecord } from "../json";
import { readOffsetPages, overlapFor, type OffsetPage } from "./offset-pages";
import { cancelledOrdersOf, openOrdersOf } from "./order-normaliser";
import { packageOrdersOf } from "./package-normaliser";

export interface HepsiburadaOrderSettings {
  merchantId: string;
  /** Open-list lines per request (at most 100). */
  pageSize: number;
  /** Cancelled-list lines per request (at most 50). */
  cancelledPageSize: number;
  /** Cancelled-list requests per pull at most: the list has no date filter, so a bound is ours. */
  maxCancelledPages: number;
  /** Packages per packages-list request (at most 10). */
  packagesPageSize: number;
  /** Packages-list requests per pull at most. */
  maxPackagePages: number;
  /** Items each page re-reads of the one before (capped at a quarter of the page). */
  pageOverlap: number;
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

function listAnswerOf(body: unknown): OffsetPage | undefined {
  if (Array.isArray(body)) return { items: body };
  if (!isRecord(body) || !Array.isArray(body.items)) return undefined;
  return { items: body.items, ...(typeof body.totalCount === "number" ? { totalCount: body.totalCount } : {}) };
}

/** What makes two listed items one: the given id fields, else the item's JSON text. */
const keyBy =
  (...fields: string[]) =>
  (item: unknown): string => {
    const record = isRecord(item) ? item : {};
    const ids = fields.map((field) => record[field]);
    return ids.every((id) => typeof id === "string" || typeof id === "number") ? JSON.stringify(ids) : `raw:${JSON.stringify(item)}`;
  };

/** Open lines by line id; cancelled records by line and cancel date (one line may be cancelled twice); packages by number. */
const OPEN_LINE = keyBy("id");
const CANCELLED_RECORD = keyBy("lineItemId", "cancelDate", "quantity");
const PACKAGE = keyBy("packageNumber");

export function createHepsiburadaOrderPuller(transport: HepsiburadaTransport, settings: HepsiburadaOrderSettings) {
  /** Every page of one list; `paging` writes the offset and limit, `query` follows them. */
  function readAll(path: string, list: { limit: number; maxPages: number; keyOf: (item: unknown) => string; query?: string; paging?: (offset: number, limit: number) => string }): Promise<unknown[]> {
    const paging = list.paging ?? ((offset: number, limit: number) => `offset=${offset}&limit=${limit}`);
    return readOffsetPages({
      limit: list.limit,
      overlap: overlapFor(list.limit, settings.pageOverlap),
      maxPages: list.maxPages,
      keyOf: list.keyOf,
      async read(offset, limit) {
        const { status, body } = await hepsiburadaRequest(transport, {
          service: "orders",
          method: "GET",
          path: `${path}?${paging(offset, limit)}${list.query ?? ""}`,
          callType: "GET_ORDERS",
          itemCount: 0,
        });
        const answer = listAnswerOf(body);
        if (!answer) throw new MarketplaceOutcomeUnknown("HEPSIBURADA", "UNREADABLE_ANSWER", status, "the order list answer has no items");
        return answer;
      },
    }).then((read) => read.items);
  }

  /** Packed lines not shipped yet, then every cancelled record, as deliveries (order-normaliser.ts, package-normaliser.ts). */
  async function packedAndCancelled(window: { from: Date; to: Date }): Promise<NormalisedOrder[]> {
    const packages = await readAll(hepsiburadaPaths.packages(settings.merchantId), {
      limit: settings.packagesPageSize,
      maxPages: settings.maxPackagePages,
      keyOf: PACKAGE,
      paging: (offset, limit) => `Offset=${offset}&limit=${limit}`,
    });
    const cancelled = await readAll(hepsiburadaPaths.cancelled(settings.merchantId), { limit: settings.cancelledPageSize, maxPages: settings.maxCancelledPages, keyOf: CANCELLED_RECORD });
    return [...packageOrdersOf(packages, settings.offsetMinutes, window), ...cancelledOrdersOf(cancelled, settings.offsetMinutes, window)];
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
      const lines = await readAll(hepsiburadaPaths.orders(settings.merchantId), { limit: settings.pageSize, maxPages: HEPSIBURADA.maxOrderPagesPerWindow, keyOf: OPEN_LINE, query: dates });
      // Every line goes on, readable or not (intake records what it cannot take in).
      const orders = openOrdersOf(lines, settings.offsetMinutes, { from: new Date(windowStart), to: new Date(windowEnd) });
      const last = windowEnd >= untilMs;
      if (last) orders.push(...(await packedAndCancelled({ from: new Date(windowStart), to: until })));
      return { orders, next: last ? null : encodePosition(windowEnd) };
    },
  };

}

import { pullSlicedPage } from "../order-pages";
import type { OrderPage } from "../types";
import { PAZARAMA } from "./facts";
import { pazaramaRequest, type PazaramaTransport } from "./http";
import { orderListFrom } from "./orders";

/**
 * The two order calls clients disagree on (fixtures pazarama/order-pull.v2.json and
 * order-pull.paged.json): V2 `POST /order/getOrdersForApiV2 {pageSize, pageNumber, startDate,
 * endDate}` with yyyy-MM-dd days, the end day excluded, a short page the last; PAGED `POST
 * /order/getOrdersForApi {StartDate, EndDate, Page, Size}` with UTC date-times, paged by totalCount.
 */
export const PAZARAMA_ORDER_CALLS = ["V2", "PAGED"] as const;
export type PazaramaOrderCall = (typeof PAZARAMA_ORDER_CALLS)[number];

export interface OrderPullSettings {
  call: PazaramaOrderCall;
  path: string;
  maxWindowMs: number;
  pageSize: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** The Turkish calendar day an instant falls on, yyyy-MM-dd. */
function turkishDay(at: number): string {
  return new Date(at + PAZARAMA.turkeyOffsetMs).toISOString().slice(0, 10);
}

/** yyyy-MM-ddTHH:mm:ss in UTC, as the paged call's client sends it. */
function utcDateTime(at: number): string {
  return new Date(at).toISOString().slice(0, 19);
}

/**
 * The request body for the slice [from, to) and one page. V2 works in whole Turkish days with the
 * end day excluded, so the slice is widened to the days that contain it: the day of `from` up to
 * the day after the one holding the slice's last instant. Idempotent intake absorbs the overlap.
 */
function orderSearchBody(call: PazaramaOrderCall, from: number, to: number, page: number, size: number): Record<string, string | number> {
  if (call === "V2") return { pageSize: size, pageNumber: page, startDate: turkishDay(from), endDate: turkishDay(to - 1 + DAY_MS) };
  return { StartDate: utcDateTime(from), EndDate: utcDateTime(to), Page: page, Size: size };
}

/**
 * Orders in [since, until), one page per call. Windows longer than maxWindowMs are walked in
 * slices, so the caller may ask for any window; `next` carries slice and page (from 1).
 */
export async function pullPazaramaOrders(transport: PazaramaTransport, window: { since: Date; until: Date; page?: string }, settings: OrderPullSettings): Promise<OrderPage> {
  return pullSlicedPage(window, { label: "Pazarama", firstPage: 1, maxWindowMs: settings.maxWindowMs }, async (cursor, to) => {
    const { body } = await pazaramaRequest(transport, {
      method: "POST",
      path: settings.path,
      body: JSON.stringify(orderSearchBody(settings.call, cursor.from, to, cursor.page, settings.pageSize)),
      callType: "GET_ORDERS",
      itemCount: 0,
    });
    return orderListFrom(body, cursor.page, settings.pageSize, new Date(cursor.from));
  });
}

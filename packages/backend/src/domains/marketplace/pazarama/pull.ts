import { ValidationFailed } from "../../../infra/errors";
import type { OrderPage } from "../types";
import { pazaramaRequest, type PazaramaTransport } from "./http";
import { decodeCursor, nextCursor, orderListFrom } from "./orders";

export interface OrderPullSettings {
  path: string;
  maxWindowMs: number;
  pageSize: number;
}

/**
 * Orders modified in [since, until), one page per call. Windows longer than maxWindowMs are
 * walked in slices here, so the caller may ask for any window; `next` carries slice and page.
 */
export async function pullPazaramaOrders(
  transport: PazaramaTransport,
  { since, until, page }: { since: Date; until: Date; page?: string },
  settings: OrderPullSettings,
): Promise<OrderPage> {
  if (Number.isNaN(since.getTime()) || Number.isNaN(until.getTime())) throw new ValidationFailed("since and until must be dates", {}, "MARKETPLACE_WINDOW_INVALID");
  const end = until.getTime();
  const cursor = page === undefined ? { from: since.getTime(), page: 1 } : decodeCursor(page);
  if (cursor.from >= end) return { orders: [], next: null };
  const subEnd = Math.min(cursor.from + settings.maxWindowMs, end);
  const { body } = await pazaramaRequest(transport, {
    method: "POST",
    path: settings.path,
    body: JSON.stringify({
      startDate: new Date(cursor.from).toISOString(),
      endDate: new Date(subEnd).toISOString(),
      pageNumber: cursor.page,
      pageSize: settings.pageSize,
    }),
    callType: "GET_ORDERS",
    itemCount: 0,
  });
  const { orders, more } = orderListFrom(body, cursor.page, settings.pageSize);
  return { orders, next: nextCursor(cursor, subEnd, end, more) };
}

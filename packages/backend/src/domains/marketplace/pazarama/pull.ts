import { pullSlicedPage } from "../order-pages";
import type { OrderPage } from "../types";
import { pazaramaRequest, type PazaramaTransport } from "./http";
import { orderListFrom } from "./orders";

export interface OrderPullSettings {
  path: string;
  maxWindowMs: number;
  pageSize: number;
}

/**
 * Orders modified in [since, until), one page per call. Windows longer than maxWindowMs are
 * walked in slices, so the caller may ask for any window; `next` carries slice and page (from 1).
 */
export async function pullPazaramaOrders(transport: PazaramaTransport, window: { since: Date; until: Date; page?: string }, settings: OrderPullSettings): Promise<OrderPage> {
  return pullSlicedPage(window, { label: "Pazarama", firstPage: 1, maxWindowMs: settings.maxWindowMs }, async (cursor, to) => {
    const { body } = await pazaramaRequest(transport, {
      method: "POST",
      path: settings.path,
      body: JSON.stringify({
        startDate: new Date(cursor.from).toISOString(),
        endDate: new Date(to).toISOString(),
        pageNumber: cursor.page,
        pageSize: settings.pageSize,
      }),
      callType: "GET_ORDERS",
      itemCount: 0,
    });
    return orderListFrom(body, cursor.page, settings.pageSize, new Date(cursor.from));
  });
}

/**
 * Trendyol's order pull: the cursor stream `GET .../orders/stream` (MARKETPLACES.md, "Orders"),
 * windows of at most 14 days on the package's last modification, each window followed through
 * `nextCursor` while `hasMore`. A longer request is split into consecutive windows; the page
 * token carries the window and the cursor, so the caller pages without knowing either.
 * The query names (startDate/endDate in epoch ms, size, cursor) follow the documented order list;
 * the stream is taken to list packages oldest modification first, as the order list does when
 * asked to (orderByField=PackageLastModifiedDate).
 */
import { MarketplaceOutcomeUnknown, MarketplacePageInvalid } from "../errors";
import type { OrderPage } from "../types";
import { TRENDYOL, trendyolPaths } from "./facts";
import { trendyolRequest, type TrendyolTransport } from "./http";
import { normaliseTrendyolPackage } from "./order-normaliser";

interface PagePosition {
  /** Start of the current window, epoch ms. */
  windowStart: number;
  cursor?: string;
}

function encodePosition(position: PagePosition): string {
  return Buffer.from(JSON.stringify(position)).toString("base64url");
}

function decodePosition(page: string): PagePosition {
  try {
    const value: unknown = JSON.parse(Buffer.from(page, "base64url").toString("utf8"));
    if (typeof value === "object" && value !== null && "windowStart" in value && typeof value.windowStart === "number") {
      const cursor = "cursor" in value && typeof value.cursor === "string" ? value.cursor : undefined;
      return { windowStart: value.windowStart, ...(cursor ? { cursor } : {}) };
    }
  } catch {
    // Falls through to the refusal below.
  }
  throw new MarketplacePageInvalid(page);
}

interface StreamAnswer {
  content: unknown[];
  nextCursor?: string;
  hasMore: boolean;
}

function streamAnswerOf(body: unknown): StreamAnswer | undefined {
  if (typeof body !== "object" || body === null || !("content" in body) || !Array.isArray(body.content)) return undefined;
  const nextCursor = "nextCursor" in body && typeof body.nextCursor === "string" && body.nextCursor.length > 0 ? body.nextCursor : undefined;
  const hasMore = "hasMore" in body && body.hasMore === true;
  return { content: body.content, hasMore, ...(nextCursor ? { nextCursor } : {}) };
}

export interface TrendyolOrderPuller {
  pullOrders(window: { since: Date; until: Date; page?: string }): Promise<OrderPage>;
}

export function createTrendyolOrderPuller(transport: TrendyolTransport, sellerId: string, pageSize: number = TRENDYOL.orderPageSize): TrendyolOrderPuller {
  return {
    async pullOrders({ since, until, page }) {
      const untilMs = until.getTime();
      const position = page ? decodePosition(page) : { windowStart: since.getTime() };
      if (!(position.windowStart < untilMs)) return { orders: [], next: null };
      const windowEnd = Math.min(position.windowStart + TRENDYOL.orderWindowMs, untilMs);
      const query = new URLSearchParams({ startDate: String(position.windowStart), endDate: String(windowEnd), size: String(pageSize) });
      if (position.cursor) query.set("cursor", position.cursor);
      const { status, body } = await trendyolRequest(transport, {
        method: "GET",
        path: `${trendyolPaths.ordersStream(sellerId)}?${query.toString()}`,
        callType: "GET_ORDERS",
        itemCount: 0,
      });
      const answer = streamAnswerOf(body);
      if (!answer) throw new MarketplaceOutcomeUnknown("TRENDYOL", "UNREADABLE_ANSWER", status, "the order stream answer has no content list");
      // Every package goes on, readable or not (intake records what it cannot take in).
      const orders = answer.content.map((raw) => normaliseTrendyolPackage(raw, new Date(position.windowStart)));
      const next =
        answer.hasMore && answer.nextCursor
          ? encodePosition({ windowStart: position.windowStart, cursor: answer.nextCursor })
          : windowEnd < untilMs
            ? encodePosition({ windowStart: windowEnd })
            : null;
      return { orders, next };
    },
  };
}

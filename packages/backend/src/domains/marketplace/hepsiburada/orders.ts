/**
 * Hepsiburada's order pull: `GET /orders/merchantid/{merchantId}?offset&limit&begindate&enddate`
 * on the order host (MARKETPLACES.md): offset and limit mandatory, limit <= 100, dates as
 * `yyyy-MM-dd HH:mm` (minute precision, no zone: written at the configured offset). The dates are
 * taken to filter on the order's last status change (so cancellations show up) — assumed. The
 * begin is floored and the end ceiled to the minute, so [since, until) is always covered (intake
 * is idempotent, a few extra orders cost nothing). Windows longer than maxOrderWindowMs are split;
 * the page token carries the window and the offset, so the caller pages without knowing either.
 */
import { MarketplaceOutcomeUnknown, MarketplacePageInvalid, MarketplaceWindowInvalid } from "../errors";
import type { OrderPage } from "../types";
import { hepsiburadaPaths } from "./facts";
import { hepsiburadaRequest, type HepsiburadaTransport } from "./http";
import { isRecord } from "../json";
import { normaliseHepsiburadaOrder } from "./order-normaliser";

export interface HepsiburadaOrderSettings {
  merchantId: string;
  pageSize: number;
  maxWindowMs: number;
  offsetMinutes: number;
}

interface PagePosition {
  windowStart: number;
  offset: number;
}

const MINUTE = 60_000;

function encodePosition(position: PagePosition): string {
  return Buffer.from(JSON.stringify(position)).toString("base64url");
}

function decodePosition(page: string): PagePosition {
  try {
    const value: unknown = JSON.parse(Buffer.from(page, "base64url").toString("utf8"));
    if (isRecord(value) && Number.isSafeInteger(value.windowStart) && Number.isSafeInteger(value.offset) && Number(value.offset) >= 0) {
      return { windowStart: Number(value.windowStart), offset: Number(value.offset) };
    }
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

export function createHepsiburadaOrderPuller(transport: HepsiburadaTransport, settings: HepsiburadaOrderSettings) {
  return {
    async pullOrders({ since, until, page }: { since: Date; until: Date; page?: string }): Promise<OrderPage> {
      if (Number.isNaN(since.getTime()) || Number.isNaN(until.getTime())) throw new MarketplaceWindowInvalid();
      const untilMs = until.getTime();
      const position = page ? decodePosition(page) : { windowStart: since.getTime(), offset: 0 };
      if (!(position.windowStart < untilMs)) return { orders: [], next: null };
      const windowEnd = Math.min(position.windowStart + settings.maxWindowMs, untilMs);
      const begin = Math.floor(position.windowStart / MINUTE) * MINUTE;
      const end = Math.ceil(windowEnd / MINUTE) * MINUTE;
      // Written by hand: the dates' space goes out as %20, which every server reads as a space ('+' not always).
      const query = [
        `offset=${position.offset}`,
        `limit=${settings.pageSize}`,
        `begindate=${encodeURIComponent(hepsiburadaDate(begin, settings.offsetMinutes))}`,
        `enddate=${encodeURIComponent(hepsiburadaDate(end, settings.offsetMinutes))}`,
      ].join("&");
      const { status, body } = await hepsiburadaRequest(transport, {
        service: "orders",
        method: "GET",
        path: `${hepsiburadaPaths.orders(settings.merchantId)}?${query}`,
        callType: "GET_ORDERS",
        itemCount: 0,
      });
      const answer = listAnswerOf(body);
      if (!answer) throw new MarketplaceOutcomeUnknown("HEPSIBURADA", "UNREADABLE_ANSWER", status, "the order list answer has no items");
      // Every order goes on, readable or not (intake records what it cannot take in).
      const orders = answer.items.map((raw) => normaliseHepsiburadaOrder(raw, settings.offsetMinutes, new Date(position.windowStart)));
      const read = position.offset + answer.items.length;
      // Without a total, a full page means there may be more.
      const more = answer.items.length > 0 && (answer.totalCount === undefined ? answer.items.length >= settings.pageSize : read < answer.totalCount);
      const next = more
        ? encodePosition({ windowStart: position.windowStart, offset: read })
        : windowEnd < untilMs
          ? encodePosition({ windowStart: windowEnd, offset: 0 })
          : null;
      return { orders, next };
    },
  };
}

/**
 * Order pulls for marketplaces that take windows of at most maxWindowMs and pages within each:
 * the caller may ask for any window, which is walked in slices here, and the opaque page token
 * says which slice and page come next. Only the first page number differs (PttAVM 0, Pazarama 1).
 */
import { isRecord } from "./json";
import type { NormalisedOrder, OrderPage } from "./types";
import { MarketplacePageInvalid, MarketplaceWindowInvalid } from "./errors";
import { type WalkCount, walkCountOf, walkOn } from "./page-walk";

/** Where a pull stands: the start of the current slice, its page, and the walk's count (page-walk.ts). */
export interface SliceCursor extends WalkCount {
  from: number;
  page: number;
}

export interface SlicedPull {
  /** How the marketplace is named in a refused page token. */
  label: string;
  firstPage: number;
  maxWindowMs: number;
}

/** 422 MARKETPLACE_WINDOW_INVALID unless both ends are dates. */
export function requirePullWindow(since: Date, until: Date): void {
  if (Number.isNaN(since.getTime()) || Number.isNaN(until.getTime())) throw new MarketplaceWindowInvalid();
}

function encodeCursor(cursor: SliceCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString("base64url");
}

function decodeCursor(token: string, pull: Pick<SlicedPull, "label" | "firstPage">): SliceCursor {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
  } catch {
    value = undefined;
  }
  if (!isRecord(value) || !Number.isSafeInteger(value.from) || !Number.isSafeInteger(value.page) || Number(value.page) < pull.firstPage) {
    throw new MarketplacePageInvalid(token, pull.label);
  }
  return { from: Number(value.from), page: Number(value.page), ...walkCountOf(value) };
}

/** What one page held: `listed` the marketplace's orders on it, `total` its list size where the answer says one. */
export interface SlicePage {
  orders: NormalisedOrder[];
  more: boolean;
  listed?: number;
  total?: number;
}

/**
 * The next page token: the next page of this slice, else the slice walked again when the answer's
 * count says orders were skipped (page-walk.ts), else the next slice, else null.
 */
function nextCursor(cursor: SliceCursor, sliceEnd: number, until: number, read: SlicePage, firstPage: number): string | null {
  const walk = walkOn(cursor, { orders: read.listed ?? read.orders.length, total: read.total, more: read.more }, false);
  if (walk.step === "page") return encodeCursor({ from: cursor.from, page: cursor.page + 1, ...walk.count });
  if (walk.step === "again") return encodeCursor({ from: cursor.from, page: firstPage, ...walk.count });
  return sliceEnd < until ? encodeCursor({ from: sliceEnd, page: firstPage }) : null;
}

/**
 * One page of orders modified in [since, until): `readPage` asks the marketplace for one page of
 * the slice [from, to) and says whether another page of that slice follows.
 */
export async function pullSlicedPage(
  { since, until, page }: { since: Date; until: Date; page?: string },
  pull: SlicedPull,
  readPage: (cursor: SliceCursor, to: number) => Promise<SlicePage>,
): Promise<OrderPage> {
  requirePullWindow(since, until);
  const end = until.getTime();
  const cursor = page === undefined ? { from: since.getTime(), page: pull.firstPage } : decodeCursor(page, pull);
  if (cursor.from >= end) return { orders: [], next: null };
  const sliceEnd = Math.min(cursor.from + pull.maxWindowMs, end);
  const read = await readPage(cursor, sliceEnd);
  return { orders: read.orders, next: nextCursor(cursor, sliceEnd, end, read, pull.firstPage) };
}

/** An ISO instant from a date string or epoch number; undefined when it is not one. */
export function isoOf(value: unknown): string | undefined {
  if (typeof value !== "string" && typeof value !== "number") return undefined;
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? undefined : at.toISOString();
}

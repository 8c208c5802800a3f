/**
 * Page-number paging over a list that can lose members while it is read. When an order on a page
 * already read leaves the list (N11 lists one status per request: a package moving from Created to
 * Picking leaves the Created list), every later order moves one place forward and the first one of
 * the next page lands on the page already read: it is skipped. The moved order shows up again under
 * its new status; the skipped one does not, until some later read of its window.
 * So a walk over one list counts what it read. At its end, when the list said how many it held
 * (a total count on its first page) and fewer came, or when it said nothing and the walk took more
 * than one page (`rereadPagedWalks`), the list is walked once more from its first page: a skipped
 * order now stands on a page the second walk reads. A walk of one page cannot skip (one request).
 * Intake is idempotent, so what the second walk reads again is harmless.
 */
import { isRecord } from "./json";

/** Where a walk over one list stands; every field is optional so tokens written before it still decode. */
export interface WalkCount {
  /** Orders read so far by this walk. */
  seen?: number;
  /** The list's size as its first page said it (totalElements / totalCount), when it says one. */
  expected?: number;
  /** Pages read by this walk. */
  pages?: number;
  /** True on the second walk: it is not repeated. */
  again?: boolean;
}

export type WalkStep = { step: "page"; count: WalkCount } | { step: "again"; count: WalkCount } | { step: "done" };

const natural = (value: unknown): value is number => Number.isSafeInteger(value) && Number(value) >= 0;

/** The count fields of a decoded token, dropping those that are not what they should be. */
export function walkCountOf(value: Record<string, unknown>): WalkCount {
  return {
    ...(natural(value.seen) && { seen: value.seen }),
    ...(natural(value.expected) && { expected: value.expected }),
    ...(natural(value.pages) && { pages: value.pages }),
    ...(value.again === true && { again: true }),
  };
}

/** A list's total count where its answer carries one (`totalElements`, `totalCount`, also inside `data`). */
export function totalCountOf(body: unknown): number | undefined {
  if (!isRecord(body)) return undefined;
  const inner = isRecord(body.data) ? body.data : {};
  const total = body.totalElements ?? body.totalCount ?? inner.totalElements ?? inner.totalCount;
  return natural(total) ? total : undefined;
}

/**
 * What follows a page of `read` orders: the next page, the walk again from its first page, or the
 * list done. `more`: the answer says another page follows.
 */
export function walkOn(count: WalkCount, read: { orders: number; total: number | undefined; more: boolean }, rereadPagedWalks: boolean): WalkStep {
  const seen = (count.seen ?? 0) + read.orders;
  const pages = (count.pages ?? 0) + 1;
  const expected = count.expected ?? read.total;
  const now: WalkCount = { seen, pages, ...(expected !== undefined && { expected }), ...(count.again && { again: true }) };
  if (read.more) return { step: "page", count: now };
  if (count.again) return { step: "done" };
  const short = expected !== undefined ? seen < expected : rereadPagedWalks && pages > 1;
  return short ? { step: "again", count: { again: true } } : { step: "done" };
}

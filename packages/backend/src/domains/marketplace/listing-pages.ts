/**
 * Small pieces the page-numbered listing reads (N11, PttAVM, Pazarama) share: the opaque page
 * token, the page size clamp, and readers for the fields of a listing row.
 */
import { MarketplacePageInvalid } from "./errors";

/** The token of a page number: opaque to callers, who hand back what `next` said. */
export function pageToken(page: number): string {
  return String(page);
}

/** The page a token names; a token we did not issue is refused (422), never read as page 0. */
export function pageOfToken(token: string | undefined, firstPage: number, label: string): number {
  if (token === undefined) return firstPage;
  if (!/^\d{1,9}$/.test(token) || Number(token) < firstPage) throw new MarketplacePageInvalid(token, label);
  return Number(token);
}

/** The caller's wish, clamped to [1, max]; absent or not a positive integer: `fallback`. */
export function clampPageSize(wish: number | undefined, fallback: number, max: number): number {
  const size = wish !== undefined && Number.isSafeInteger(wish) && wish > 0 ? wish : fallback;
  return Math.min(size, max);
}

/** A non-empty string field, trimmed; anything else is absent. */
export function textField(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const text = value.trim();
  return text.length > 0 ? text : undefined;
}

/** A quantity as shown: a non-negative integer (a numeric string is read too); anything else is absent. */
export function quantityField(value: unknown): number | undefined {
  const n = typeof value === "string" && /^\d{1,9}$/.test(value.trim()) ? Number(value) : value;
  return typeof n === "number" && Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

/** A boolean field (true / false, or their text); anything else is absent. */
export function flagField(value: unknown): boolean | undefined {
  if (value === true || value === "true") return true;
  if (value === false || value === "false") return false;
  return undefined;
}

/** The one code a filter names, where a marketplace filters by a single code per request. */
export function singleCode(codes: readonly string[] | undefined): string | undefined {
  return codes !== undefined && codes.length === 1 ? textField(codes[0]) : undefined;
}

/** Only the fields that are present: RemoteListing's optional fields stay absent, not undefined. */
export function present<T extends Record<string, unknown>>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Partial<T>;
}

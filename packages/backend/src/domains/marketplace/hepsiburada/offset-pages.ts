/**
 * Reading one of Hepsiburada's offset-paged lists to its end while items leave it: a line packed
 * between two page reads leaves the open list, a shipped package leaves the packages list, and the
 * items after it move forward, so a plain `offset += page length` skips as many as left before it.
 * - Each page after the first starts `overlap` items back, so the pages share items.
 * - Its first item is the anchor: it must be one read already. When it is not, more than `overlap`
 *   items left before it since the last read: the reader steps a whole page back (at most to 0) and
 *   reads on from there, so the moved items are read on the way forward again.
 * - Items are kept once per key (the line id; the first read wins), in the order first read.
 * With an overlap of 0 (a page of fewer than 4 items) pages follow each other unchecked.
 * Every request counts against `maxPages`; past it the items read so far are answered.
 */
export interface OffsetPage {
  items: unknown[];
  totalCount?: number;
}

export interface OffsetReading {
  limit: number;
  overlap: number;
  maxPages: number;
  /** What makes two items the same item (the line id); items without one are keyed by their JSON text. */
  keyOf: (item: unknown) => string;
  read: (offset: number, limit: number) => Promise<OffsetPage>;
}

/** The overlap a page of `limit` items can afford: at most a quarter of the page. */
export const overlapFor = (limit: number, wanted: number): number => Math.max(0, Math.min(wanted, Math.floor(limit / 4)));

/** Whether the list has items past `end`: by totalCount when given, else a full page means maybe. */
function hasMore(page: OffsetPage, end: number, limit: number): boolean {
  if (page.items.length === 0) return false;
  return page.totalCount === undefined ? page.items.length >= limit : end < page.totalCount;
}

export async function readOffsetPages({ limit, overlap, maxPages, keyOf, read }: OffsetReading): Promise<{ items: unknown[]; stepsBack: number }> {
  const seen = new Map<string, unknown>();
  let offset = 0;
  let stepsBack = 0;
  for (let pages = 0; pages < maxPages; pages += 1) {
    const page = await read(offset, limit);
    const first = page.items[0];
    const anchored = overlap === 0 || offset === 0 || (first !== undefined && seen.has(keyOf(first)));
    for (const item of page.items) {
      const key = keyOf(item);
      if (!seen.has(key)) seen.set(key, item);
    }
    if (!anchored) {
      stepsBack += 1;
      offset = Math.max(0, offset - limit);
      continue;
    }
    if (!hasMore(page, offset + page.items.length, limit)) break;
    offset += Math.max(1, page.items.length - overlap);
  }
  return { items: [...seen.values()], stepsBack };
}

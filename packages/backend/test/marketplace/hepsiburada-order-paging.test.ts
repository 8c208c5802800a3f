/**
 * Offset paging while lines leave the list: the sandbox's open list loses lines (packed) between
 * two page reads, so every line after them moves forward. Pages that overlap and are anchored on a
 * line already read (offset-pages.ts) read every line still listed; pages end to end skip them.
 */
import { describe, expect, test } from "bun:test";
import type { RunningSandbox } from "@pazarsync/marketplace-sandbox";
import { readOffsetPages } from "../../src/domains/marketplace/hepsiburada/offset-pages";
import { HB_ACCOUNT, hbAdapterFor, hbSandbox, ordersPath } from "./hepsiburada-support";

const hour = 60 * 60 * 1000;

async function order(target: RunningSandbox, codes: string[]): Promise<string> {
  const lines = codes.map((code) => ({ code, quantity: 1, unitPrice: 100 }));
  const res = await fetch(`${target.url}/__sandbox/marketplaces/hepsiburada/${HB_ACCOUNT.account}/orders`, { method: "POST", body: JSON.stringify({ lines }) });
  return ((await res.json()) as { id: string }).id;
}

/** A fetch that packs `lineIds` right after the first open-list page is answered. */
function packingAfterFirstPage(target: RunningSandbox, lineIds: string[]): typeof fetch {
  let packed = false;
  return (async (input: Request | string | URL, init?: RequestInit) => {
    const answer = await fetch(input, init);
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (!packed && url.pathname === ordersPath) {
      packed = true;
      const res = await fetch(`${target.url}/__sandbox/marketplaces/hepsiburada/${HB_ACCOUNT.account}/pack`, { method: "POST", body: JSON.stringify({ lineIds }) });
      expect(res.status).toBe(201);
    }
    return answer;
  }) as typeof fetch;
}

async function pullWhilePacking(pageOverlap: number) {
  const target = await hbSandbox();
  const ids: string[] = [];
  for (let i = 0; i < 4; i++) ids.push(await order(target, [`A${i}`, `B${i}`, `C${i}`]));
  const everyLine = ids.flatMap((id) => [1, 2, 3].map((n) => `${id}-${n}`));
  // Three lines of the first page leave the open list before the second page is read.
  const { adapter, sent } = hbAdapterFor(target, { orderPageSize: 4, pageOverlap }, packingAfterFirstPage(target, everyLine.slice(0, 3)));
  const page = await adapter.pullOrders?.({ since: new Date(Date.now() - hour), until: new Date(Date.now() + 1000) });
  const read = new Set((page?.orders ?? []).flatMap((o) => o.lines.map((line) => line.lineId)));
  return { everyLine, read, sent };
}

describe("Hepsiburada offset paging while lines leave the list", () => {
  test("overlapping anchored pages lose no line when more lines leave than the overlap (a page whose first line is new steps a page back)", async () => {
    const { everyLine, read, sent } = await pullWhilePacking(5);
    expect(everyLine.filter((id) => !read.has(id))).toEqual([]);
    const offsets = sent.filter((r) => r.url.pathname === ordersPath).map((r) => r.url.searchParams.get("offset"));
    // Page 4 wide re-reads one line; offset 3 found a line not read yet, so the reader went back to 0.
    expect(offsets).toEqual(["0", "3", "0", "3", "6"]);
  });

  test("pages end to end (pageOverlap 0) skip the lines that moved forward: what the overlap is for", async () => {
    const { everyLine, read } = await pullWhilePacking(0);
    expect(everyLine.filter((id) => !read.has(id)).length).toBeGreaterThan(0);
  });

  test("the reader keeps each item once by its key and answers at most maxPages requests", async () => {
    const list = Array.from({ length: 10 }, (_, i) => ({ id: `L${i}` }));
    let requests = 0;
    const read = async (offset: number, limit: number) => {
      requests += 1;
      return { items: list.slice(offset, offset + limit), totalCount: list.length };
    };
    const whole = await readOffsetPages({ limit: 4, overlap: 1, maxPages: 100, keyOf: (item) => JSON.stringify(item), read });
    expect(whole.items).toEqual(list);
    expect(whole.stepsBack).toBe(0);
    requests = 0;
    const bounded = await readOffsetPages({ limit: 4, overlap: 1, maxPages: 2, keyOf: (item) => JSON.stringify(item), read });
    expect(requests).toBe(2);
    expect(bounded.items).toEqual(list.slice(0, 7));
  });
});

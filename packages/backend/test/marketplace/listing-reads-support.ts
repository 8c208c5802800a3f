import type { MarketplaceAdapter } from "../../src/domains/marketplace/adapter";
import type { RemoteListing } from "../../src/domains/marketplace/types";

/** Every page of an adapter's listing read, in order; fails past `maxPages` (a read that never ends). */
export async function readAllListings(adapter: MarketplaceAdapter, request: { pageSize?: number; barcodes?: string[]; stockCodes?: string[] } = {}, maxPages = 100) {
  const read = adapter.readListings;
  if (!read) throw new Error(`${adapter.marketplace} has no readListings`);
  const listings: RemoteListing[] = [];
  const totals: (number | undefined)[] = [];
  let page: string | undefined;
  for (let pages = 1; pages <= maxPages; pages += 1) {
    const answer = await read({ ...request, ...(page === undefined ? {} : { page }) });
    listings.push(...answer.listings);
    totals.push(answer.total);
    if (answer.next === null) return { listings, pages, totals };
    page = answer.next;
  }
  throw new Error("the listing read did not end");
}

/** A fetch that answers every request with this status and JSON body. */
export function cannedFetch(status: number, body: unknown, headers: Record<string, string> = {}): typeof fetch {
  return (async () => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } })) as unknown as typeof fetch;
}

/**
 * Listings Hepsiburada fulfils itself (`isFulfilledByHB`): their stock is Hepsiburada's warehouse
 * stock, and an upload from us would overwrite it (MARKETPLACES.md, Corrections; the published
 * client loncadev/lonca warns the same). Which listings they are comes from the listing read
 * `GET /listings/merchantid/{merchantId}?offset&limit` (listings-read.ts, fixture hepsiburada/listing-read),
 * paged to the end and remembered per store for a while, so a push does not cost a full read.
 *
 * Fail-safe: a read that fails (timeout, 5xx, 429, 403, an answer we cannot read) never stops a
 * push. The last set learnt stays in use; with none, nothing is held back (the behaviour before
 * this check), and the read is tried again a rate window later, not on every push.
 */
import { MarketplaceError, MarketplaceRateLimited } from "../errors";
import type { HepsiburadaTransport } from "./http";
import { readHepsiburadaListingPage } from "./listings-read";

/** What is remembered for one store (listing host + merchant id). */
export interface FulfilledByHbEntry {
  /** The merchantSkus of the last read that reached the end; undefined before the first. */
  known?: ReadonlySet<string>;
  /** A read cut short by its page budget: where it goes on, and what it found so far. */
  partial?: { offset: number; skus: Set<string> };
  /** Not read again before this (epoch ms). */
  nextReadAt: number;
}

/**
 * Outlives the adapter: channels rebuild adapters every 30 s and on every catalog change, so a
 * memo inside the adapter would read the whole listing each time. It holds marketplace facts
 * only (SKU sets), one small entry per store; each replica keeps its own.
 */
export type FulfilledByHbMemo = Map<string, FulfilledByHbEntry>;
export const sharedFulfilledByHbMemo: FulfilledByHbMemo = new Map();

export interface FulfilledByHbSettings {
  merchantId: string;
  /** Listings per page of the read. */
  pageSize: number;
  /** Pages one read may take: one rate window's listing-read quota, so a read stays inside it. */
  maxPagesPerRead: number;
  /** How long a complete read is trusted. */
  cacheMs: number;
  /** How long after a failed or cut-short read the next one may start (the quota's window). */
  retryMs: number;
  memo: FulfilledByHbMemo;
  now: () => number;
}

export function createFulfilledByHb(transport: HepsiburadaTransport, settings: FulfilledByHbSettings) {
  const key = `${transport.listingBaseUrl}\n${settings.merchantId}`;

  /** One page: the merchantSkus of the listings Hepsiburada fulfils, and how many listings it held. */
  async function readPage(offset: number): Promise<{ skus: string[]; count: number; totalCount: number | undefined }> {
    const page = await readHepsiburadaListingPage(transport, { merchantId: settings.merchantId, offset, limit: settings.pageSize, callType: "OTHER" });
    const skus = page.listings.flatMap((listing) => (listing.fulfilledByMarketplace === true && listing.stockCode ? [listing.stockCode] : []));
    return { skus, count: page.count, totalCount: page.totalCount };
  }

  /** Reads on from where the last read stopped, within the page budget; updates the memo. */
  async function read(entry: FulfilledByHbEntry): Promise<void> {
    let offset = entry.partial?.offset ?? 0;
    const skus = entry.partial?.skus ?? new Set<string>();
    for (let pages = 0; pages < settings.maxPagesPerRead; pages++) {
      const page = await readPage(offset);
      for (const sku of page.skus) skus.add(sku);
      offset += page.count;
      const end = page.count === 0 || (page.totalCount !== undefined ? offset >= page.totalCount : page.count < settings.pageSize);
      if (end) {
        settings.memo.set(key, { known: skus, nextReadAt: settings.now() + settings.cacheMs });
        return;
      }
    }
    settings.memo.set(key, { known: entry.known, partial: { offset, skus }, nextReadAt: settings.now() + settings.retryMs });
  }

  /** What is known now without a read: the last complete set and whatever a cut-short read has found since. */
  function current(): ReadonlySet<string> {
    const entry = settings.memo.get(key);
    if (!entry?.partial) return entry?.known ?? new Set();
    return new Set([...(entry.known ?? []), ...entry.partial.skus]);
  }

  return {
    current,
    /** The merchantSkus Hepsiburada fulfils, read again when the remembered set is older than cacheMs. */
    async skus(): Promise<ReadonlySet<string>> {
      const entry = settings.memo.get(key) ?? { nextReadAt: 0 };
      if (settings.now() < entry.nextReadAt) return current();
      try {
        await read(entry);
      } catch (error) {
        if (!(error instanceof MarketplaceError)) throw error;
        // Already reported through onCall (marketplace_api_logs); keep what we knew and wait a window.
        const waitMs = Math.max(settings.retryMs, error instanceof MarketplaceRateLimited ? (error.retryAfterMs ?? 0) : 0);
        settings.memo.set(key, { ...entry, nextReadAt: settings.now() + waitMs });
      }
      return current();
    },
  };
}

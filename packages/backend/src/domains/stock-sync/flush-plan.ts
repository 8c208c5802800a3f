/**
 * A flush's plan (flush.ts): what a claim of marks turns into, item by item, and the requests
 * those items become.
 */
import { syncTargets } from "../catalog/sync-targets";
import type { StockPriceItem } from "../marketplace/service";
import type { PushChannel } from "./channels";
import type { DeadItem } from "./dead-letters";
import type { Claim, ClaimedMark } from "./dirty-buffer";
import type { FlushDeps } from "./flush";
import { sentValues } from "./sent";

export interface Planned {
  items: StockPriceItem[];
  /** Claimed marks by barcode, for outcomes and put-backs. */
  marks: Map<string, ClaimedMark>;
  skipped: number;
  /** Listings whose effective barcode another listing of the claim already has: never sent, dead-lettered. */
  clashes: DeadItem[];
}

/** Two listings of one store answer to one barcode on the marketplace: which one it shows is unknowable. */
export const LISTING_BARCODE_CLASH = "LISTING_BARCODE_CLASH";

/**
 * What a claim turns into: for each claimed product the quantity (and, for stores that push
 * prices, the price) the marketplace should show, minus what it already shows or was just told.
 * Quantities and prices are compared apart, so a sale sends no price and a price change no quantity.
 */
export async function plan(deps: FlushDeps, channel: PushChannel, claim: Claim): Promise<Planned> {
  const storeId = channel.store.id;
  const ids = claim.items.map((i) => i.productId);
  const [targets, sellable, sent] = await Promise.all([
    syncTargets(deps.db, storeId, ids),
    deps.sellable(storeId, ids),
    sentValues(deps.db, storeId, ids, new Date(deps.now() - deps.settings.sentMemoryMs)),
  ]);
  const items: StockPriceItem[] = [];
  const marks = new Map<string, ClaimedMark>();
  const clashes: DeadItem[] = [];
  const owners = new Map<string, string>();
  let skipped = 0;
  for (const mark of claim.items) {
    const target = targets.get(mark.productId);
    if (!target) {
      skipped += 1;
      continue;
    }
    const owner = owners.get(target.barcode);
    if (owner !== undefined) {
      clashes.push({ productId: mark.productId, barcode: target.barcode, quantity: null, reasons: [`${LISTING_BARCODE_CLASH}: product ${owner} is listed under this barcode too`], attempts: 1 });
      continue;
    }
    owners.set(target.barcode, mark.productId);
    // What the marketplace shows, or will once the in-flight push lands.
    const told = sent.get(mark.productId);
    const item: StockPriceItem = { barcode: target.barcode, stockCode: target.stockCode, ...(target.marketplaceId !== null && { marketplaceId: target.marketplaceId }) };
    if (channel.sends.stock) {
      const quantity = Math.min(sellable.get(mark.productId)?.sellable ?? 0, channel.adapter.profile.maxQuantity);
      if ((told?.quantity ?? target.lastPushedQuantity) !== quantity) item.quantity = quantity;
    }
    if (channel.sends.price && (told?.price ?? target.lastPushedPrice) !== target.salePrice) {
      item.salePrice = target.salePrice;
      item.listPrice = target.listPrice;
    }
    if (item.quantity === undefined && item.salePrice === undefined) {
      skipped += 1;
      continue;
    }
    items.push(item);
    marks.set(target.barcode, mark);
  }
  if (skipped > 0) deps.metrics.itemsSkipped.inc({ marketplace: channel.marketplace, reason: "unchanged" }, skipped);
  return { items, marks, skipped, clashes };
}

/**
 * The requests a plan becomes: one when the marketplace takes quantity and prices in one item,
 * else the quantities and the prices apart (each paying its own rate-limit token).
 */
export function partsOf(planned: Planned, together: boolean): StockPriceItem[][] {
  if (together) return planned.items.length > 0 ? [planned.items] : [];
  const stock = planned.items.flatMap(({ salePrice: _s, listPrice: _l, ...item }) => (item.quantity === undefined ? [] : [item]));
  const prices = planned.items.flatMap(({ quantity: _q, ...item }) => (item.salePrice === undefined ? [] : [item]));
  return [stock, prices].filter((part) => part.length > 0);
}


/**
 * What a claim turns into: for each claimed product the quantity (and, for stores that push
 * prices, the price) the marketplace should show, minus what it already shows or was just told.
 * Quantities and prices are compared apart, so a sale sends no price and a price change no quantity.
 */
import type { StockPriceItem } from "../marketplace/service";
import type { Claim, ClaimedMark } from "./dirty-buffer";
import type { FlushDeps, PushChannel } from "./flush";
import type { SentItem } from "./ports";

export interface Planned {
  items: StockPriceItem[];
  /** Claimed marks by barcode, for outcomes and put-backs. */
  marks: Map<string, ClaimedMark>;
  skipped: number;
}

export async function plan(deps: FlushDeps, channel: PushChannel, claim: Claim): Promise<Planned> {
  const storeId = channel.store.id;
  const ids = claim.items.map((i) => i.productId);
  const [targets, sellable, sent] = await Promise.all([
    deps.targets(storeId, ids),
    deps.sellable(storeId, ids),
    deps.sent.values(storeId, ids, new Date(deps.now() - deps.settings.sentMemoryMs)),
  ]);
  const items: StockPriceItem[] = [];
  const marks = new Map<string, ClaimedMark>();
  let skipped = 0;
  for (const mark of claim.items) {
    const target = targets.get(mark.productId);
    if (!target) {
      skipped += 1;
      continue;
    }
    // What the marketplace shows, or will once the in-flight push lands.
    const told = sent.get(mark.productId);
    const item: StockPriceItem = { barcode: target.barcode };
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
  return { items, marks, skipped };
}

/**
 * The requests a plan becomes: one when the marketplace takes quantity and prices in one item,
 * else the quantities and the prices apart (each paying its own rate-limit token).
 */
export function partsOf(planned: Planned, together: boolean): StockPriceItem[][] {
  if (together) return planned.items.length > 0 ? [planned.items] : [];
  const stock = planned.items.flatMap(({ barcode, quantity }) => (quantity === undefined ? [] : [{ barcode, quantity }]));
  const prices = planned.items.flatMap(({ barcode, salePrice, listPrice }) => (salePrice === undefined ? [] : [{ barcode, salePrice, listPrice }]));
  return [stock, prices].filter((part) => part.length > 0);
}

export function sentItems(items: readonly StockPriceItem[], marks: Map<string, ClaimedMark>, profileMax: number): SentItem[] {
  return items.flatMap((item) => {
    const mark = marks.get(item.barcode);
    if (!mark) return [];
    return [
      {
        productId: mark.productId,
        barcode: item.barcode,
        quantity: item.quantity === undefined ? null : Math.min(item.quantity, profileMax),
        salePrice: item.salePrice ?? null,
        listPrice: item.listPrice ?? null,
        firstMarkedAt: mark.firstMarkedAt,
        zero: mark.zero,
      },
    ];
  });
}

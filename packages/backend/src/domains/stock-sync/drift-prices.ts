/**
 * The drift restore and the identical-body rule. A drift check finds a marketplace showing another
 * quantity than it was told; the restore is then often exactly the body sent a few minutes before,
 * which Trendyol refuses for 15 minutes. The check remembers the prices the marketplace showed for
 * each drifted listing (for its duplicate window); a flush whose body was already sent adds those
 * prices to the items: the marketplace's own values change no price, and the body differs.
 */
import type { KeyValueStore } from "../../infra/kv";
import type { StockPriceItem } from "../marketplace/types";

export interface ShownPrices {
  productId: string;
  /** Minor units, as the marketplace showed them. */
  salePrice: number;
  listPrice?: number;
}

const key = (storeId: string, productId: string) => `sync:shown-prices:${storeId}:${productId}`;

export async function rememberShownPrices(kv: KeyValueStore, storeId: string, prices: readonly ShownPrices[], ttlMs: number): Promise<void> {
  if (!(ttlMs > 0)) return;
  await Promise.all(prices.map((p) => kv.set(key(storeId, p.productId), JSON.stringify({ salePrice: p.salePrice, listPrice: p.listPrice }), { ttlMs })));
}

function parsed(value: string | null): Omit<ShownPrices, "productId"> | undefined {
  if (value === null) return undefined;
  const shown: unknown = JSON.parse(value);
  if (typeof shown !== "object" || shown === null || !("salePrice" in shown) || typeof shown.salePrice !== "number") return undefined;
  const listPrice = "listPrice" in shown && typeof shown.listPrice === "number" ? shown.listPrice : undefined;
  return { salePrice: shown.salePrice, ...(listPrice !== undefined && { listPrice }) };
}

/**
 * The part with the remembered prices added to the items that carry none; undefined when no item
 * has any (the part then waits for the window's end, like every other repeat).
 */
export async function echoShownPrices(kv: KeyValueStore, storeId: string, part: readonly StockPriceItem[], productOf: (barcode: string) => string | undefined): Promise<StockPriceItem[] | undefined> {
  let echoed = 0;
  const items = await Promise.all(
    part.map(async (item) => {
      const productId = productOf(item.barcode);
      if (item.salePrice !== undefined || productId === undefined) return item;
      const shown = parsed(await kv.get(key(storeId, productId)));
      if (!shown) return item;
      echoed += 1;
      return { ...item, salePrice: shown.salePrice, ...(shown.listPrice !== undefined && { listPrice: shown.listPrice }) };
    }),
  );
  return echoed > 0 ? items : undefined;
}

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../support/app";
import { addStock, putListing } from "../support/catalog";
import { bodyOf } from "../support/http";
import { admin, get, sendJson, staff } from "../support/identity";
import { listedProduct, type SyncShop, syncShop } from "./engine-support";

let t: TestApp;
const tokens = { staff: "", admin: "" };
beforeAll(async () => {
  t = await createTestApp({ label: "price-sync", env: { SYNC_POLL_DELAY_MS: "0" } });
  tokens.staff = (await staff(t)).tokens.accessToken;
  tokens.admin = (await admin(t)).tokens.accessToken;
});
afterAll(() => t.close());

/** The items of the sandbox's batches for this shop, oldest first, as the marketplace received them. */
function batchItems(shop: SyncShop) {
  return [...shop.sandbox.state.batches.values()].sort((a, b) => a.createdAt - b.createdAt).map((b) => b.requestItems);
}

async function shownPrices(shop: SyncShop): Promise<Record<string, { salePrice?: number; listPrice?: number }>> {
  return (await (await fetch(`${shop.sandbox.url}/__sandbox/sellers/${shop.sellerId}/prices`)).json()) as Record<string, { salePrice?: number; listPrice?: number }>;
}

describe("price sync", () => {
  test("a store that pushes prices sends quantity and prices together first, then only what changed", async () => {
    const shop = await syncShop(t, tokens, { storeBody: { sendPrice: true } });
    // createSimple: price 10,000 and list price 12,000 kuruş.
    const kettle = await listedProduct(t, shop, tokens, 6);
    const barcode = shop.barcodes.get(kettle) ?? "";
    await t.services.sync.flushAll();
    expect(batchItems(shop).at(-1)).toEqual([{ barcode, quantity: 6, salePrice: 100, listPrice: 120 }]);

    // A sale moves the quantity only.
    await addStock(t, tokens.staff, shop.warehouse.shelfId, kettle, -1);
    await t.services.sync.flushAll();
    expect(batchItems(shop).at(-1)).toEqual([{ barcode, quantity: 5 }]);

    // A price change moves the prices only.
    const res = await sendJson(t, "PATCH", `/api/v1/catalog/products/${kettle}`, { price: 9_000 }, tokens.staff);
    expect(res.status).toBe(200);
    await t.services.sync.flushAll();
    expect(batchItems(shop).at(-1)).toEqual([{ barcode, salePrice: 90, listPrice: 120 }]);
    expect((await shownPrices(shop))[barcode]).toEqual({ salePrice: 90, listPrice: 120 });

    // The listing's own price wins over the catalog's; the receipt confirms it on the listing.
    await putListing(t, tokens.admin, shop.storeId, kettle, { enabled: true, price: 8_500 });
    await t.services.sync.flushAll();
    expect(batchItems(shop).at(-1)).toEqual([{ barcode, salePrice: 85, listPrice: 120 }]);
    await t.services.sync.pollReceipts();
    const page = await bodyOf(await get(t, `/api/v1/stores/${shop.storeId}/listings?limit=100`, tokens.staff));
    expect(page.items.find((l: { productId: string }) => l.productId === kettle)).toMatchObject({ lastPushedQuantity: 5, lastPushedPrice: 8_500, lastPushStatus: "SUCCEEDED" });
  });

  test("a store that sends prices but not stock pushes prices only", async () => {
    const shop = await syncShop(t, tokens, { storeBody: { sendStock: false, sendPrice: true } });
    const lamp = await listedProduct(t, shop, tokens, 3);
    const barcode = shop.barcodes.get(lamp) ?? "";
    await t.services.sync.flushAll();
    expect(batchItems(shop)).toEqual([[{ barcode, salePrice: 100, listPrice: 120 }]]);
    await addStock(t, tokens.staff, shop.warehouse.shelfId, lamp, 2);
    await t.services.sync.flushAll();
    expect(batchItems(shop)).toHaveLength(1);
  });

  test("a store that does not send prices never sends one, even when the price changes", async () => {
    const shop = await syncShop(t, tokens);
    const cup = await listedProduct(t, shop, tokens, 4);
    await t.services.sync.flushAll();
    await sendJson(t, "PATCH", `/api/v1/catalog/products/${cup}`, { price: 7_000 }, tokens.staff);
    await t.services.sync.flushAll();
    expect(batchItems(shop).flat().every((item) => item.salePrice === undefined && item.listPrice === undefined)).toBe(true);
  });
});

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../support/app";
import { addStock, createSet, createSimple, createStore } from "../support/catalog";
import { bodyOf } from "../support/http";
import { admin, customer, get, sendJson, staff } from "../support/identity";
import { newKey, placeOrder } from "../order/support";
import { listedProduct, shown, stockWrites, syncShop } from "./engine-support";

let t: TestApp;
const tokens = { staff: "", admin: "" };
beforeAll(async () => {
  t = await createTestApp({ label: "sync-engine", env: { SYNC_POLL_DELAY_MS: "0" } });
  tokens.staff = (await staff(t)).tokens.accessToken;
  tokens.admin = (await admin(t)).tokens.accessToken;
});
afterAll(() => t.close());

const sync = () => t.services.sync;

async function listing(storeId: string, productId: string) {
  const page = await bodyOf(await get(t, `/api/v1/stores/${storeId}/listings?limit=100`, tokens.staff));
  return (page.items as { productId: string; lastPushedQuantity: number | null; lastPushStatus: string | null }[]).find((l) => l.productId === productId);
}

describe("flush: marks become marketplace quantities", () => {
  test("an order in the web shop makes the marketplace show the new quantity, and its receipt confirms it", async () => {
    const shop = await syncShop(t, tokens);
    const coat = await listedProduct(t, shop, tokens, 10);
    await sync().flushAll();
    expect((await shown(shop))[shop.barcodes.get(coat) ?? ""]).toBe(10);

    const web = await createStore(t, tokens.admin, { type: "WEB", warehouseIds: [shop.warehouse.id] });
    const buyer = await customer(t);
    const res = await placeOrder(t, buyer.tokens.accessToken, { storeId: web, items: [{ productId: coat, quantity: 3 }] }, newKey());
    expect(res.status).toBe(201);
    expect(await sync().buffer.isMarked(shop.storeId, coat)).toBe(true);

    const [result] = (await sync().flushAll()).filter((r) => r.storeId === shop.storeId);
    expect(result).toMatchObject({ outcome: "sent", sent: 1, batches: 1 });
    expect((await shown(shop))[shop.barcodes.get(coat) ?? ""]).toBe(7);

    expect(await sync().pollReceipts()).toBeGreaterThanOrEqual(1);
    expect(await listing(shop.storeId, coat)).toMatchObject({ lastPushedQuantity: 7, lastPushStatus: "SUCCEEDED" });
  });

  test("a component's change updates the set's listing", async () => {
    const shop = await syncShop(t, tokens);
    const gloves = await createSimple(t, tokens.staff, "Gloves");
    const scarf = await createSimple(t, tokens.staff, "Scarf");
    await addStock(t, tokens.staff, shop.warehouse.shelfId, gloves, 30);
    await addStock(t, tokens.staff, shop.warehouse.shelfId, scarf, 40);
    const set = await createSet(t, tokens.staff, [
      { productId: gloves, quantity: 2 },
      { productId: scarf, quantity: 1 },
    ]);
    await listedProduct(t, shop, tokens, 0, set);
    await sync().flushAll();
    expect((await shown(shop))[shop.barcodes.get(set) ?? ""]).toBe(15);

    await addStock(t, tokens.staff, shop.warehouse.shelfId, gloves, -20);
    await sync().flushAll();
    expect((await shown(shop))[shop.barcodes.get(set) ?? ""]).toBe(5);
  });

  test("100 changes to one product between flushes go out as one item in one request", async () => {
    const shop = await syncShop(t, tokens);
    const mug = await listedProduct(t, shop, tokens, 500);
    await sync().flushAll();
    const before = stockWrites(shop).length;
    for (let i = 0; i < 100; i++) await addStock(t, tokens.staff, shop.warehouse.shelfId, mug, -1);
    const [result] = (await sync().flushAll()).filter((r) => r.storeId === shop.storeId);
    expect(result).toMatchObject({ sent: 1, batches: 1 });
    const writes = stockWrites(shop).slice(before);
    expect(writes.map((w) => w.itemCount)).toEqual([1]);
    expect((await shown(shop))[shop.barcodes.get(mug) ?? ""]).toBe(400);
  });

  test("a quantity the marketplace already has is not sent again", async () => {
    const shop = await syncShop(t, tokens);
    const lamp = await listedProduct(t, shop, tokens, 8);
    await sync().flushAll();
    await sync().pollReceipts();
    const before = stockWrites(shop).length;
    // +1 then -1: marked twice, quantity unchanged.
    await addStock(t, tokens.staff, shop.warehouse.shelfId, lamp, 1);
    await addStock(t, tokens.staff, shop.warehouse.shelfId, lamp, -1);
    const [result] = (await sync().flushAll()).filter((r) => r.storeId === shop.storeId);
    expect(result).toMatchObject({ sent: 0, skipped: 1 });
    expect(stockWrites(shop).length).toBe(before);
    expect(await sync().buffer.isMarked(shop.storeId, lamp)).toBe(false);
  });

  test("a quantity that comes back to a value sent minutes ago is held, not lost, while the marketplace refuses the repeat", async () => {
    const shop = await syncShop(t, tokens, { resultDelayMs: 60_000 });
    const vase = await listedProduct(t, shop, tokens, 5);
    await sync().flushAll();
    await addStock(t, tokens.staff, shop.warehouse.shelfId, vase, -1);
    await sync().flushAll();
    // Back to 5: the marketplace was last told 4, so 5 must go out, but {vase: 5} is a body it took minutes ago.
    await addStock(t, tokens.staff, shop.warehouse.shelfId, vase, 1);
    const [held] = (await sync().flushAll()).filter((r) => r.storeId === shop.storeId);
    expect(held).toMatchObject({ outcome: "deferred", sent: 0 });
    expect(await sync().buffer.isMarked(shop.storeId, vase)).toBe(true);
    const writes = stockWrites(shop).length;
    // Held without asking again: no request is spent on a body the marketplace would refuse.
    const [again] = (await sync().flushAll()).filter((r) => r.storeId === shop.storeId);
    expect(again).toMatchObject({ outcome: "deferred" });
    expect(stockWrites(shop).length).toBe(writes);
    // Any change makes a new body, which goes out at once.
    await addStock(t, tokens.staff, shop.warehouse.shelfId, vase, 1);
    const [sent] = (await sync().flushAll()).filter((r) => r.storeId === shop.storeId);
    expect(sent).toMatchObject({ outcome: "sent", sent: 1 });
    expect(stockWrites(shop).at(-1)?.status).toBe(200);
  });

  test("stores that push nothing (inactive, send stock off, web) have their marks acked unsent", async () => {
    const shop = await syncShop(t, tokens, { storeBody: { sendStock: false } });
    const pen = await listedProduct(t, shop, tokens, 3);
    expect(await sync().buffer.isMarked(shop.storeId, pen)).toBe(true);
    const [result] = (await sync().flushAll()).filter((r) => r.storeId === shop.storeId);
    expect(result).toMatchObject({ outcome: "off", sent: 0 });
    expect(result?.skipped).toBeGreaterThanOrEqual(1);
    expect(stockWrites(shop)).toHaveLength(0);
    expect((await sync().buffer.backlog(shop.storeId)).count).toBe(0);
  });
});

/**
 * A drift restore on Trendyol, inside its 15-minute identical-body rule: the restore of a listing
 * pushed alone is exactly the body sent minutes before. With the prices the drift read showed
 * echoed, it differs and goes out at once without changing a price; without them it waits.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../support/app";
import { admin, staff } from "../support/identity";
import { marketShop } from "../stock-sync/behaviour-support";
import { listedProduct, shown, stockWrites } from "../stock-sync/engine-support";
import { CONFIRM_MS, driftDeps, readingChannel, runCheck, sandboxCatalog, setShown } from "./drift-support";

let t: TestApp;
const tokens = { staff: "", admin: "" };
beforeAll(async () => {
  t = await createTestApp({ label: "listing-drift-restore", env: { SYNC_POLL_DELAY_MS: "0" } });
  tokens.staff = (await staff(t)).tokens.accessToken;
  tokens.admin = (await admin(t)).tokens.accessToken;
});
afterAll(() => t.close());

const sync = () => t.services.sync;

async function prices(shopUrl: string, sellerId: string): Promise<Record<string, { salePrice?: number; listPrice?: number }>> {
  return (await (await fetch(`${shopUrl}/__sandbox/sellers/${sellerId}/prices`)).json()) as Record<string, { salePrice?: number; listPrice?: number }>;
}

describe("a drift restore within Trendyol's identical-body window", () => {
  // Higher than told is a drift at once; lower only once a read CONFIRM_MS later agrees (the check's clock stepped).
  for (const [shownNow, checks] of [[25, [0]], [5, [0, CONFIRM_MS]]] as const) {
    test(`shown at ${shownNow} after 20 was confirmed: echoes the prices the marketplace showed, the sandbox accepts the restore at once and shows 20, prices unchanged`, async () => {
      const shop = await marketShop(t, tokens);
      const id = await listedProduct(t, shop, tokens, 20);
      const barcode = shop.barcodes.get(id) ?? "";
      expect(await sync().flushOne(shop.storeId)).toMatchObject({ outcome: "sent", sent: 1 });
      await sync().pollReceipts();
      // Behind our back: the seller panel shows another quantity, at the prices the listing has there.
      await shown(shop);
      setShown(shop, barcode, shownNow, { salePrice: 99.9, listPrice: 120 });

      let offset = 0;
      const deps = driftDeps(t, readingChannel(t, sandboxCatalog(shop)), () => Date.now() + offset);
      const results = [];
      for (const at of checks) {
        offset = at;
        results.push(await runCheck(t, deps, shop.storeId));
      }
      expect(results.map((r) => [r.drifted, r.suspected])).toEqual(checks.length === 1 ? [[1, 0]] : [[0, 1], [1, 0]]);
      expect(await sync().flushOne(shop.storeId)).toMatchObject({ outcome: "sent", sent: 1 });
      await sync().pollReceipts();

      const writes = stockWrites(shop);
      expect(writes.map((w) => w.status)).toEqual([200, 200]);
      expect(writes[1]?.bodyHash).not.toBe(writes[0]?.bodyHash);
      expect((await shown(shop))[barcode]).toBe(20);
      expect((await prices(shop.sandbox.url, shop.sellerId))[barcode]).toEqual({ salePrice: 99.9, listPrice: 120 });
    });
  }

  test("without prices in the read, the restore waits for the window's end instead of being refused", async () => {
    const shop = await marketShop(t, tokens);
    const id = await listedProduct(t, shop, tokens, 20);
    const barcode = shop.barcodes.get(id) ?? "";
    expect(await sync().flushOne(shop.storeId)).toMatchObject({ outcome: "sent", sent: 1 });
    await sync().pollReceipts();
    await shown(shop);
    setShown(shop, barcode, 25);

    expect(await runCheck(t, driftDeps(t, readingChannel(t, sandboxCatalog(shop))), shop.storeId)).toMatchObject({ drifted: 1 });
    expect(await sync().flushOne(shop.storeId)).toMatchObject({ outcome: "deferred", sent: 0 });
    // Nothing was sent to be refused, and the listing still waits in the buffer.
    expect(stockWrites(shop).map((w) => w.status)).toEqual([200]);
    expect(await sync().buffer.isMarked(shop.storeId, id)).toBe(true);
  });
});

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { identifyLines } from "../../src/domains/catalog/listing-identity";
import { createTestApp, type TestApp } from "../support/app";
import { createStore, createWarehouse, putListing } from "../support/catalog";
import { bodyOf } from "../support/http";
import { admin, sendJson, staff } from "../support/identity";

let t: TestApp;
let tokens: { staff: string; admin: string };
const run = Math.random().toString(36).slice(2, 8).toUpperCase();
let seq = 0;

async function product(): Promise<{ id: string; sku: string; barcode: string }> {
  seq += 1;
  const sku = `ID-${run}-${seq}`;
  const barcode = `868${seq}${Math.floor(Math.random() * 1e9)}`;
  const res = await sendJson(t, "POST", "/api/v1/catalog/products", { sku, barcode, name: "P", type: "SIMPLE", price: 100, listPrice: 100, currency: "TRY", vatRate: 20 }, tokens.staff);
  return { id: String((await bodyOf(res)).id), sku, barcode };
}

beforeAll(async () => {
  t = await createTestApp({ label: "listing-identity" });
  tokens = { staff: (await staff(t)).tokens.accessToken, admin: (await admin(t)).tokens.accessToken };
}, 30_000);
afterAll(() => t.close());

describe("identifying order lines by the store's listings", () => {
  test("listing barcode, then product barcode, then listing stock code, then the store's default stock code; unknown lines are absent", async () => {
    const warehouse = await createWarehouse(t, tokens.staff);
    const storeId = await createStore(t, tokens.admin, { type: "TRENDYOL", sellerId: `s-${run}`, warehouseIds: [warehouse.id], stockCodeSource: "SKU" });
    const [own, plain, coded, bySku, unlisted] = [await product(), await product(), await product(), await product(), await product()];
    await putListing(t, tokens.admin, storeId, own.id, { enabled: true, identifiers: { barcode: `MP-${run}` } });
    await putListing(t, tokens.admin, storeId, coded.id, { enabled: true, identifiers: { stockCode: `SC-${run}` } });
    await putListing(t, tokens.admin, storeId, bySku.id, { enabled: true });
    const db = t.infra.database.db;
    const found = await identifyLines(db, storeId, [
      { barcode: `MP-${run}` },
      { barcode: plain.barcode, stockCode: `SC-${run}` },
      { barcode: "", stockCode: `SC-${run}` },
      { barcode: "nothing", stockCode: bySku.sku },
      // The SKU default names listed products only.
      { barcode: "", stockCode: unlisted.sku },
      { barcode: "", stockCode: "" },
    ]);
    expect([...found.entries()].sort(([x], [y]) => x - y).map(([index, hit]) => [index, hit.productId, hit.match])).toEqual([
      [0, own.id, "LISTING_BARCODE"],
      [1, plain.id, "PRODUCT_BARCODE"],
      [2, coded.id, "LISTING_STOCK_CODE"],
      [3, bySku.id, "STORE_STOCK_CODE"],
    ]);
    expect(found.get(0)?.catalogBarcode).toBe(own.barcode);
    // A listing with its own stock code is not known by its SKU any more.
    expect((await identifyLines(db, storeId, [{ barcode: "", stockCode: coded.sku }])).size).toBe(0);
  });

  test("a store on barcodes as stock codes matches a stock code equal to the product's barcode", async () => {
    const warehouse = await createWarehouse(t, tokens.staff);
    const storeId = await createStore(t, tokens.admin, { type: "N11", sellerId: `n-${run}`, warehouseIds: [warehouse.id] });
    const p = await product();
    await putListing(t, tokens.admin, storeId, p.id, { enabled: true });
    const found = await identifyLines(t.infra.database.db, storeId, [{ barcode: "", stockCode: p.barcode }, { barcode: "", stockCode: p.sku }]);
    expect([...found.values()].map((hit) => hit.productId)).toEqual([p.id]);
    expect(found.get(0)?.match).toBe("STORE_STOCK_CODE");
  });
});

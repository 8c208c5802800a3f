import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../support/app";
import { bodyOf } from "../support/http";
import { customer, get, staff } from "../support/identity";
import { createProduct, createShelf, createWarehouse, movements, putStock, stockedShelf } from "./support";

let t: TestApp;
let token: string;
beforeAll(async () => {
  t = await createTestApp({ label: "inv-ledger" });
  token = (await staff(t)).tokens.accessToken;
});
afterAll(() => t.close());

describe("the ledger of a product", () => {
  test("lists movements newest first", async () => {
    const { shelfId, productId } = await stockedShelf(t, token);
    await putStock(t, token, shelfId, productId, 5, "first");
    await putStock(t, token, shelfId, productId, -2, "second");
    await putStock(t, token, shelfId, productId, 4, "third");
    const page = await movements(t, token, productId);
    expect(page.items.map((m: { reason: string }) => m.reason)).toEqual(["third", "second", "first"]);
    expect(page.items.map((m: { onHandAfter: number }) => m.onHandAfter)).toEqual([7, 3, 5]);
    expect(page).toMatchObject({ page: 1, limit: 20, total: 3 });
  });

  test("pages with limit and page and reports the total", async () => {
    const { shelfId, productId } = await stockedShelf(t, token);
    for (const reason of ["m1", "m2", "m3", "m4", "m5"]) await putStock(t, token, shelfId, productId, 1, reason);
    const second = await movements(t, token, productId, "?limit=2&page=2");
    expect(second.items.map((m: { reason: string }) => m.reason)).toEqual(["m3", "m2"]);
    expect(second).toMatchObject({ page: 2, limit: 2, total: 5 });
  });

  test("shows only the asked product's movements", async () => {
    const { shelfId, productId } = await stockedShelf(t, token, 3);
    const other = await createProduct(t, token);
    await putStock(t, token, shelfId, other, 9);
    const page = await movements(t, token, productId);
    expect(page.items.every((m: { productId: string }) => m.productId === productId)).toBe(true);
    expect(page.total).toBe(1);
  });

  test("an unknown product is 404 PRODUCT_NOT_FOUND", async () => {
    const res = await get(t, `/api/v1/inventory/products/${crypto.randomUUID()}/movements`, token);
    expect(res.status).toBe(404);
    expect((await bodyOf(res)).error.code).toBe("PRODUCT_NOT_FOUND");
  });

  test("a page that is not a positive number is refused with 422", async () => {
    const { productId } = await stockedShelf(t, token);
    expect((await get(t, `/api/v1/inventory/products/${productId}/movements?page=0`, token)).status).toBe(422);
    expect((await get(t, `/api/v1/inventory/products/${productId}/movements?limit=abc`, token)).status).toBe(422);
  });

  test("a customer may not read the ledger (403)", async () => {
    const { productId } = await stockedShelf(t, token);
    const res = await get(t, `/api/v1/inventory/products/${productId}/movements`, (await customer(t)).tokens.accessToken);
    expect(res.status).toBe(403);
  });
});

describe("a product's stock", () => {
  test("shows on hand, reserved and free per warehouse with each shelf's quantity", async () => {
    const productId = await createProduct(t, token);
    const first = await createWarehouse(t, token, `A-${crypto.randomUUID().slice(0, 8)}`);
    const second = await createWarehouse(t, token, `B-${crypto.randomUUID().slice(0, 8)}`);
    const a1 = await createShelf(t, token, first.id, "A1");
    const a2 = await createShelf(t, token, first.id, "A2");
    const b1 = await createShelf(t, token, second.id, "B1");
    await putStock(t, token, a1.id, productId, 4);
    await putStock(t, token, a2.id, productId, 6);
    await putStock(t, token, b1.id, productId, 1);
    const res = await get(t, `/api/v1/inventory/products/${productId}/stock`, token);
    expect(res.status).toBe(200);
    expect(await bodyOf(res)).toEqual({
      productId,
      warehouses: [
        {
          warehouseId: first.id,
          code: first.code,
          name: first.name,
          onHand: 10,
          reserved: 0,
          free: 10,
          quarantined: 0,
          shelves: [
            { shelfId: a1.id, code: "A1", quantity: 4 },
            { shelfId: a2.id, code: "A2", quantity: 6 },
          ],
        },
        { warehouseId: second.id, code: second.code, name: second.name, onHand: 1, reserved: 0, free: 1, quarantined: 0, shelves: [{ shelfId: b1.id, code: "B1", quantity: 1 }] },
      ],
    });
  });

  test("a product that never had stock has no warehouses", async () => {
    const productId = await createProduct(t, token);
    expect(await bodyOf(await get(t, `/api/v1/inventory/products/${productId}/stock`, token))).toEqual({ productId, warehouses: [] });
  });

  test("an unknown product is 404 PRODUCT_NOT_FOUND", async () => {
    const res = await get(t, `/api/v1/inventory/products/${crypto.randomUUID()}/stock`, token);
    expect(res.status).toBe(404);
    expect((await bodyOf(res)).error.code).toBe("PRODUCT_NOT_FOUND");
  });
});

describe("stockLevels for other domains", () => {
  test("answers on hand and reserved per product and warehouse for many products at once", async () => {
    const a = await stockedShelf(t, token, 3);
    const b = await stockedShelf(t, token, 8);
    const untouched = await createProduct(t, token);
    const levels = await t.services.inventory.stockLevels([a.productId, b.productId, untouched]);
    expect(levels).toHaveLength(2);
    expect(levels).toContainEqual({ productId: a.productId, warehouseId: a.warehouseId, onHand: 3, reserved: 0 });
    expect(levels).toContainEqual({ productId: b.productId, warehouseId: b.warehouseId, onHand: 8, reserved: 0 });
  });

  test("answers nothing for no products", async () => {
    expect(await t.services.inventory.stockLevels([])).toEqual([]);
  });
});

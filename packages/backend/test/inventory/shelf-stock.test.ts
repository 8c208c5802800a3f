import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import type { StockChange } from "../../src/domains/inventory/events";
import { createTestApp, type TestApp } from "../support/app";
import { bodyOf } from "../support/http";
import { bearer, customer, staff } from "../support/identity";
import { changeStock, createProduct, createShelf, movements, putStock, stockedShelf } from "./support";

let t: TestApp;
let token: string;
const announced: StockChange[] = [];
beforeAll(async () => {
  t = await createTestApp({ label: "inv-shelf-stock" });
  token = (await staff(t)).tokens.accessToken;
  t.services.events.stock.on((change) => void announced.push(change));
});
afterAll(() => t.close());

describe("adding stock", () => {
  test("an addition answers the shelf quantity, the warehouse level and the ledger row", async () => {
    const { warehouseId, shelfId, productId } = await stockedShelf(t, token);
    const body = await putStock(t, token, shelfId, productId, 7);
    expect(body).toEqual({ shelfId, productId, shelfQuantity: 7, warehouse: { id: warehouseId, onHand: 7, reserved: 0 }, movementId: expect.any(Number) });
  });

  test("additions accumulate on the shelf and in the warehouse", async () => {
    const { shelfId, productId } = await stockedShelf(t, token, 5);
    const body = await putStock(t, token, shelfId, productId, 3);
    expect(body.shelfQuantity).toBe(8);
    expect(body.warehouse.onHand).toBe(8);
  });

  test("the warehouse level is the sum of the product's shelves in that warehouse", async () => {
    const { warehouseId, shelfId, productId } = await stockedShelf(t, token, 4);
    const other = await createShelf(t, token, warehouseId);
    const body = await putStock(t, token, other.id, productId, 6);
    expect(body.shelfQuantity).toBe(6);
    expect(body.warehouse).toEqual({ id: warehouseId, onHand: 10, reserved: 0 });
    expect(shelfId).not.toBe(other.id);
  });

  test("an addition writes a RECEIPT ledger row with before/after, reason, actor and the request id", async () => {
    const { warehouseId, shelfId, productId } = await stockedShelf(t, token, 2);
    const me = await bodyOf(await t.request("/api/v1/auth/me", { headers: bearer(token) }));
    const res = await t.request(`/api/v1/inventory/shelves/${shelfId}/stock`, {
      method: "POST",
      headers: { ...bearer(token), "content-type": "application/json", "x-request-id": "req-receipt-42" },
      body: JSON.stringify({ productId, delta: 5, reason: "supplier delivery 1182" }),
    });
    expect(res.status).toBe(200);
    const [latest] = (await movements(t, token, productId)).items;
    expect(latest).toMatchObject({
      id: (await bodyOf(res)).movementId,
      productId,
      warehouseId,
      shelfId,
      kind: "RECEIPT",
      delta: 5,
      onHandBefore: 2,
      onHandAfter: 7,
      reservedBefore: 0,
      reservedAfter: 0,
      reason: "supplier delivery 1182",
      actorId: me.id,
      correlationId: "req-receipt-42",
    });
  });

  test("a committed change is announced with its product, warehouse and correlation id", async () => {
    const { warehouseId, shelfId, productId } = await stockedShelf(t, token);
    const res = await t.request(`/api/v1/inventory/shelves/${shelfId}/stock`, {
      method: "POST",
      headers: { ...bearer(token), "content-type": "application/json", "x-request-id": "req-announce-1" },
      body: JSON.stringify({ productId, delta: 1, reason: "count" }),
    });
    expect(res.status).toBe(200);
    expect(announced).toContainEqual({ productIds: [productId], warehouseIds: [warehouseId], correlationId: "req-announce-1" });
  });
});

describe("removing stock", () => {
  test("a removal lowers shelf and warehouse and writes an ADJUSTMENT row", async () => {
    const { shelfId, productId } = await stockedShelf(t, token, 10);
    const body = await putStock(t, token, shelfId, productId, -4, "damaged in transit");
    expect(body.shelfQuantity).toBe(6);
    expect(body.warehouse.onHand).toBe(6);
    const [latest] = (await movements(t, token, productId)).items;
    expect(latest).toMatchObject({ kind: "ADJUSTMENT", delta: -4, onHandBefore: 10, onHandAfter: 6, reason: "damaged in transit" });
  });

  test("a removal may empty the shelf exactly", async () => {
    const { shelfId, productId } = await stockedShelf(t, token, 3);
    expect((await putStock(t, token, shelfId, productId, -3)).shelfQuantity).toBe(0);
  });

  test("taking more than the shelf holds is 409 INSUFFICIENT_STOCK with what was available", async () => {
    const { shelfId, productId } = await stockedShelf(t, token, 3);
    const res = await changeStock(t, token, shelfId, productId, -5);
    expect(res.status).toBe(409);
    expect((await bodyOf(res)).error).toMatchObject({
      code: "INSUFFICIENT_STOCK",
      details: { productId, shelfId, requested: 5, available: 3 },
    });
  });

  test("taking from a shelf that never held the product is 409 with nothing available", async () => {
    const { shelfId, productId } = await stockedShelf(t, token);
    const res = await changeStock(t, token, shelfId, productId, -1);
    expect(res.status).toBe(409);
    expect((await bodyOf(res)).error.details).toMatchObject({ requested: 1, available: 0 });
  });

  test("a refused removal changes nothing and writes no ledger row", async () => {
    const { shelfId, productId } = await stockedShelf(t, token, 3);
    const before = await movements(t, token, productId);
    expect((await changeStock(t, token, shelfId, productId, -4)).status).toBe(409);
    expect((await movements(t, token, productId)).total).toBe(before.total);
    expect((await putStock(t, token, shelfId, productId, 1)).shelfQuantity).toBe(4);
  });

  test("a removal may not take the warehouse below what is reserved", async () => {
    const { warehouseId, shelfId, productId } = await stockedShelf(t, token, 10);
    // Orders do not exist yet: this stands in for 8 units reserved by open orders.
    await t.infra.database.db.execute(
      sql`update inventory_levels set reserved = 8 where product_id = ${productId} and warehouse_id = ${warehouseId}`,
    );
    const res = await changeStock(t, token, shelfId, productId, -3);
    expect(res.status).toBe(409);
    expect((await bodyOf(res)).error.details).toMatchObject({ requested: 3, available: 2 });
    const allowed = await putStock(t, token, shelfId, productId, -2);
    expect(allowed.warehouse).toEqual({ id: warehouseId, onHand: 8, reserved: 8 });
    expect(allowed.shelfQuantity).toBe(8);
  });

  test("a refused removal is not announced", async () => {
    const { shelfId, productId } = await stockedShelf(t, token, 1);
    const count = announced.filter((c) => c.productIds.includes(productId)).length;
    expect((await changeStock(t, token, shelfId, productId, -2)).status).toBe(409);
    expect(announced.filter((c) => c.productIds.includes(productId)).length).toBe(count);
  });
});

describe("what may be changed", () => {
  test("an unknown product is 404 PRODUCT_NOT_FOUND", async () => {
    const { shelfId } = await stockedShelf(t, token);
    const res = await changeStock(t, token, shelfId, crypto.randomUUID(), 1);
    expect(res.status).toBe(404);
    expect((await bodyOf(res)).error.code).toBe("PRODUCT_NOT_FOUND");
  });

  test("an unknown shelf is 404 SHELF_NOT_FOUND", async () => {
    const productId = await createProduct(t, token);
    const res = await changeStock(t, token, crypto.randomUUID(), productId, 1);
    expect(res.status).toBe(404);
    expect((await bodyOf(res)).error.code).toBe("SHELF_NOT_FOUND");
  });

  test("a set is 422 NOT_A_SIMPLE_PRODUCT: only its components hold stock", async () => {
    const { shelfId, productId } = await stockedShelf(t, token);
    const setId = await createProduct(t, token, { type: "SET", components: [{ productId, quantity: 2 }] });
    const res = await changeStock(t, token, shelfId, setId, 1);
    expect(res.status).toBe(422);
    expect((await bodyOf(res)).error.code).toBe("NOT_A_SIMPLE_PRODUCT");
  });

  test("a delta of 0 is refused with 422", async () => {
    const { shelfId, productId } = await stockedShelf(t, token);
    const res = await changeStock(t, token, shelfId, productId, 0);
    expect(res.status).toBe(422);
    expect((await bodyOf(res)).error).toMatchObject({ code: "VALIDATION_FAILED", details: { fields: [{ path: "/delta" }] } });
  });

  test("a delta beyond one million either way is refused with 422", async () => {
    const { shelfId, productId } = await stockedShelf(t, token);
    expect((await changeStock(t, token, shelfId, productId, 1_000_001)).status).toBe(422);
    expect((await changeStock(t, token, shelfId, productId, -1_000_001)).status).toBe(422);
    expect((await changeStock(t, token, shelfId, productId, 1_000_000)).status).toBe(200);
  });

  test("a fractional or string delta is refused with 422", async () => {
    const { shelfId, productId } = await stockedShelf(t, token);
    expect((await changeStock(t, token, shelfId, productId, 1.5)).status).toBe(422);
    const asString = await t.request(`/api/v1/inventory/shelves/${shelfId}/stock`, {
      method: "POST",
      headers: { ...bearer(token), "content-type": "application/json" },
      body: JSON.stringify({ productId, delta: "5", reason: "count" }),
    });
    expect(asString.status).toBe(422);
  });

  test("the reason must be 1 to 200 characters and not blank", async () => {
    const { shelfId, productId } = await stockedShelf(t, token);
    expect((await changeStock(t, token, shelfId, productId, 1, "")).status).toBe(422);
    expect((await changeStock(t, token, shelfId, productId, 1, "   ")).status).toBe(422);
    expect((await changeStock(t, token, shelfId, productId, 1, "x".repeat(201))).status).toBe(422);
    expect((await changeStock(t, token, shelfId, productId, 1, "x".repeat(200))).status).toBe(200);
  });

  test("a customer may not change stock (403)", async () => {
    const { shelfId, productId } = await stockedShelf(t, token);
    const shopper = (await customer(t)).tokens.accessToken;
    expect((await changeStock(t, shopper, shelfId, productId, 1)).status).toBe(403);
  });

  test("a level that would pass the largest storable integer is 409 QUANTITY_OUT_OF_RANGE, not a 500", async () => {
    const { shelfId, productId } = await stockedShelf(t, token, 1);
    // Writing the row directly: reaching 2^31 through the API would take over 2000 requests.
    await t.infra.database.db.execute(
      sql`update shelf_stock set quantity = 2147483000 where shelf_id = ${shelfId} and product_id = ${productId}`,
    );
    const res = await changeStock(t, token, shelfId, productId, 1_000);
    expect(res.status).toBe(409);
    expect((await bodyOf(res)).error.code).toBe("QUANTITY_OUT_OF_RANGE");
  });
});

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../support/app";
import { bodyOf, type Json } from "../support/http";
import { get, sendJson } from "../support/identity";
import { newCustomer, openShop, type Shop, stockedProduct } from "../order/support";
import { createReturn, shippedWebOrder } from "./support";

let t: TestApp;
let shop: Shop;
let buyer: string;
let ret: Json;
let productId: string;
beforeAll(async () => {
  t = await createTestApp({ label: "returns-routes" });
  shop = await openShop(t);
  buyer = await newCustomer(t);
  productId = await stockedProduct(t, shop, 5);
  const order = await shippedWebOrder(t, shop, buyer, [{ productId, quantity: 1 }]);
  ret = await createReturn(t, shop, { orderId: order.id });
});
afterAll(() => t.close());

const MISSING = "00000000-0000-4000-8000-0000000000aa";

describe("who may call the return routes", () => {
  test("without a token every route is 401, and a customer (even the buyer) gets 403", async () => {
    const calls: [string, string, unknown][] = [
      ["GET", "/api/v1/returns", undefined],
      ["GET", `/api/v1/returns/${ret.id}`, undefined],
      ["POST", "/api/v1/returns", { orderId: ret.orderId }],
      ["POST", `/api/v1/returns/${ret.id}/receive`, { lines: [{ productId, quantity: 1, shelfId: shop.shelfId, condition: "UNOPENED" }] }],
      ["POST", `/api/v1/returns/${ret.id}/approve`, undefined],
      ["POST", `/api/v1/returns/${ret.id}/reject`, { reason: "no" }],
    ];
    for (const [method, path, body] of calls) {
      expect({ path, status: (await sendJson(t, method, path, body)).status }).toEqual({ path, status: 401 });
      const res = await sendJson(t, method, path, body, buyer);
      expect({ path, status: res.status, code: (await bodyOf(res)).error?.code }).toEqual({ path, status: 403, code: "FORBIDDEN" });
    }
    expect((await get(t, `/api/v1/returns/${ret.id}`, shop.staffToken)).status).toBe(200);
  });
});

describe("bad requests", () => {
  test("an unknown return is 404 RETURN_NOT_FOUND on every route", async () => {
    const answers = [
      await get(t, `/api/v1/returns/${MISSING}`, shop.staffToken),
      await sendJson(t, "POST", `/api/v1/returns/${MISSING}/approve`, undefined, shop.staffToken),
      await sendJson(t, "POST", `/api/v1/returns/${MISSING}/reject`, { reason: "no" }, shop.staffToken),
      await sendJson(t, "POST", `/api/v1/returns/${MISSING}/receive`, { lines: [{ productId, quantity: 1, shelfId: shop.shelfId, condition: "UNOPENED" }] }, shop.staffToken),
    ];
    for (const res of answers) expect({ status: res.status, code: (await bodyOf(res)).error.code }).toEqual({ status: 404, code: "RETURN_NOT_FOUND" });
  });

  test("a malformed id, an unknown status filter, an empty reason or an unknown condition is 422", async () => {
    expect((await get(t, "/api/v1/returns/not-a-uuid", shop.staffToken)).status).toBe(422);
    expect((await get(t, "/api/v1/returns?status=LOST", shop.staffToken)).status).toBe(422);
    expect((await sendJson(t, "POST", `/api/v1/returns/${ret.id}/reject`, { reason: " " }, shop.staffToken)).status).toBe(422);
    const badCondition = { lines: [{ productId, quantity: 1, shelfId: shop.shelfId, condition: "LIKE_NEW" }] };
    expect((await sendJson(t, "POST", `/api/v1/returns/${ret.id}/receive`, badCondition, shop.staffToken)).status).toBe(422);
    const noLines = { lines: [] };
    expect((await sendJson(t, "POST", `/api/v1/returns/${ret.id}/receive`, noLines, shop.staffToken)).status).toBe(422);
  });

  test("a web return of an unknown order is 404 ORDER_NOT_FOUND", async () => {
    const res = await sendJson(t, "POST", "/api/v1/returns", { orderId: MISSING }, shop.staffToken);
    expect(res.status).toBe(404);
    expect((await bodyOf(res)).error.code).toBe("ORDER_NOT_FOUND");
  });

  test("the list filters by status, store and order, newest first, paged like the order list", async () => {
    const res = await get(t, `/api/v1/returns?status=REQUESTED&storeId=${shop.storeId}&limit=1`, shop.staffToken);
    expect(res.status).toBe(200);
    const page = await bodyOf(res);
    expect(page).toMatchObject({ page: 1, limit: 1 });
    expect(page.total).toBeGreaterThanOrEqual(1);
    expect(page.items.every((r: Json) => r.status === "REQUESTED" && r.storeId === shop.storeId)).toBe(true);
    expect((await bodyOf(await get(t, "/api/v1/returns?status=RECEIVED", shop.staffToken))).items.map((r: Json) => r.id)).not.toContain(ret.id);
    const ofOrder = await bodyOf(await get(t, `/api/v1/returns?orderId=${ret.orderId}`, shop.staffToken));
    expect(ofOrder.items.map((r: Json) => r.id)).toEqual([ret.id]);
    expect((await get(t, "/api/v1/returns?orderId=nope", shop.staffToken)).status).toBe(422);
  });
});

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../support/app";
import { bodyOf } from "../support/http";
import { customer, get, sendJson, staff } from "../support/identity";
import { createShelf, createWarehouse, uniqueCode } from "./support";

let t: TestApp;
let token: string;
beforeAll(async () => {
  t = await createTestApp({ label: "inv-warehouses" });
  token = (await staff(t)).tokens.accessToken;
});
afterAll(() => t.close());

const WAREHOUSES = "/api/v1/inventory/warehouses";

describe("warehouses", () => {
  test("staff create a warehouse and get its id, code, name and active flag", async () => {
    const code = uniqueCode("IST");
    const res = await sendJson(t, "POST", WAREHOUSES, { code, name: "İstanbul Merkez" }, token);
    expect(res.status).toBe(201);
    const body = await bodyOf(res);
    expect(body).toEqual({ id: expect.any(String), code, name: "İstanbul Merkez", active: true });
  });

  test("a second warehouse with the same code is 409 DUPLICATE_WAREHOUSE_CODE", async () => {
    const code = uniqueCode("ANK");
    await createWarehouse(t, token, code);
    const res = await sendJson(t, "POST", WAREHOUSES, { code, name: "Another" }, token);
    expect(res.status).toBe(409);
    expect((await bodyOf(res)).error).toMatchObject({ code: "DUPLICATE_WAREHOUSE_CODE", details: { code } });
  });

  test("a code with spaces is refused with 422", async () => {
    const res = await sendJson(t, "POST", WAREHOUSES, { code: "A B", name: "Spaces" }, token);
    expect(res.status).toBe(422);
    expect((await bodyOf(res)).error.code).toBe("VALIDATION_FAILED");
  });

  test("an unknown field in the body is refused with 422", async () => {
    const res = await sendJson(t, "POST", WAREHOUSES, { code: uniqueCode("X"), name: "X", active: false }, token);
    expect(res.status).toBe(422);
  });

  test("a customer may not create a warehouse (403) and an anonymous caller is 401", async () => {
    const body = { code: uniqueCode("C"), name: "Customer's" };
    expect((await sendJson(t, "POST", WAREHOUSES, body, (await customer(t)).tokens.accessToken)).status).toBe(403);
    expect((await sendJson(t, "POST", WAREHOUSES, body)).status).toBe(401);
  });

  test("the list shows each warehouse with its number of shelves", async () => {
    const warehouse = await createWarehouse(t, token, uniqueCode("LIST"));
    await createShelf(t, token, warehouse.id);
    await createShelf(t, token, warehouse.id);
    const res = await get(t, `${WAREHOUSES}?limit=100`, token);
    expect(res.status).toBe(200);
    const page = await bodyOf(res);
    expect(page.total).toBeGreaterThanOrEqual(1);
    expect(page.items.find((w: { id: string }) => w.id === warehouse.id)).toEqual({ ...warehouse, shelfCount: 2 });
  });

  test("the list pages with limit and page", async () => {
    await createWarehouse(t, token);
    await createWarehouse(t, token);
    const all = await bodyOf(await get(t, `${WAREHOUSES}?limit=100`, token));
    const second = await bodyOf(await get(t, `${WAREHOUSES}?limit=1&page=2`, token));
    expect(second).toEqual({ items: [all.items[1]], page: 2, limit: 1, total: all.total });
  });

  test("a limit above 100 is refused with 422", async () => {
    expect((await get(t, `${WAREHOUSES}?limit=101`, token)).status).toBe(422);
  });
});

describe("shelves", () => {
  test("staff add a shelf to a warehouse and get its id, warehouse and code", async () => {
    const warehouse = await createWarehouse(t, token);
    const res = await sendJson(t, "POST", `${WAREHOUSES}/${warehouse.id}/shelves`, { code: "A-01-03" }, token);
    expect(res.status).toBe(201);
    expect(await bodyOf(res)).toEqual({ id: expect.any(String), warehouseId: warehouse.id, code: "A-01-03" });
  });

  test("a shelf in an unknown warehouse is 404 WAREHOUSE_NOT_FOUND", async () => {
    const res = await sendJson(t, "POST", `${WAREHOUSES}/${crypto.randomUUID()}/shelves`, { code: "A-01" }, token);
    expect(res.status).toBe(404);
    expect((await bodyOf(res)).error.code).toBe("WAREHOUSE_NOT_FOUND");
  });

  test("a warehouse id that is not a UUID is refused with 422", async () => {
    expect((await sendJson(t, "POST", `${WAREHOUSES}/not-a-uuid/shelves`, { code: "A-01" }, token)).status).toBe(422);
  });

  test("a second shelf with the same code in one warehouse is 409 DUPLICATE_SHELF_CODE", async () => {
    const warehouse = await createWarehouse(t, token);
    await createShelf(t, token, warehouse.id, "B-02");
    const res = await sendJson(t, "POST", `${WAREHOUSES}/${warehouse.id}/shelves`, { code: "B-02" }, token);
    expect(res.status).toBe(409);
    expect((await bodyOf(res)).error.code).toBe("DUPLICATE_SHELF_CODE");
  });

  test("the same shelf code may be used in two different warehouses", async () => {
    const first = await createWarehouse(t, token);
    const second = await createWarehouse(t, token);
    await createShelf(t, token, first.id, "C-03");
    const res = await sendJson(t, "POST", `${WAREHOUSES}/${second.id}/shelves`, { code: "C-03" }, token);
    expect(res.status).toBe(201);
  });

  test("a warehouse's shelves are listed by code", async () => {
    const warehouse = await createWarehouse(t, token);
    await createShelf(t, token, warehouse.id, "Z-9");
    await createShelf(t, token, warehouse.id, "A-1");
    const page = await bodyOf(await get(t, `${WAREHOUSES}/${warehouse.id}/shelves`, token));
    expect(page.items.map((s: { code: string }) => s.code)).toEqual(["A-1", "Z-9"]);
    expect(page.total).toBe(2);
  });

  test("listing the shelves of an unknown warehouse is 404 WAREHOUSE_NOT_FOUND", async () => {
    const res = await get(t, `${WAREHOUSES}/${crypto.randomUUID()}/shelves`, token);
    expect(res.status).toBe(404);
    expect((await bodyOf(res)).error.code).toBe("WAREHOUSE_NOT_FOUND");
  });
});

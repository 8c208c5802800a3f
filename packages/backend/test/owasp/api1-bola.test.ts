import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../support/app";
import { bodyOf } from "../support/http";
import { get, login, register, uniqueEmail } from "../support/identity";
import { buildWorld, call, errorCode, orderOf, randomId, type World } from "./support";

let t: TestApp;
let w: World;
beforeAll(async () => {
  t = await createTestApp({ label: "owasp-api1" });
  w = await buildWorld(t);
});
afterAll(() => t.close());

describe("API1:2023 Broken Object Level Authorization — orders", () => {
  test("another customer's order is 404 ORDER_NOT_FOUND on read, exactly like a missing one", async () => {
    const order = await orderOf(t, w, w.alice.token);
    const theirs = await get(t, `/api/v1/orders/${order.id}`, w.bob.token);
    const missing = await get(t, `/api/v1/orders/${randomId()}`, w.bob.token);
    expect([theirs.status, missing.status]).toEqual([404, 404]);
    // Same status, code and message: the answer does not tell "exists, not yours" from "no such order".
    const [a, b] = [await bodyOf(theirs), await bodyOf(missing)];
    expect(a.error.code).toBe("ORDER_NOT_FOUND");
    expect({ code: a.error.code, message: a.error.message }).toEqual({ code: b.error.code, message: b.error.message });
  });

  test("another customer cannot cancel an order: 404, and it stays CREATED with its reservation", async () => {
    const order = await orderOf(t, w, w.alice.token);
    const res = await call(t, "POST", `/api/v1/orders/${order.id}/cancel`, w.bob.token);
    expect(res.status).toBe(404);
    expect(await errorCode(res)).toBe("ORDER_NOT_FOUND");
    expect((await bodyOf(await get(t, `/api/v1/orders/${order.id}`, w.alice.token))).status).toBe("CREATED");
  });

  test("staff-only transitions (confirm, ship, deliver, return) are refused to customers, even on their own order", async () => {
    const order = await orderOf(t, w, w.alice.token);
    for (const action of ["confirm", "ship", "deliver", "return"]) {
      for (const token of [w.alice.token, w.bob.token]) {
        const res = await call(t, "POST", `/api/v1/orders/${order.id}/${action}`, token, action === "return" ? { shelfId: w.shelfId } : undefined);
        expect(res.status).toBe(403);
      }
    }
    expect((await bodyOf(await get(t, `/api/v1/orders/${order.id}`, w.staffToken))).status).toBe("CREATED");
  });

  test("a customer's order list holds only their own orders, whatever the filters", async () => {
    const bobs = await orderOf(t, w, w.bob.token);
    const alices = await orderOf(t, w, w.alice.token);
    for (const query of ["", `?storeId=${w.storeId}`, "?status=CREATED", "?limit=100"]) {
      const ids: string[] = (await bodyOf(await get(t, `/api/v1/orders${query}`, w.bob.token))).items.map((o: { id: string }) => o.id);
      expect(ids).toContain(bobs.id);
      expect(ids).not.toContain(alices.id);
    }
    // Staff see both customers' orders.
    const all: string[] = (await bodyOf(await get(t, "/api/v1/orders?limit=100", w.staffToken))).items.map((o: { id: string }) => o.id);
    expect(all).toEqual(expect.arrayContaining([bobs.id, alices.id]));
  });

  test("guessed order ids (random UUIDs) are 404 for customers and staff alike", async () => {
    for (let i = 0; i < 5; i++) {
      const id = randomId();
      for (const token of [w.alice.token, w.staffToken]) {
        const res = await get(t, `/api/v1/orders/${id}`, token);
        expect(res.status).toBe(404);
        expect(await errorCode(res)).toBe("ORDER_NOT_FOUND");
      }
      expect((await call(t, "POST", `/api/v1/orders/${id}/cancel`, w.alice.token)).status).toBe(404);
    }
  });
});

describe("API1:2023 Broken Object Level Authorization — sessions", () => {
  test("another user's session cannot be revoked: 404 SESSION_NOT_FOUND, and it stays signed in", async () => {
    const email = uniqueEmail("victim");
    await register(t, email);
    const victim = await login(t, email);
    const res = await call(t, "DELETE", `/api/v1/auth/sessions/${victim.sessionId}`, w.bob.token);
    expect(res.status).toBe(404);
    expect(await errorCode(res)).toBe("SESSION_NOT_FOUND");
    expect((await get(t, "/api/v1/auth/me", victim.accessToken)).status).toBe(200);
  });

  test("staff and admins cannot revoke a customer's session through the self-service route either", async () => {
    const email = uniqueEmail("victim");
    await register(t, email);
    const victim = await login(t, email);
    for (const token of [w.staffToken, w.adminToken]) {
      expect((await call(t, "DELETE", `/api/v1/auth/sessions/${victim.sessionId}`, token)).status).toBe(404);
    }
    expect((await get(t, "/api/v1/auth/me", victim.accessToken)).status).toBe(200);
  });

  test("the session list shows only the caller's own sessions", async () => {
    const list = await bodyOf(await get(t, "/api/v1/auth/sessions", w.bob.token));
    expect(list.items.map((s: { id: string }) => s.id)).toEqual([w.bob.sessionId]);
  });

  test("a guessed session id is 404", async () => {
    expect((await call(t, "DELETE", `/api/v1/auth/sessions/${randomId()}`, w.alice.token)).status).toBe(404);
  });
});

describe("API1:2023 Broken Object Level Authorization — stores, listings and stock", () => {
  const staffReads = () => [
    `/api/v1/stores/${w.trendyolStoreId}`,
    `/api/v1/stores/${w.storeId}/listings`,
    "/api/v1/stores",
    `/api/v1/inventory/products/${w.productId}/stock`,
    `/api/v1/inventory/products/${w.productId}/movements`,
    "/api/v1/inventory/warehouses",
    `/api/v1/inventory/warehouses/${w.warehouseId}/shelves`,
    "/api/v1/stock-sync/status",
  ];

  test("customers cannot read stores, listings, stock or sync state (403), staff can (200)", async () => {
    for (const path of staffReads()) {
      const refused = await get(t, path, w.alice.token);
      expect({ path, status: refused.status }).toEqual({ path, status: 403 });
      expect((await get(t, path, w.staffToken)).status).toBe(200);
    }
  });

  test("a store's credentials are readable by nobody, not even the admin who saved them", async () => {
    const res = await get(t, `/api/v1/stores/${w.trendyolStoreId}`, w.adminToken);
    const store = await bodyOf(res);
    expect(store.hasCredentials).toBe(true);
    expect(store.credentials).toBeUndefined();
  });

  test("guessed store, warehouse, product and dead-letter ids are 404 for staff", async () => {
    for (const [method, path] of [
      ["GET", `/api/v1/stores/${randomId()}`],
      ["GET", `/api/v1/stores/${randomId()}/listings`],
      ["GET", `/api/v1/catalog/products/${randomId()}`],
      ["GET", `/api/v1/inventory/warehouses/${randomId()}/shelves`],
      ["POST", `/api/v1/stock-sync/stores/${randomId()}/flush`],
      ["POST", `/api/v1/stock-sync/dead-letters/${randomId()}/retry`],
    ] as const) {
      const res = await call(t, method, path, w.staffToken);
      expect({ path, status: res.status }).toEqual({ path, status: 404 });
    }
  });

  test("a customer cannot order from a marketplace store: only WEB stores are theirs to buy from", async () => {
    const res = await t.request("/api/v1/orders", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${w.alice.token}`, "idempotency-key": `bola-${randomId()}` },
      body: JSON.stringify({ storeId: w.trendyolStoreId, items: [{ productId: w.productId, quantity: 1 }] }),
    });
    expect(res.status).toBe(403);
    expect(await errorCode(res)).toBe("FORBIDDEN");
  });
});

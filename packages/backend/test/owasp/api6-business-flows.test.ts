import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Orders } from "@pazarsync/shared";
import { createTestApp, type TestApp } from "../support/app";
import { bodyOf } from "../support/http";
import { bearer, get, login, register, uniqueEmail } from "../support/identity";
import { level, newKey } from "../order/support";
import { buildWorld, errorCode, randomId, SECRETS, type World } from "./support";

let t: TestApp;
let w: World;
beforeAll(async () => {
  t = await createTestApp({ label: "owasp-api6" });
  w = await buildWorld(t);
});
afterAll(() => t.close());

function place(body: unknown, key: string | null, token = w.alice.token) {
  return t.request("/api/v1/orders", {
    method: "POST",
    headers: { "content-type": "application/json", ...bearer(token), ...(key === null ? {} : { "idempotency-key": key }) },
    body: JSON.stringify(body),
  });
}

describe("API6:2023 Unrestricted Access to Sensitive Business Flows — order placement", () => {
  test("a retried order (same Idempotency-Key and body) is the same order, reserved once", async () => {
    const body = { storeId: w.storeId, items: [{ productId: w.productId, quantity: 2 }] };
    const before = await level(t, w, w.productId);
    const key = newKey("api6");
    const answers = await Promise.all([place(body, key), place(body, key), place(body, key)]);
    const ids = await Promise.all(answers.map(async (res) => (await bodyOf(res)).id));
    expect(answers.map((r) => r.status)).toEqual([201, 201, 201]);
    expect(new Set(ids).size).toBe(1);
    expect(answers.filter((r) => r.headers.get("idempotent-replayed") === "true")).toHaveLength(2);
    expect((await level(t, w, w.productId)).reserved).toBe(before.reserved + 2);
  });

  test("an order without an Idempotency-Key is refused (400), so a double tap cannot place two", async () => {
    const res = await place({ storeId: w.storeId, items: [{ productId: w.productId, quantity: 1 }] }, null);
    expect(res.status).toBe(400);
  });

  test("the same key with another body is 422 IDEMPOTENCY_KEY_REUSED, not a second order", async () => {
    const key = newKey("api6");
    expect((await place({ storeId: w.storeId, items: [{ productId: w.productId, quantity: 1 }] }, key)).status).toBe(201);
    const reused = await place({ storeId: w.storeId, items: [{ productId: w.productId, quantity: 9 }] }, key);
    expect(reused.status).toBe(422);
    expect(await errorCode(reused)).toBe("IDEMPOTENCY_KEY_REUSED");
  });

  test("one customer's key does not replay another customer's order", async () => {
    const key = newKey("api6-shared");
    const body = { storeId: w.storeId, items: [{ productId: w.productId, quantity: 1 }] };
    const alices = await bodyOf(await place(body, key, w.alice.token));
    const bobs = await place(body, key, w.bob.token);
    expect(bobs.status).toBe(201);
    expect((await bodyOf(bobs)).id).not.toBe(alices.id);
  });

  test("an order is bounded: at most 100 lines and 9999 units a line (422 beyond)", async () => {
    const line = { productId: w.productId, quantity: 1 };
    const tooMany = await place({ storeId: w.storeId, items: Array.from({ length: Orders.MAX_LINES + 1 }, () => line) }, newKey());
    const tooMuch = await place({ storeId: w.storeId, items: [{ productId: w.productId, quantity: Orders.MAX_LINE_QUANTITY + 1 }] }, newKey());
    expect([tooMany.status, tooMuch.status]).toEqual([422, 422]);
  });

  test("an account holds at most 3 sessions: a 4th login ends the oldest", async () => {
    const email = uniqueEmail("sessions");
    await register(t, email);
    const first = await login(t, email, undefined, "10.60.0.1");
    for (let i = 0; i < 3; i++) await login(t, email, undefined, `10.60.0.${i + 2}`);
    expect((await get(t, "/api/v1/auth/me", first.accessToken)).status).toBe(401);
  });
});

describe("API6:2023 Unrestricted Access to Sensitive Business Flows — the Trendyol order webhook", () => {
  const delivery = () => ({
    shipmentPackageId: Math.floor(Math.random() * 1e9),
    orderNumber: `TY-${randomId().slice(0, 8)}`,
    status: "Created",
    lines: [{ barcode: "unknown-barcode", quantity: 1 }],
  });
  const send = (storeId: string, headers: Record<string, string>) =>
    t.request(`/api/v1/marketplace/webhooks/trendyol/${storeId}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(delivery()),
    });
  const basic = (user: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}` });

  test("without the store's webhook credentials every delivery is the same 401 WEBHOOK_UNAUTHORISED", async () => {
    const attempts: [string, Response][] = [
      ["none", await send(w.trendyolStoreId, {})],
      ["wrong password", await send(w.trendyolStoreId, basic("hook-user", "wrong"))],
      ["wrong user", await send(w.trendyolStoreId, basic("someone", SECRETS.webhookPassword))],
      ["our bearer token", await send(w.trendyolStoreId, bearer(w.adminToken))],
      ["an api key it does not have", await send(w.trendyolStoreId, { "x-api-key": SECRETS.apiKey })],
      ["unknown store", await send(randomId(), basic("hook-user", SECRETS.webhookPassword))],
      ["a WEB store", await send(w.storeId, basic("hook-user", SECRETS.webhookPassword))],
    ];
    for (const [label, res] of attempts) {
      expect({ label, status: res.status, code: await errorCode(res) }).toEqual({ label, status: 401, code: "WEBHOOK_UNAUTHORISED" });
    }
  });

  test("control: the store's own Basic credentials are accepted", async () => {
    const res = await send(w.trendyolStoreId, basic("hook-user", SECRETS.webhookPassword));
    expect(res.status).toBe(200);
    expect((await bodyOf(res)).accepted).toBe(true);
  });
});

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createClient } from "@pazarsync/shared";
import { createTestApp, type TestApp } from "../support/app";
import { openShop, stockedProduct, type Shop } from "../order/support";
import { uniqueEmail, PASSWORD } from "../support/identity";

let t: TestApp;
let shop: Shop;
let productId: string;
beforeAll(async () => {
  t = await createTestApp({ label: "eden-flow" });
  shop = await openShop(t);
  productId = await stockedProduct(t, shop, 10);
});
afterAll(() => t.close());

// Behind TRUST_PROXY the client address comes from x-forwarded-for; a fixed one keeps the auth limits per test.
const proxied = { "x-forwarded-for": "10.9.0.1" };

describe("the typed Eden client (packages/shared) drives a whole customer flow", () => {
  test("register, log in, place an order, cancel it and read it back", async () => {
    const anonymous = createClient(t.app, { headers: proxied });
    const email = uniqueEmail("eden");

    const registered = await anonymous.api.v1.auth.register.post({ email, password: PASSWORD });
    expect(registered.status).toBe(201);
    expect(registered.data?.email).toBe(email);

    const loggedIn = await anonymous.api.v1.auth.login.post({ email, password: PASSWORD });
    if (!loggedIn.data) throw new Error(`login failed: ${loggedIn.status}`);
    expect(loggedIn.data.tokenType).toBe("Bearer");

    const me = createClient(t.app, { headers: proxied, token: loggedIn.data.accessToken });
    const placed = await me.api.v1.orders.post(
      { storeId: shop.storeId, items: [{ productId, quantity: 3 }] },
      { headers: { "idempotency-key": `eden-${crypto.randomUUID()}` } },
    );
    if (!placed.data) throw new Error(`order failed: ${placed.status} ${JSON.stringify(placed.error?.value)}`);
    expect(placed.status).toBe(201);
    expect(placed.data.status).toBe("CREATED");
    expect(placed.data.items).toHaveLength(1);
    // Dates stay the documented ISO strings (the client turns parseDate off).
    expect(typeof placed.data.createdAt).toBe("string");

    const cancelled = await me.api.v1.orders({ id: placed.data.id }).cancel.post();
    expect(cancelled.status).toBe(200);
    expect(cancelled.data?.status).toBe("CANCELLED");

    const readBack = await me.api.v1.orders({ id: placed.data.id }).get();
    expect(readBack.data?.status).toBe("CANCELLED");
    expect(readBack.data?.id).toBe(placed.data.id);

    const mine = await me.api.v1.orders.get({ query: {} });
    expect(mine.data?.items.map((o) => o.id)).toEqual([placed.data.id]);
  });

  test("error answers arrive typed as the error envelope with their status", async () => {
    const anonymous = createClient(t.app, { headers: proxied });
    const res = await anonymous.api.v1.auth.me.get();
    expect(res.status).toBe(401);
    expect(res.data).toBeNull();
    // errorResponses() types its statuses as plain numbers, so Eden knows only the envelope's shape here.
    expect(Number(res.error?.status)).toBe(401);
    expect(res.error?.value).toMatchObject({ error: { code: "UNAUTHENTICATED" } });
  });

  test("a token given as a function is read before every request (a refreshed token is used at once)", async () => {
    let token: string | undefined;
    const client = createClient(t.app, { headers: proxied, token: () => token });
    expect((await client.api.v1.auth.me.get()).status).toBe(401);
    const email = uniqueEmail("eden-fn");
    await client.api.v1.auth.register.post({ email, password: PASSWORD });
    token = (await client.api.v1.auth.login.post({ email, password: PASSWORD })).data?.accessToken;
    const me = await client.api.v1.auth.me.get();
    expect(me.status).toBe(200);
    expect(me.data?.email).toBe(email);
  });

  test("against a URL it goes through the given fetcher", async () => {
    const seen: string[] = [];
    const client = createClient("http://api.test", {
      fetcher: (url, init) => {
        seen.push(`${init.method} ${url}`);
        return t.app.handle(new Request(url, init));
      },
    });
    const res = await client.health.live.get();
    expect(res.data).toEqual({ status: "ok" });
    expect(seen).toEqual(["GET http://api.test/health/live"]);
  });
});

import { describe, expect, test } from "bun:test";
import { PTT_ACCOUNT, pttSandbox, rawPtt } from "./pttavm-support";

const ok = { items: [{ barcode: "S1", quantity: 1 }] };

describe("PttAVM sandbox rules", () => {
  test("refuses a missing or wrong Api-Key / access-token with 401", async () => {
    const target = await pttSandbox();
    for (const init of [{ apiKey: null }, { token: null }, { token: "wrong" }]) {
      const res = await rawPtt(target, "/products/stock-prices", { body: ok, ...init });
      expect(res.status).toBe(401);
      expect(((await res.json()) as { success: boolean }).success).toBe(false);
    }
    expect(target.state.requests().every((r) => r.sellerId === null)).toBe(true);
  });

  test("refuses a missing or non-UUID X-Correlation-Id with 400", async () => {
    const target = await pttSandbox();
    expect((await rawPtt(target, "/products/stock-prices", { body: ok, correlationId: null })).status).toBe(400);
    expect((await rawPtt(target, "/products/stock-prices", { body: ok, correlationId: "abc" })).status).toBe(400);
    expect((await rawPtt(target, "/products/stock-prices", { body: ok })).status).toBe(200);
  });

  test("answers more than 1000 items, an empty list or a bad item with HTTP 200 and success:false", async () => {
    const target = await pttSandbox();
    const tooMany = { items: Array.from({ length: 1001 }, (_, i) => ({ barcode: `B${i}`, quantity: 1 })) };
    for (const body of [tooMany, { items: [] }, { items: [{ quantity: 1 }] }, { items: [{ barcode: "F", quantity: 1.5 }] }]) {
      const res = await rawPtt(target, "/products/stock-prices", { body });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { success: boolean; trackingId: unknown }).success).toBe(false);
    }
    expect((await rawPtt(target, "/products/stock-prices", { rawBody: "{not json" })).status).toBe(400);
  });

  test("refuses an identical body from the same account within 5 minutes, but not from another account", async () => {
    const other = { account: "shop-2", key: "k2", secret: "s2" };
    const target = await pttSandbox({}, [{ ...PTT_ACCOUNT }, other]);
    expect((await rawPtt(target, "/products/stock-prices", { body: ok })).status).toBe(200);
    const again = await rawPtt(target, "/products/stock-prices", { body: ok });
    expect(again.status).toBe(400);
    expect(((await again.json()) as { errorCode: string }).errorCode).toBe("DUPLICATE_REQUEST");
    expect((await rawPtt(target, "/products/stock-prices", { body: ok, apiKey: "k2", token: "s2" })).status).toBe(200);
    const hashes = target.state.requests().map((r) => r.bodyHash);
    expect(new Set(hashes).size).toBe(1);
  });

  test("unknown paths are 404 and a GET on stock-prices is 405", async () => {
    const target = await pttSandbox();
    expect((await rawPtt(target, "/products/nothing", { method: "GET" })).status).toBe(404);
    expect((await rawPtt(target, "/products/stock-prices", { method: "GET" })).status).toBe(405);
  });

  test("shows each account's quantities and prices, and takes new accounts at run time", async () => {
    const target = await pttSandbox();
    const created = await fetch(`${target.url}/__sandbox/marketplaces/pttavm/accounts`, { method: "POST", body: JSON.stringify({ account: "new-1", key: "nk", secret: "ns" }) });
    expect(created.status).toBe(201);
    await rawPtt(target, "/products/stock-prices", { body: { items: [{ barcode: "V1", quantity: 4, salePrice: 10.5, listPrice: 12 }] }, apiKey: "nk", token: "ns" });
    const shown = await (await fetch(`${target.url}/__sandbox/marketplaces/pttavm/new-1/shown`)).json();
    expect(shown).toEqual({ quantities: { V1: 4 }, prices: { V1: { salePrice: 10.5, listPrice: 12 } } });
    const mine = await (await fetch(`${target.url}/__sandbox/marketplaces/pttavm/${PTT_ACCOUNT.account}/shown`)).json();
    expect(mine).toEqual({ quantities: {}, prices: {} });
  });
});

import { describe, expect, test } from "bun:test";
import { fixture, shapeMismatches } from "@pazarsync/marketplace-fixtures";
import { manualClock } from "../support/clock";
import { PTT_ACCOUNT, pttSandbox, rawPtt, shownBy } from "./pttavm-support";

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
    const item = { barcode: "V1", quantity: 4, priceWithVAT: 12, priceWithoutVAT: 10, vatRate: 20, discount: 0 };
    await rawPtt(target, "/products/stock-prices", { body: { items: [item] }, apiKey: "nk", token: "ns" });
    const shown = await (await fetch(`${target.url}/__sandbox/marketplaces/pttavm/new-1/shown`)).json();
    expect(shown).toEqual({ quantities: { V1: 4 }, prices: { V1: { priceWithVAT: 12, vatRate: 20, discount: 0 } } });
    const mine = await (await fetch(`${target.url}/__sandbox/marketplaces/pttavm/${PTT_ACCOUNT.account}/shown`)).json();
    expect(mine).toEqual({ quantities: {}, prices: {} });
  });
});

describe("PttAVM sandbox plays the evidence fixtures", () => {
  const exchangesOf = (name: string) => fixture("pttavm", name).exchanges;
  const stamp = (ms: number) => new Date(ms).toISOString().slice(0, 19);

  async function written(target: Awaited<ReturnType<typeof pttSandbox>>): Promise<string> {
    const [write] = exchangesOf("stock-price-write");
    const res = await rawPtt(target, "/products/stock-prices", { body: write?.request.body });
    const answer = await res.json();
    expect(res.status).toBe(write?.response.status ?? 0);
    expect(shapeMismatches(write?.response.body, answer, "answered")).toEqual([]);
    return (answer as { trackingId: string }).trackingId;
  }

  test("stock-price-write: the fixture's request is accepted and answered in its shape", async () => {
    const target = await pttSandbox();
    await written(target);
    expect((await shownBy(target)).prices).toEqual({ "8690000000011": { priceWithVAT: 120, vatRate: 20, discount: 0 } });
  });

  test.each(["post", "get"] as const)("result-poll.%s: waiting, then completed, in the fixture's shape", async (variant) => {
    const clock = manualClock();
    const target = await pttSandbox({ resultDelayMs: 1000, now: clock.now });
    const trackingId = await written(target);
    const [waiting, completed] = exchangesOf(`result-poll.${variant}`);
    const poll = async () => {
      const init = variant === "post" ? { method: "POST", body: {} } : { method: "GET" };
      const res = await rawPtt(target, `/products/tracking-result/${trackingId}`, init);
      expect(res.status).toBe(200);
      return (await res.json()) as { status: string };
    };
    const first = await poll();
    expect(shapeMismatches(waiting?.response.body, first, "answered")).toEqual([]);
    expect(first.status).toBe("Waiting");
    clock.advance(1000);
    const second = await poll();
    expect(shapeMismatches(completed?.response.body, second, "answered")).toEqual([]);
    expect(second.status).toBe("Completed");
  });

  test("order-pull: the fixture's query is taken and answered with a bare array of orders in its shape", async () => {
    const target = await pttSandbox();
    const created = await fetch(`${target.url}/__sandbox/marketplaces/pttavm/${PTT_ACCOUNT.account}/orders`, {
      method: "POST",
      body: JSON.stringify({ lines: [{ code: "8690000000011", quantity: 2, unitPrice: 12_000 }] }),
    });
    expect(created.status).toBe(201);
    const [first] = exchangesOf("order-pull");
    const query = { ...first?.request.query, startDate: stamp(Date.now() - 60_000), endDate: stamp(Date.now() + 60_000) };
    const res = await rawPtt(target, `/orders/search?${new URLSearchParams(query)}`, { method: "GET" });
    const answer = (await res.json()) as unknown[];
    expect(res.status).toBe(200);
    expect(answer).toHaveLength(1);
    expect(shapeMismatches(first?.response.body, answer, "answered")).toEqual([]);
  });
});

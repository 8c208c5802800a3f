/**
 * The Pazarama sandbox plays the sources: each fixture's request, sent to the sandbox, gets an
 * answer holding every key (with its type) the fixture's answer shows. Where sources disagree the
 * sandbox option `variants` picks the one played, and each is checked.
 */
import { describe, expect, test } from "bun:test";
import { type Exchange, fixture, shapeMismatches } from "@pazarsync/marketplace-fixtures";
import { PZ_ACCOUNT, pzSandbox, rawPz, rawToken } from "./pazarama-support";
import type { RunningSandbox } from "@pazarsync/marketplace-sandbox";

function exchange(name: string, index = 0): Exchange {
  const found = fixture("pazarama", name).exchanges[index];
  if (!found) throw new Error(`${name} has no exchange ${index}`);
  return found;
}

/** The fixture's token request, with this account's client credentials. */
function tokenRequest(target: RunningSandbox) {
  const { request } = exchange("token.wrapped");
  return fetch(`${target.url}${request.path}`, {
    method: request.method,
    headers: { authorization: `Basic ${btoa(`${PZ_ACCOUNT.key}:${PZ_ACCOUNT.secret}`)}`, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(request.form).toString(),
  });
}

async function createOrder(url: string, code: string, quantity: number) {
  const res = await fetch(`${url}/__sandbox/marketplaces/pazarama/${PZ_ACCOUNT.account}/orders`, { method: "POST", body: JSON.stringify({ lines: [{ code, quantity, unitPrice: 9990 }] }) });
  return ((await res.json()) as { id: string }).id;
}

const turkishDay = (at: number) => new Date(at + 3 * 60 * 60 * 1000).toISOString().slice(0, 10);
const DAY = 24 * 60 * 60 * 1000;

describe("Pazarama sandbox against the fixtures", () => {
  test("token, wrapped (the default): answered as the wrapped clients read it", async () => {
    const target = await pzSandbox();
    const res = await tokenRequest(target);
    expect(res.status).toBe(200);
    expect(shapeMismatches(exchange("token.wrapped").response.body, await res.json(), "answered")).toEqual([]);
  });

  test("token, plain OAuth (variant OAUTH): answered as the OAuth client reads it", async () => {
    const target = await pzSandbox({ variants: { pazaramaToken: "OAUTH" } });
    const res = await tokenRequest(target);
    expect(res.status).toBe(200);
    expect(shapeMismatches(exchange("token.oauth").response.body, await res.json(), "answered")).toEqual([]);
  });

  test("stock and price writes: the fixtures' requests are queued, answered in the source's shape", async () => {
    for (const name of ["stock-write", "price-write"]) {
      const target = await pzSandbox();
      const { request, response } = exchange(name);
      const res = await rawPz(target, request.path, { body: request.body, token: await rawToken(target) });
      expect(res.status).toBe(response.status);
      expect(shapeMismatches(response.body, await res.json(), "answered")).toEqual([]);
    }
  });

  test("a write the sandbox will not take is HTTP 200 success:false, in the source's shape", async () => {
    const target = await pzSandbox();
    const { response } = exchange("write-refused");
    const res = await rawPz(target, exchange("write-refused").request.path, { body: { items: [{ code: "8680000000011", stockCount: -1 }] }, token: await rawToken(target) });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { success: boolean };
    expect(body.success).toBe(false);
    expect(shapeMismatches(response.body, body, "answered")).toEqual([]);
  });

  test("batch result: the fixture's query for a batch the sandbox ran is answered in the source's shape", async () => {
    const target = await pzSandbox({}, [{ ...PZ_ACCOUNT, known: ["8680000000011"] }]);
    const token = await rawToken(target);
    const written = (await (await rawPz(target, "/product/updateStock-v2", { body: { items: [{ code: "8680000000011", stockCount: 7 }, { code: "8680000000028", stockCount: 2 }] }, token })).json()) as { data: string };
    const { request, response } = exchange("batch-result");
    const query = new URLSearchParams(request.query);
    const res = await rawPz(target, `${request.path.replace("{dataId}", written.data)}?${query}`, { method: "GET", token });
    expect(res.status).toBe(200);
    expect(shapeMismatches(response.body, await res.json(), "answered")).toEqual([]);
  });

  test("order pull, V2 (the default): the fixture's pages are answered in the source's shape, each unit its own item", async () => {
    const target = await pzSandbox();
    for (const code of ["A", "B", "C"]) await createOrder(target.url, code, 2);
    const token = await rawToken(target);
    const now = Date.now();
    for (const { request, response } of fixture("pazarama", "order-pull.v2").exchanges) {
      const body = { ...(request.body as Record<string, unknown>), startDate: turkishDay(now), endDate: turkishDay(now + DAY) };
      const res = await rawPz(target, request.path, { body, token });
      expect(res.status).toBe(200);
      const answer = (await res.json()) as { data: { items: { quantity: number }[] }[] };
      expect(shapeMismatches(response.body, answer, "answered")).toEqual([]);
      expect(answer.data.every((order) => order.items.length === 2 && order.items.every((item) => item.quantity === 1))).toBe(true);
    }
  });

  test("order pull, paged (variant PAGED): the fixture's pages are answered in the source's shape with totalCount", async () => {
    const target = await pzSandbox({ variants: { pazaramaOrders: "PAGED" } });
    for (const code of ["A", "B", "C"]) await createOrder(target.url, code, 1);
    const token = await rawToken(target);
    const now = Date.now();
    for (const { request, response } of fixture("pazarama", "order-pull.paged").exchanges) {
      const body = { ...(request.body as Record<string, unknown>), StartDate: new Date(now - DAY).toISOString().slice(0, 19), EndDate: new Date(now + DAY).toISOString().slice(0, 19) };
      const res = await rawPz(target, request.path, { body, token });
      expect(res.status).toBe(200);
      const answer = await res.json();
      expect(shapeMismatches(response.body, answer, "answered")).toEqual([]);
      expect((answer as { totalCount: number }).totalCount).toBe(3);
    }
  });

  test("V2 refuses a window over a month, as its clients note, with HTTP 200 success:false", async () => {
    const target = await pzSandbox();
    const res = await rawPz(target, "/order/getOrdersForApiV2", { body: { pageSize: 10, pageNumber: 1, startDate: "2026-10-01", endDate: "2026-11-02" }, token: await rawToken(target) });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { success: boolean }).success).toBe(false);
  });
});

import { describe, expect, test } from "bun:test";
import { normalisePttavmOrder } from "../../src/domains/marketplace/pttavm/orders";
import type { RunningSandbox } from "../../src/domains/marketplace/sandbox/server";
import type { NormalisedOrder } from "../../src/domains/marketplace/types";
import { PTT_ACCOUNT, pttAdapterFor, pttSandbox, rawPtt } from "./pttavm-support";
import { thrownBy } from "./fakes";
import { manualClock } from "../support/clock";

const control = (target: RunningSandbox, path: string, body?: unknown) =>
  fetch(`${target.url}/__sandbox/marketplaces/pttavm/${PTT_ACCOUNT.account}${path}`, { method: "POST", body: body === undefined ? undefined : JSON.stringify(body) });

async function createOrder(target: RunningSandbox, code: string, quantity = 1, unitPrice = 11285): Promise<string> {
  const res = await control(target, "/orders", { lines: [{ code, quantity, unitPrice }] });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

const hour = 60 * 60 * 1000;
const around = () => ({ since: new Date(Date.now() - hour), until: new Date(Date.now() + hour) });

describe("PttAVM adapter: order search", () => {
  test("a new order is pulled and normalised: CREATED, lines by barcode, prices in kuruş, raw kept", async () => {
    const target = await pttSandbox();
    const { adapter, sent, calls } = pttAdapterFor(target);
    const id = await createOrder(target, "BC-1", 2, 11285);
    const page = await adapter.pullOrders?.(around());
    expect(page?.next).toBeNull();
    const [order] = page?.orders ?? [];
    expect(order).toMatchObject({ externalId: id, status: "CREATED", marketplaceStatus: "NEW", currency: "TRY", lines: [{ barcode: "BC-1", quantity: 2, unitPrice: 11285 }] });
    expect((order?.raw as { items: { unitPrice: number }[] }).items[0]?.unitPrice).toBe(112.85);
    const url = sent[0]?.url;
    expect([sent[0]?.method, url?.pathname, url?.searchParams.get("page"), url?.searchParams.get("size")]).toEqual(["GET", "/api/v1/orders/search", "0", "100"]);
    expect(sent[0]?.headers.get("X-Correlation-Id")).toBeTruthy();
    expect(calls.map((c) => c.callType)).toEqual(["GET_ORDERS"]);
  });

  test("a cancelled order comes back CANCELLED with a later lastModifiedAt", async () => {
    const clock = manualClock();
    const target = await pttSandbox({ now: clock.now });
    const { adapter } = pttAdapterFor(target);
    const id = await createOrder(target, "BC-2");
    const before = (await adapter.pullOrders?.(around()))?.orders[0];
    clock.advance(1000);
    expect((await control(target, `/orders/${id}/cancel`)).status).toBe(200);
    const after = (await adapter.pullOrders?.(around()))?.orders[0];
    expect(after?.status).toBe("CANCELLED");
    expect(Date.parse(after?.lastModifiedAt ?? "")).toBeGreaterThan(Date.parse(before?.lastModifiedAt ?? ""));
  });

  test("pages are followed with the token until null, every order once, in modification order", async () => {
    const target = await pttSandbox();
    const { adapter } = pttAdapterFor(target, { orderPageSize: 2 });
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) ids.push(await createOrder(target, `C${i}`));
    const seen: NormalisedOrder[] = [];
    let page: string | undefined;
    let requests = 0;
    do {
      const answer = await adapter.pullOrders?.({ ...around(), ...(page ? { page } : {}) });
      seen.push(...(answer?.orders ?? []));
      page = answer?.next ?? undefined;
      requests += 1;
    } while (page && requests < 10);
    expect(requests).toBe(3);
    expect(seen.map((o) => o.externalId)).toEqual(ids);
  });

  test("a window longer than 7 days is walked in slices of at most 7 days", async () => {
    const target = await pttSandbox();
    const { adapter, sent } = pttAdapterFor(target);
    const id = await createOrder(target, "W1");
    const until = new Date(Date.now() + hour);
    const since = new Date(until.getTime() - 20 * 24 * hour);
    const found: (string | undefined)[] = [];
    let page: string | undefined;
    do {
      const answer = await adapter.pullOrders?.({ since, until, ...(page ? { page } : {}) });
      found.push(...(answer?.orders ?? []).map((o) => o.externalId));
      page = answer?.next ?? undefined;
    } while (page && sent.length < 10);
    expect(sent).toHaveLength(3);
    const windows = sent.map((s) => [Date.parse(s.url.searchParams.get("startDate") ?? ""), Date.parse(s.url.searchParams.get("endDate") ?? "")]);
    expect(windows[0]?.[0]).toBe(since.getTime());
    expect(windows[2]?.[1]).toBe(until.getTime());
    for (const [start = 0, end = 0] of windows) expect(end - start).toBeLessThanOrEqual(7 * 24 * hour);
    expect(found).toEqual([id]);
  });

  test("a page token we did not issue is a 422, not a request", async () => {
    const target = await pttSandbox();
    const { adapter, sent } = pttAdapterFor(target);
    const error = await thrownBy(async () => adapter.pullOrders?.({ ...around(), page: "garbage" }));
    expect((error as { code: string; status: number }).code).toBe("MARKETPLACE_PAGE_INVALID");
    expect((error as { status: number }).status).toBe(422);
    expect(sent).toEqual([]);
  });

  test("the sandbox refuses windows over 7 days and page sizes over 100", async () => {
    const target = await pttSandbox();
    const start = new Date(Date.now() - 8 * 24 * hour).toISOString();
    const end = new Date().toISOString();
    const wide = await rawPtt(target, `/orders/search?startDate=${start}&endDate=${end}&page=0&size=10`, { method: "GET" });
    expect(wide.status).toBe(400);
    const big = await rawPtt(target, `/orders/search?startDate=${new Date(Date.now() - hour).toISOString()}&endDate=${end}&page=0&size=101`, { method: "GET" });
    expect(big.status).toBe(400);
  });

  test("the normaliser maps statuses and reads string prices; an order without id or date goes on for intake to flag", () => {
    const base = { orderId: 7, lastModifiedDate: "2026-11-20T10:00:00Z", items: [{ barcode: "A", quantity: 1, unitPrice: "12,50" }] };
    const listedFrom = new Date("2026-11-19T00:00:00Z");
    expect(normalisePttavmOrder({ ...base, status: "SHIPPED" }, listedFrom)).toMatchObject({ externalId: "7", status: "OTHER", lines: [{ unitPrice: 1250 }], lastModifiedAt: "2026-11-20T10:00:00.000Z" });
    expect(normalisePttavmOrder({ ...base, status: "Iptal" }, listedFrom).status).toBe("CANCELLED");
    expect(normalisePttavmOrder({ ...base, status: "PREPARING" }, listedFrom).status).toBe("CREATED");
    expect(normalisePttavmOrder({ status: "NEW", items: [] }, listedFrom)).toMatchObject({ externalId: undefined, status: "CREATED", lastModifiedAt: listedFrom.toISOString() });
  });
});

import { describe, expect, test } from "bun:test";
import type { RunningSandbox } from "../../src/domains/marketplace/sandbox/server";
import { HB_ACCOUNT, hbAdapterFor, hbSandbox, ordersPath } from "./hepsiburada-support";
import { cannedFetch, NOWHERE } from "./fakes";

async function createOrder(target: RunningSandbox, lines: { code: string; quantity: number; unitPrice: number }[]) {
  const res = await fetch(`${target.url}/__sandbox/marketplaces/hepsiburada/${HB_ACCOUNT.account}/orders`, { method: "POST", body: JSON.stringify({ lines }) });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string };
}

const hour = 60 * 60 * 1000;

describe("Hepsiburada order pull", () => {
  test("orders are normalised: lines by merchantSku, unit prices in kuruş, TRY, CREATED then CANCELLED after a cancel", async () => {
    const target = await hbSandbox();
    const { adapter, sent, calls } = hbAdapterFor(target);
    const since = new Date(Date.now() - hour);
    const created = await createOrder(target, [
      { code: "SKU-1", quantity: 2, unitPrice: 11285 },
      { code: "SKU-2", quantity: 1, unitPrice: 500 },
    ]);
    const page = await adapter.pullOrders?.({ since, until: new Date(Date.now() + 1000) });
    expect(page?.next).toBeNull();
    expect(page?.orders).toHaveLength(1);
    const order = page?.orders[0];
    expect(order).toMatchObject({
      externalId: created.id,
      status: "CREATED",
      marketplaceStatus: "Open",
      currency: "TRY",
      lines: [
        { barcode: "SKU-1", quantity: 2, unitPrice: 11285 },
        { barcode: "SKU-2", quantity: 1, unitPrice: 500 },
      ],
    });
    expect(Math.abs(Date.parse(order?.lastModifiedAt ?? "") - Date.now())).toBeLessThan(5_000);
    expect(order?.raw).toMatchObject({ orderNumber: created.id });
    expect(sent[0]?.url.pathname).toBe(ordersPath);
    expect(sent[0]?.url.search).toMatch(/^\?offset=0&limit=100&begindate=\d{4}-\d{2}-\d{2}%20\d{2}%3A\d{2}&enddate=\d{4}-\d{2}-\d{2}%20\d{2}%3A\d{2}$/);
    expect(calls[0]).toMatchObject({ callType: "GET_ORDERS", httpStatus: 200 });

    const cancel = await fetch(`${target.url}/__sandbox/marketplaces/hepsiburada/${HB_ACCOUNT.account}/orders/${created.id}/cancel`, { method: "POST" });
    expect(cancel.status).toBe(200);
    const again = await adapter.pullOrders?.({ since, until: new Date(Date.now() + 2000) });
    expect(again?.orders.map((o) => [o.externalId, o.status, o.marketplaceStatus])).toEqual([[created.id, "CANCELLED", "CancelledByMerchant"]]);
  });

  test("pages follow offset with at most limit orders each, until every order is read", async () => {
    const target = await hbSandbox();
    const { adapter, sent } = hbAdapterFor(target, { orderPageSize: 2 });
    const since = new Date(Date.now() - hour);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await createOrder(target, [{ code: `C${i}`, quantity: 1, unitPrice: 100 }])).id);
    const seen: (string | undefined)[] = [];
    let page: string | undefined;
    const until = new Date(Date.now() + 1000);
    for (let i = 0; i < 10; i++) {
      const answer = await adapter.pullOrders?.({ since, until, ...(page ? { page } : {}) });
      seen.push(...(answer?.orders.map((o) => o.externalId) ?? []));
      if (!answer?.next) break;
      page = answer.next;
    }
    expect(seen).toEqual(ids);
    expect(sent.map((r) => [r.url.searchParams.get("offset"), r.url.searchParams.get("limit")])).toEqual([
      ["0", "2"],
      ["2", "2"],
      ["4", "2"],
    ]);
  });

  test("a window longer than the setting is split; dates go out at Istanbul time, begin floored and end ceiled to the minute", async () => {
    const { adapter, sent } = hbAdapterFor(NOWHERE, { maxOrderWindowMs: 2 * hour }, cannedFetch({ body: { totalCount: 0, offset: 0, limit: 100, items: [] } }));
    const since = new Date("2026-11-20T10:00:30Z");
    const until = new Date("2026-11-20T13:00:10Z");
    const first = await adapter.pullOrders?.({ since, until });
    expect(first?.next).not.toBeNull();
    const second = await adapter.pullOrders?.({ since, until, page: first?.next ?? undefined });
    expect(second?.next).toBeNull();
    expect(sent.map((r) => [r.url.searchParams.get("begindate"), r.url.searchParams.get("enddate")])).toEqual([
      ["2026-11-20 13:00", "2026-11-20 15:01"],
      ["2026-11-20 15:00", "2026-11-20 16:01"],
    ]);
  });

  test("a zoneless Hepsiburada time is read at Istanbul time; an order without id goes on without one; lines of one SKU add up; a line without merchantSku goes on for intake to flag", async () => {
    const items = [
      { orderNumber: "9001", status: "Unpacked", lastStatusUpdateDate: "2026-11-20T13:05:00", lineItems: [{ merchantSku: "A", quantity: 1, price: { amount: "10.50" } }, { merchantSku: "A", quantity: 2, price: { amount: 10.5 } }] },
      { orderNumber: "9002", status: "Delivered", lastStatusUpdateDate: "2026-11-20T10:05:00Z", items: [{ merchantSku: "B", quantity: 1, price: 3 }] },
      { status: "Open", lineItems: [{ merchantSku: "C", quantity: 1 }] },
      { orderNumber: "9003", status: "Open", lineItems: [{ hepsiburadaSku: "HBV", quantity: 1 }] },
    ];
    const { adapter } = hbAdapterFor(NOWHERE, {}, cannedFetch({ body: { totalCount: 4, items } }));
    const page = await adapter.pullOrders?.({ since: new Date("2026-11-20T09:00:00Z"), until: new Date("2026-11-20T11:00:00Z") });
    expect(page?.orders.map((o) => [o.externalId, o.status, o.lastModifiedAt, o.lines])).toEqual([
      ["9001", "CREATED", "2026-11-20T10:05:00.000Z", [{ barcode: "A", quantity: 3, unitPrice: 1050 }]],
      ["9002", "OTHER", "2026-11-20T10:05:00.000Z", [{ barcode: "B", quantity: 1, unitPrice: 300 }]],
      [undefined, "CREATED", "2026-11-20T09:00:00.000Z", [{ barcode: "C", quantity: 1, unitPrice: 0 }]],
      ["9003", "CREATED", "2026-11-20T09:00:00.000Z", [{ barcode: "", quantity: 1, unitPrice: 0 }]],
    ]);
    expect(page?.next).toBeNull();
  });

  test("a page token the adapter did not issue is refused (422), and an unreadable list is an unknown outcome", async () => {
    const { adapter } = hbAdapterFor(NOWHERE, {}, cannedFetch({ body: { nothing: true } }));
    const window = { since: new Date(0), until: new Date(hour) };
    await expect(adapter.pullOrders?.({ ...window, page: "garbage" })).rejects.toMatchObject({ code: "MARKETPLACE_PAGE_INVALID" });
    await expect(adapter.pullOrders?.(window)).rejects.toMatchObject({ failure: "UNREADABLE_ANSWER" });
  });
});

import { describe, expect, test } from "bun:test";
import { normalisePazaramaOrder } from "../../src/domains/marketplace/pazarama/orders";
import { fakePazarama, json, PZ_ACCOUNT, pzAdapterFor, pzSandbox } from "./pazarama-support";
import { NOWHERE, thrownBy } from "./fakes";

async function createOrder(url: string, lines: { code: string; quantity: number; unitPrice: number }[]) {
  const res = await fetch(`${url}/__sandbox/marketplaces/pazarama/${PZ_ACCOUNT.account}/orders`, { method: "POST", body: JSON.stringify({ lines }) });
  return ((await res.json()) as { id: string }).id;
}

describe("Pazarama adapter: order search", () => {
  test("posts the window as Turkish days and the page to /order/getOrdersForApiV2 (the default) and normalises each order", async () => {
    const placedAt = Date.UTC(2026, 11, 1, 9, 30);
    let clock = placedAt;
    const target = await pzSandbox({ now: () => clock });
    const id = await createOrder(target.url, [{ code: "BC1", quantity: 2, unitPrice: 11285 }]);
    clock += 60_000;
    const { adapter, sent, calls } = pzAdapterFor(target);
    const page = await adapter.pullOrders?.({ since: new Date(placedAt - 60_000), until: new Date(clock) });
    const request = sent.at(-1);
    expect([request?.method, request?.url.pathname, request?.headers.get("content-type")]).toEqual(["POST", "/order/getOrdersForApiV2", "application/json"]);
    // 09:29 UTC is 12:29 in Turkey on 1 Dec; the end day is excluded, so the next day closes the window.
    expect(JSON.parse(request?.body ?? "{}")).toEqual({ pageSize: 100, pageNumber: 1, startDate: "2026-12-01", endDate: "2026-12-02" });
    expect(page?.next).toBeNull();
    const itemIds = (page?.orders[0]?.raw as { items: { orderItemId: string }[] }).items.map((item) => item.orderItemId);
    expect(page?.orders).toEqual([
      {
        externalId: id,
        packageId: id,
        status: "CREATED",
        marketplaceStatus: "3",
        // V2 lists each unit as its own item with its own orderItemId: each a line, so each can be cancelled alone.
        lines: itemIds.map((lineId) => ({ barcode: "BC1", quantity: 1, unitPrice: 11285, lineId })),
        currency: "TRY",
        lastModifiedAt: new Date(placedAt).toISOString(),
        // The order is keyed by orderId; Pazarama's own calls take its orderNumber.
        marketplaceOrderNumber: String((page?.orders[0]?.raw as { orderNumber: number }).orderNumber),
        // The sandbox's shipping term: two days after the order (estimatedShippingDate).
        dispatchBy: new Date(placedAt + 2 * 24 * 60 * 60 * 1000).toISOString(),
        raw: expect.objectContaining({ orderId: id, orderDate: "2026-12-01 12:30" }),
      },
    ]);
    expect(calls.at(-1)).toMatchObject({ callType: "GET_ORDERS", httpStatus: 200 });
  });

  test("full pages lead to the next page until a short one; a cancellation shows as CANCELLED under its order date", async () => {
    const target = await pzSandbox();
    const since = new Date(Date.now() - 60_000);
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) ids.push(await createOrder(target.url, [{ code: `C${i}`, quantity: 1, unitPrice: 100 }]));
    await fetch(`${target.url}/__sandbox/marketplaces/pazarama/${PZ_ACCOUNT.account}/orders/${ids[0]}/cancel`, { method: "POST" });
    const { adapter, sent } = pzAdapterFor(target, { orderPageSize: 2 });
    const until = new Date(Date.now() + 1000);
    const seen = [];
    let next: string | null | undefined;
    do {
      const page = await adapter.pullOrders?.({ since, until, ...(next ? { page: next } : {}) });
      seen.push(...(page?.orders ?? []));
      next = page?.next;
    } while (next);
    expect(sent.filter((s) => s.url.pathname === "/order/getOrdersForApiV2").map((s) => (JSON.parse(s.body ?? "{}") as { pageNumber: number }).pageNumber)).toEqual([1, 2]);
    expect(seen.map((o) => [o.externalId, o.status])).toEqual([
      [ids[0] ?? "", "CANCELLED"],
      [ids[1] ?? "", "CREATED"],
      [ids[2] ?? "", "CREATED"],
    ]);
  });

  test("the paged call, when the store chooses it: StartDate/EndDate/Page/Size to /order/getOrdersForApi, paged by totalCount", async () => {
    const target = await pzSandbox({ variants: { pazaramaOrders: "PAGED" } });
    const since = new Date(Date.now() - 60_000);
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) ids.push(await createOrder(target.url, [{ code: `P${i}`, quantity: 2, unitPrice: 100 }]));
    const { adapter, sent } = pzAdapterFor(target, { orderCall: "PAGED", orderPageSize: 2 });
    const until = new Date(Date.now() + 1000);
    const first = await adapter.pullOrders?.({ since, until });
    const second = first?.next ? await adapter.pullOrders?.({ since, until, page: first.next }) : undefined;
    expect(second?.next).toBeNull();
    const bodies = sent.filter((s) => s.url.pathname === "/order/getOrdersForApi").map((s) => JSON.parse(s.body ?? "{}") as Record<string, unknown>);
    expect(bodies.map((b) => [b.Page, b.Size])).toEqual([[1, 2], [2, 2]]);
    expect(bodies[0]?.StartDate).toBe(since.toISOString().slice(0, 19));
    expect([...(first?.orders ?? []), ...(second?.orders ?? [])].map((o) => [o.externalId, o.lines.map(({ lineId: _id, ...line }) => line)])).toEqual(ids.map((id, i) => [id, [{ barcode: `P${i}`, quantity: 2, unitPrice: 100 }]]));
  });

  test("a sandbox playing one order call answers the other with 404", async () => {
    const target = await pzSandbox({ variants: { pazaramaOrders: "PAGED" } });
    const { adapter } = pzAdapterFor(target);
    const error = await thrownBy(async () => adapter.pullOrders?.({ since: new Date(Date.now() - 60_000), until: new Date() }));
    expect((error as { code: string }).code).toBe("MARKETPLACE_NOT_FOUND");
  });

  test("a long window is walked in slices whose whole days span at most 28 days", async () => {
    const bodies: { startDate: string; endDate: string }[] = [];
    const next = fakePazarama((_url, init) => {
      bodies.push(JSON.parse(String(init?.body)) as { startDate: string; endDate: string });
      return json(200, { data: [], success: true });
    });
    const { adapter } = pzAdapterFor(NOWHERE, {}, next);
    const since = new Date("2026-10-01T00:00:00Z");
    const until = new Date("2026-12-01T00:00:00Z");
    let page = await adapter.pullOrders?.({ since, until });
    while (page?.next) page = await adapter.pullOrders?.({ since, until, page: page.next });
    expect(bodies.map((b) => [b.startDate, b.endDate])).toEqual([
      ["2026-10-01", "2026-10-29"],
      ["2026-10-28", "2026-11-25"],
      ["2026-11-24", "2026-12-02"],
    ]);
  });

  test("a page token we did not issue is a 422", async () => {
    const { adapter } = pzAdapterFor(NOWHERE);
    const error = await thrownBy(() => adapter.pullOrders?.({ since: new Date(0), until: new Date(), page: "bogus" }) ?? Promise.resolve());
    expect((error as { code: string }).code).toBe("MARKETPLACE_PAGE_INVALID");
  });
});

describe("Pazarama order normaliser", () => {
  test("reads amounts given as { value }, line codes from the line, and unknown statuses as OTHER", () => {
    const [order] = normalisePazaramaOrder({
      orderNumber: 42,
      orderDate: "2026-11-02T10:00:00Z",
      orderStatusName: "Kargoya Verildi",
      orderItems: [{ code: "L1", quantity: "3", salePrice: { value: 19.9, currency: "TL" } }],
    }, new Date(0));
    expect(order).toMatchObject({ externalId: "42", status: "OTHER", lastModifiedAt: "2026-11-02T10:00:00.000Z", lines: [{ barcode: "L1", quantity: 3, unitPrice: 1990 }] });
  });

  test("an order without id, date or item list goes on for intake to flag (no id; the window's start; no lines), as does a line without code, quantity or price", () => {
    const listedFrom = new Date("2026-11-01T00:00:00Z");
    expect(normalisePazaramaOrder({ orderDate: "2026-11-02T00:00:00Z", items: [] }, listedFrom)).toMatchObject([{ externalId: undefined, lastModifiedAt: "2026-11-02T00:00:00.000Z" }]);
    expect(normalisePazaramaOrder({ orderId: "x", items: "none" }, listedFrom)).toMatchObject([{ externalId: "x", lastModifiedAt: listedFrom.toISOString(), lines: [] }]);
    const lines = normalisePazaramaOrder({ orderId: "x", orderDate: "2026-11-02", items: [{ quantity: 1 }, { code: "C", quantity: "0", salePrice: 1 }] }, listedFrom)[0]?.lines;
    expect(lines).toEqual([
      { barcode: "", quantity: 1, unitPrice: Number.NaN },
      { barcode: "C", quantity: 0, unitPrice: 100 },
    ]);
  });
});

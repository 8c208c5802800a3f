import { describe, expect, test } from "bun:test";
import { normalisePazaramaOrder } from "../../src/domains/marketplace/pazarama/orders";
import { fakePazarama, json, PZ_ACCOUNT, pzAdapterFor, pzSandbox } from "./pazarama-support";
import { NOWHERE, thrownBy } from "./fakes";

async function createOrder(url: string, lines: { code: string; quantity: number; unitPrice: number }[]) {
  const res = await fetch(`${url}/__sandbox/marketplaces/pazarama/${PZ_ACCOUNT.account}/orders`, { method: "POST", body: JSON.stringify({ lines }) });
  return ((await res.json()) as { id: string }).id;
}

describe("Pazarama adapter: order search", () => {
  test("posts the window and page to /order/getOrdersForApi and normalises each order", async () => {
    const target = await pzSandbox();
    const since = new Date(Date.now() - 60_000);
    const id = await createOrder(target.url, [{ code: "BC1", quantity: 2, unitPrice: 11285 }]);
    const { adapter, sent, calls } = pzAdapterFor(target);
    const until = new Date(Date.now() + 1000);
    const page = await adapter.pullOrders?.({ since, until });
    const request = sent.at(-1);
    expect([request?.method, request?.url.pathname, request?.headers.get("content-type")]).toEqual(["POST", "/order/getOrdersForApi", "application/json"]);
    expect(JSON.parse(request?.body ?? "{}")).toEqual({ startDate: since.toISOString(), endDate: until.toISOString(), pageNumber: 1, pageSize: 100 });
    expect(page?.next).toBeNull();
    expect(page?.orders).toEqual([
      {
        externalId: id,
        status: "CREATED",
        marketplaceStatus: "Siparişiniz Alındı",
        lines: [{ barcode: "BC1", quantity: 2, unitPrice: 11285 }],
        currency: "TRY",
        lastModifiedAt: expect.any(String),
        raw: expect.objectContaining({ orderId: id }),
      },
    ]);
    expect(calls.at(-1)).toMatchObject({ callType: "GET_ORDERS", httpStatus: 200 });
  });

  test("full pages lead to the next page until a short one; a cancellation shows as CANCELLED", async () => {
    const target = await pzSandbox();
    const since = new Date(Date.now() - 60_000);
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) ids.push(await createOrder(target.url, [{ code: `C${i}`, quantity: 1, unitPrice: 100 }]));
    // A later modification time than the creations, so the cancellation sorts last.
    await new Promise((resolve) => setTimeout(resolve, 5));
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
    expect(sent.filter((s) => s.url.pathname === "/order/getOrdersForApi").map((s) => (JSON.parse(s.body ?? "{}") as { pageNumber: number }).pageNumber)).toEqual([1, 2]);
    expect(seen.map((o) => [o.externalId, o.status])).toEqual([
      [ids[1] ?? "", "CREATED"],
      [ids[2] ?? "", "CREATED"],
      [ids[0] ?? "", "CANCELLED"],
    ]);
  });

  test("a window longer than 7 days is walked in slices of at most 7 days", async () => {
    const bodies: { startDate: string; endDate: string }[] = [];
    const next = fakePazarama((_url, init) => {
      bodies.push(JSON.parse(String(init?.body)) as { startDate: string; endDate: string });
      return json(200, { data: [], success: true });
    });
    const { adapter } = pzAdapterFor(NOWHERE, {}, next);
    const since = new Date("2026-11-01T00:00:00Z");
    const until = new Date("2026-11-20T00:00:00Z");
    let page = await adapter.pullOrders?.({ since, until });
    while (page?.next) page = await adapter.pullOrders?.({ since, until, page: page.next });
    expect(bodies.map((b) => [b.startDate.slice(0, 10), b.endDate.slice(0, 10)])).toEqual([
      ["2026-11-01", "2026-11-08"],
      ["2026-11-08", "2026-11-15"],
      ["2026-11-15", "2026-11-20"],
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
    const order = normalisePazaramaOrder({
      orderNumber: 42,
      orderDate: "2026-11-02T10:00:00Z",
      orderStatusName: "Kargoya Verildi",
      orderItems: [{ code: "L1", quantity: "3", salePrice: { value: 19.9, currency: "TL" } }],
    }, new Date(0));
    expect(order).toMatchObject({ externalId: "42", status: "OTHER", lastModifiedAt: "2026-11-02T10:00:00.000Z", lines: [{ barcode: "L1", quantity: 3, unitPrice: 1990 }] });
  });

  test("an order without id, date or item list goes on for intake to flag (no id; the window's start; no lines), as does a line without code, quantity or price", () => {
    const listedFrom = new Date("2026-11-01T00:00:00Z");
    expect(normalisePazaramaOrder({ orderDate: "2026-11-02T00:00:00Z", items: [] }, listedFrom)).toMatchObject({ externalId: undefined, lastModifiedAt: "2026-11-02T00:00:00.000Z" });
    expect(normalisePazaramaOrder({ orderId: "x", items: "none" }, listedFrom)).toMatchObject({ externalId: "x", lastModifiedAt: listedFrom.toISOString(), lines: [] });
    const lines = normalisePazaramaOrder({ orderId: "x", orderDate: "2026-11-02", items: [{ quantity: 1 }, { code: "C", quantity: "0", salePrice: 1 }] }, listedFrom).lines;
    expect(lines).toEqual([
      { barcode: "", quantity: 1, unitPrice: Number.NaN },
      { barcode: "C", quantity: 0, unitPrice: 100 },
    ]);
  });
});

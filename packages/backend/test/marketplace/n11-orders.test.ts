import { describe, expect, test } from "bun:test";
import { normaliseN11Package } from "../../src/domains/marketplace/n11/orders";
import type { MarketplaceAdapter } from "../../src/domains/marketplace/adapter";
import type { NormalisedOrder } from "../../src/domains/marketplace/types";
import { AppError } from "../../src/infra/errors";
import { N11_ACCOUNT, n11AdapterFor, n11Sandbox, packagesPath } from "./n11-support";
import { cannedFetch, NOWHERE, thrownBy } from "./fakes";

const DAY = 24 * 60 * 60 * 1000;

async function createOrder(url: string, lines: { code: string; quantity: number; unitPrice: number }[]) {
  const res = await fetch(`${url}/__sandbox/marketplaces/n11/${N11_ACCOUNT.account}/orders`, { method: "POST", body: JSON.stringify({ lines }) });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; payload: { id: string; orderNumber: string; lines: { orderLineId: number }[] } };
}

async function pullAll(adapter: MarketplaceAdapter, since: Date, until: Date): Promise<NormalisedOrder[]> {
  const orders: NormalisedOrder[] = [];
  let page: string | undefined;
  for (let i = 0; i < 100; i += 1) {
    const answer = await adapter.pullOrders?.({ since, until, ...(page === undefined ? {} : { page }) });
    if (!answer) throw new Error("no pullOrders");
    orders.push(...answer.orders);
    if (answer.next === null) return orders;
    page = answer.next;
  }
  throw new Error("the pull did not end");
}

describe("N11 adapter: order intake from shipment packages", () => {
  test("one status per request, each window and page walked; packages normalised with the raw payload kept", async () => {
    const target = await n11Sandbox();
    const { adapter, sent, calls } = n11AdapterFor(target);
    const kept = await createOrder(target.url, [{ code: "BC1", quantity: 2, unitPrice: 11285 }, { code: "BC2", quantity: 1, unitPrice: 500 }]);
    const gone = await createOrder(target.url, [{ code: "BC3", quantity: 1, unitPrice: 100 }]);
    expect((await fetch(`${target.url}/__sandbox/marketplaces/n11/${N11_ACCOUNT.account}/orders/${gone.id}/cancel`, { method: "POST" })).status).toBe(200);
    const now = Date.now();
    const orders = await pullAll(adapter, new Date(now - 60_000), new Date(now + 60_000));
    expect(sent.map((s) => [s.method, s.url.pathname, s.url.searchParams.get("status")])).toEqual(
      // Every status a package can have: one that moved on before the pull saw it is read where it is now.
      ["Created", "Picking", "UnPacked", "Shipped", "Delivered", "Cancelled", "UnSupplied"].map((status) => ["GET", packagesPath, status]),
    );
    for (const request of sent) {
      expect(request.headers.get("appkey")).toBe(N11_ACCOUNT.key);
      expect(request.url.searchParams.get("startDate")).toBe(String(now - 60_000));
      expect(request.url.searchParams.get("endDate")).toBe(String(now + 60_000 - 1));
      expect([request.url.searchParams.get("page"), request.url.searchParams.get("size")]).toEqual(["0", "100"]);
    }
    expect(calls.map((c) => [c.callType, c.httpStatus])).toEqual(Array.from({ length: 7 }, () => ["GET_ORDERS", 200]));
    // The order is its orderNumber, the package its id.
    expect(orders.map((o) => [o.externalId, o.packageId, o.status, o.marketplaceStatus])).toEqual([
      [kept.id, String(kept.payload.id), "CREATED", "Created"],
      [gone.id, String(gone.payload.id), "CANCELLED", "Cancelled"],
    ]);
    const lineIds = kept.payload.lines.map((line: { orderLineId: number }) => String(line.orderLineId));
    expect(orders[0]?.lines).toEqual([
      { barcode: "", stockCode: "BC1", quantity: 2, unitPrice: 11285, lineId: lineIds[0] },
      { barcode: "", stockCode: "BC2", quantity: 1, unitPrice: 500, lineId: lineIds[1] },
    ]);
    expect(orders[0]?.currency).toBe("TRY");
    expect(Date.parse(orders[0]?.lastModifiedAt ?? "")).toBeGreaterThan(now - 60_000);
    expect((orders[0]?.raw as { orderNumber: string }).orderNumber).toBe(kept.payload.orderNumber);
  });

  test("pages of a status are followed before the next status", async () => {
    const target = await n11Sandbox();
    const { adapter, sent } = n11AdapterFor(target, { orderPageSize: 2, orderStatuses: ["Created"] });
    const created = [];
    for (let i = 0; i < 5; i += 1) created.push((await createOrder(target.url, [{ code: `P${i}`, quantity: 1, unitPrice: 100 }])).id);
    const now = Date.now();
    const orders = await pullAll(adapter, new Date(now - 60_000), new Date(now + 60_000));
    expect(orders.map((o) => o.externalId).sort()).toEqual(created.sort());
    expect(sent.map((s) => s.url.searchParams.get("page"))).toEqual(["0", "1", "2"]);
  });

  test("a package leaving the Created list between pages does not make the pull skip the one after it: the status is walked again", async () => {
    const target = await n11Sandbox();
    const created: { id: string }[] = [];
    for (let i = 0; i < 5; i += 1) created.push((await createOrder(target.url, [{ code: `M${i}`, quantity: 1, unitPrice: 100 }])).payload);
    let moved = false;
    // After the first page, the first package read moves on to Picking (N11 lists one status per request).
    const moving = async (input: string | URL | Request, init?: RequestInit) => {
      const answer = await fetch(input, init);
      if (!moved) {
        moved = true;
        await fetch(`${target.url}/__sandbox/marketplaces/n11/${N11_ACCOUNT.account}/package-status`, { method: "POST", body: JSON.stringify({ packageId: String(created[0]?.id), status: "Picking" }) });
      }
      return answer;
    };
    const { adapter, sent } = n11AdapterFor(target, { orderPageSize: 2, orderStatuses: ["Created"] }, Object.assign(moving, { preconnect: fetch.preconnect }));
    const now = Date.now();
    const orders = await pullAll(adapter, new Date(now - 60_000), new Date(now + 60_000));
    // Pages 0 and 1 held 4 of the 5 the first page counted (the third moved onto page 0): walked again.
    expect(sent.map((s) => s.url.searchParams.get("page"))).toEqual(["0", "1", "0", "1"]);
    expect([...new Set(orders.map((o) => o.packageId))].sort()).toEqual(created.map((p) => String(p.id)).sort());
  });

  test("a 40-day pull is split into windows inside the 15 days N11 serves, back to back", async () => {
    const target = await n11Sandbox();
    const { adapter, sent } = n11AdapterFor(target, { orderStatuses: ["Created"] });
    const until = Date.now();
    const since = until - 40 * DAY;
    await pullAll(adapter, new Date(since), new Date(until));
    const windows = sent.map((s) => [Number(s.url.searchParams.get("startDate")), Number(s.url.searchParams.get("endDate"))]);
    expect(windows).toEqual([
      [since, since + 14 * DAY - 1],
      [since + 14 * DAY, since + 28 * DAY - 1],
      [since + 28 * DAY, until - 1],
    ]);
    expect(target.state.requests().map((r) => r.status)).toEqual([200, 200, 200]);
  });

  test("an empty window makes no request; a page token we did not issue is refused", async () => {
    const { adapter, sent } = n11AdapterFor(NOWHERE, {}, cannedFetch({ body: { content: [] } }));
    const at = new Date();
    expect(await adapter.pullOrders?.({ since: at, until: at })).toEqual({ orders: [], next: null });
    expect(sent).toHaveLength(0);
    const error = (await thrownBy(async () => adapter.pullOrders?.({ since: at, until: new Date(at.getTime() + 1000), page: "not-ours" }))) as AppError;
    expect(error.code).toBe("MARKETPLACE_PAGE_INVALID");
  });

  test("the mapper: statuses, N11's date forms and price strings", () => {
    const base = { id: 9, orderNumber: "N9", lines: [{ orderLineId: 1, stockCode: "S", quantity: 3, price: "112.85" }] };
    const map = (extra: Record<string, unknown>) => normaliseN11Package({ ...base, ...extra }, new Date(0));
    expect(map({ shipmentPackageStatus: "Picking", lastModifiedDate: 1_767_225_600_000 })).toMatchObject({
      externalId: "N9",
      packageId: "9",
      status: "CREATED",
      lastModifiedAt: "2026-01-01T00:00:00.000Z",
      lines: [{ barcode: "", stockCode: "S", quantity: 3, unitPrice: 11285, lineId: "1" }],
    });
    // No orderNumber: the package id stands for the order, as before.
    expect(map({ orderNumber: undefined, shipmentPackageStatus: "Created" })).toMatchObject({ externalId: "9", packageId: "9" });
    // A line without its orderLineId: no line of the package is named (it is taken whole).
    expect(map({ lines: [...base.lines, { stockCode: "T", quantity: 1, price: 1 }] }).lines.map((line) => line.lineId)).toEqual([undefined, undefined]);
    // UnPacked: the package a split replaced (the split pages' wording) holds none of the units it lists.
    expect(map({ shipmentPackageStatus: "UnPacked" })).toMatchObject({ status: "OTHER", partition: { holds: false } });
    expect(map({ shipmentPackageStatus: "Picking" })).toMatchObject({ partition: { holds: true } });
    expect(map({ shipmentPackageStatus: "Cancelled" })).toMatchObject({ status: "CANCELLED", partition: { holds: false } });
    expect(map({ shipmentPackageStatus: "UnSupplied", lastModifiedDate: "01-01-2026 03:00:00" })).toMatchObject({ status: "CANCELLED", lastModifiedAt: "2026-01-01T00:00:00.000Z" });
    expect(map({ shipmentPackageStatus: "Shipped", createdDate: "2026-01-01T00:00:00Z" })).toMatchObject({ status: "OTHER", marketplaceStatus: "Shipped" });
  });

  test("a package without an id or a readable date goes on (no id; the window's start for its time), so the pull neither stops nor skips it", async () => {
    const content = [
      { shipmentPackageStatus: "Created", lastModifiedDate: 1, lines: [{ stockCode: "A", quantity: 1, price: 1 }] },
      { id: 12, shipmentPackageStatus: "Created", lastModifiedDate: "someday", lines: [{ stockCode: "A", quantity: 1, price: 1 }] },
      "not a package",
    ];
    const { adapter } = n11AdapterFor(NOWHERE, {}, cannedFetch({ body: { content, totalPages: 1 } }));
    const page = await adapter.pullOrders?.({ since: new Date(500), until: new Date(1000) });
    expect(page?.orders.map((o) => [o.externalId, o.lastModifiedAt, o.raw])).toEqual([
      [undefined, new Date(1).toISOString(), content[0]],
      ["12", new Date(500).toISOString(), content[1]],
      [undefined, new Date(500).toISOString(), "not a package"],
    ]);
  });
});

import { describe, expect, test } from "bun:test";
import type { RunningSandbox } from "@pazarsync/marketplace-sandbox";
import { HB_ACCOUNT, hbAdapterFor, hbSandbox, ordersPath } from "./hepsiburada-support";
import { cannedFetch, NOWHERE, thrownBy } from "./fakes";
import { cancelledPackageOf } from "../../src/domains/marketplace/hepsiburada/order-normaliser";

async function createOrder(target: RunningSandbox, lines: { code: string; quantity: number; unitPrice: number }[]) {
  const res = await fetch(`${target.url}/__sandbox/marketplaces/hepsiburada/${HB_ACCOUNT.account}/orders`, { method: "POST", body: JSON.stringify({ lines }) });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string };
}

const hour = 60 * 60 * 1000;

const cancelledPath = `${ordersPath}/cancelled`;
const packagesPath = `/packages/merchantid/${HB_ACCOUNT.account}`;

describe("Hepsiburada order pull", () => {
  test("order lines are grouped into one order per orderNumber (merchantSKU, kuruş, TRY, CREATED, the open-list package, line ids); a cancel comes back from the cancelled list as one CANCELLED delivery per cancelled line", async () => {
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
      packageId: "open-list",
      status: "CREATED",
      marketplaceStatus: "Open",
      currency: "TRY",
      lines: [
        { barcode: "SKU-1", stockCode: "SKU-1", quantity: 2, unitPrice: 11285, lineId: `${created.id}-1` },
        { barcode: "SKU-2", stockCode: "SKU-2", quantity: 1, unitPrice: 500, lineId: `${created.id}-2` },
      ],
    });
    expect(Math.abs(Date.parse(order?.lastModifiedAt ?? "") - Date.now())).toBeLessThan(5_000);
    expect(order?.raw).toMatchObject({ orderNumber: created.id, lines: [{ merchantSKU: "SKU-1" }, { merchantSKU: "SKU-2" }] });
    expect(sent.map((r) => r.url.pathname)).toEqual([ordersPath, packagesPath, cancelledPath]);
    expect(sent[0]?.url.search).toMatch(/^\?offset=0&limit=100&begindate=\d{4}-\d{2}-\d{2}%20\d{2}%3A\d{2}&enddate=\d{4}-\d{2}-\d{2}%20\d{2}%3A\d{2}$/);
    expect(sent[1]?.url.search).toBe("?Offset=0&limit=10");
    expect(sent[2]?.url.search).toBe("?offset=0&limit=50");
    expect(calls.map((c) => [c.callType, c.httpStatus])).toEqual([
      ["GET_ORDERS", 200],
      ["GET_ORDERS", 200],
      ["GET_ORDERS", 200],
    ]);

    const cancel = await fetch(`${target.url}/__sandbox/marketplaces/hepsiburada/${HB_ACCOUNT.account}/orders/${created.id}/cancel`, { method: "POST" });
    expect(cancel.status).toBe(200);
    const again = await adapter.pullOrders?.({ since, until: new Date(Date.now() + 2000) });
    expect(again?.orders.map((o) => [o.externalId, o.status, o.packageId?.replace(/:\d{4}-\d{2}-\d{2}T[\d:.]+Z?$/, ":<cancelDate>"), o.lines])).toEqual([
      [created.id, "CANCELLED", `cancelled:${created.id}-1:<cancelDate>`, [{ barcode: "SKU-1", stockCode: "SKU-1", quantity: 2, unitPrice: 0, lineId: `${created.id}-1` }]],
      [created.id, "CANCELLED", `cancelled:${created.id}-2:<cancelDate>`, [{ barcode: "SKU-2", stockCode: "SKU-2", quantity: 1, unitPrice: 0, lineId: `${created.id}-2` }]],
    ]);
  });

  test("one pull call reads every page of its window (offset by lines, at most limit each), so an order is whole", async () => {
    const target = await hbSandbox();
    const { adapter, sent } = hbAdapterFor(target, { orderPageSize: 2 });
    const since = new Date(Date.now() - hour);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const lines = [
        { code: `C${i}`, quantity: 1, unitPrice: 100 },
        { code: `D${i}`, quantity: 2, unitPrice: 200 },
        { code: `E${i}`, quantity: 3, unitPrice: 300 },
      ];
      ids.push((await createOrder(target, lines)).id);
    }
    const answer = await adapter.pullOrders?.({ since, until: new Date(Date.now() + 1000) });
    expect(answer?.next).toBeNull();
    expect(answer?.orders.map((o) => [o.externalId, o.lines.length])).toEqual(ids.map((id) => [id, 3]));
    expect(sent.filter((r) => r.url.pathname === ordersPath).map((r) => [r.url.searchParams.get("offset"), r.url.searchParams.get("limit")])).toEqual([
      ["0", "2"],
      ["2", "2"],
      ["4", "2"],
      ["6", "2"],
      ["8", "2"],
    ]);
  });

  test("windows are at most 24 h (a wider setting is refused) and split; dates go out at Turkey time, begin floored and end ceiled to the minute; the cancelled list is read once, after the last window", async () => {
    expect(await thrownBy(async () => hbAdapterFor(NOWHERE, { maxOrderWindowMs: 25 * hour }))).toMatchObject({
      code: "MARKETPLACE_CONFIG_INVALID",
      details: { problems: ["maxOrderWindowMs must be at most 86400000 (24 hours)"] },
    });
    const { adapter, sent } = hbAdapterFor(NOWHERE, { maxOrderWindowMs: 2 * hour }, cannedFetch({ body: { totalCount: 0, offset: 0, limit: 100, pageCount: 0, items: [] } }));
    const since = new Date("2026-11-20T10:00:30Z");
    const until = new Date("2026-11-20T13:00:10Z");
    const first = await adapter.pullOrders?.({ since, until });
    expect(first?.next).not.toBeNull();
    const second = await adapter.pullOrders?.({ since, until, page: first?.next ?? undefined });
    expect(second?.next).toBeNull();
    expect(sent.map((r) => [r.url.pathname, r.url.searchParams.get("begindate"), r.url.searchParams.get("enddate")])).toEqual([
      [ordersPath, "2026-11-20 13:00", "2026-11-20 15:01"],
      [ordersPath, "2026-11-20 15:00", "2026-11-20 16:01"],
      [packagesPath, null, null],
      [cancelledPath, null, null],
    ]);
  });

  test("zoneless times (up to seven fractional digits) are Turkey time; lines keep their line ids (lines of one SKU add up only when some line has none); a line without an order number is an order of its own without an id, and one without SKU, quantity or price goes on for intake to flag", async () => {
    const items = [
      { id: "1", orderNumber: "9001", status: "Open", orderDate: "2026-11-20T13:05:00.4518986", merchantSKU: "A", quantity: 1, unitPrice: { amount: "10.50" } },
      { id: "2", orderNumber: "9001", status: "Open", orderDate: "2026-11-20T13:05:00", merchantSKU: "A", quantity: 2, unitPrice: { amount: 10.5 } },
      { id: "3", orderNumber: "9002", status: "Open", orderDate: "2026-11-20T10:05:00Z", merchantSKU: "B", quantity: 1, unitPrice: { amount: 3 } },
      { id: "4", status: "Open", merchantSKU: "C", quantity: 1 },
      { id: "5", orderNumber: "9003", status: "Open", sku: "HBV", quantity: 1 },
      { id: "6", orderNumber: "9004", status: "Open", merchantSKU: "D", quantity: 0 },
      { orderNumber: "9005", status: "Open", merchantSKU: "E", quantity: 1, unitPrice: { amount: 1 } },
      { orderNumber: "9005", status: "Open", merchantSKU: "E", quantity: 2, unitPrice: { amount: 1 } },
    ];
    const { adapter } = hbAdapterFor(NOWHERE, {}, cannedFetch({ body: { totalCount: 8, items } }, { body: { totalCount: 0, items: [] } }));
    const page = await adapter.pullOrders?.({ since: new Date("2026-11-20T09:00:00Z"), until: new Date("2026-11-20T11:00:00Z") });
    expect(page?.orders.map((o) => [o.externalId, o.status, o.lastModifiedAt, o.lines])).toEqual([
      [
        "9001",
        "CREATED",
        "2026-11-20T10:05:00.451Z",
        [
          { barcode: "A", stockCode: "A", quantity: 1, unitPrice: 1050, lineId: "1" },
          { barcode: "A", stockCode: "A", quantity: 2, unitPrice: 1050, lineId: "2" },
        ],
      ],
      ["9002", "CREATED", "2026-11-20T10:05:00.000Z", [{ barcode: "B", stockCode: "B", quantity: 1, unitPrice: 300, lineId: "3" }]],
      // Formerly left out without a word. Without a time of their own they stand at the window's start.
      [undefined, "CREATED", "2026-11-20T09:00:00.000Z", [{ barcode: "C", stockCode: "C", quantity: 1, unitPrice: Number.NaN, lineId: "4" }]],
      ["9003", "CREATED", "2026-11-20T09:00:00.000Z", [{ barcode: "", quantity: 1, unitPrice: Number.NaN, lineId: "5" }]],
      ["9004", "CREATED", "2026-11-20T09:00:00.000Z", [{ barcode: "D", stockCode: "D", quantity: 0, unitPrice: Number.NaN, lineId: "6" }]],
      ["9005", "CREATED", "2026-11-20T09:00:00.000Z", [{ barcode: "E", stockCode: "E", quantity: 3, unitPrice: 100 }]],
    ]);
    expect(page?.orders[2]?.raw).toEqual({ lines: [items[3]] });
    expect(page?.next).toBeNull();
  });

  test("a cancelled line of an order whose other lines are still open goes on as its own CANCELLED delivery naming the line (the open order keeps the rest); a record read twice is one; a record without a line id names no order", async () => {
    const open = [{ id: "1", orderNumber: "9001", status: "Open", orderDate: "2026-11-20T13:05:00", merchantSKU: "A", quantity: 1, unitPrice: { amount: 1 } }];
    const cancelled = [
      { lineItemId: "2", orderNumber: "9001", merchantSku: "B", quantity: 1, cancelDate: "2026-11-20T13:06:00" },
      { lineItemId: "3", orderNumber: "9002", merchantSku: "C", quantity: 2, cancelDate: "2026-11-20T13:07:00" },
      { lineItemId: "3", orderNumber: "9002", merchantSku: "C", quantity: 2, cancelDate: "2026-11-20T13:07:00" },
      { lineItemId: "3", orderNumber: "9002", merchantSku: "C", quantity: 1, cancelDate: "2026-11-20T13:09:00.1234567" },
      { orderNumber: "9003", merchantSku: "D", quantity: 1, cancelDate: "2026-11-20T13:08:00" },
    ];
    const { adapter } = hbAdapterFor(NOWHERE, {}, cannedFetch({ body: { totalCount: 1, items: open } }, { body: [] }, { body: { totalCount: 5, items: cancelled } }));
    const page = await adapter.pullOrders?.({ since: new Date("2026-11-20T09:00:00Z"), until: new Date("2026-11-20T11:00:00Z") });
    expect(page?.orders.map((o) => [o.externalId, o.packageId, o.status, o.lines, o.lastModifiedAt])).toEqual([
      ["9001", "open-list", "CREATED", [{ barcode: "A", stockCode: "A", quantity: 1, unitPrice: 100, lineId: "1" }], "2026-11-20T10:05:00.000Z"],
      ["9001", "cancelled:2:2026-11-20T10:06:00.000Z", "CANCELLED", [{ barcode: "B", stockCode: "B", quantity: 1, unitPrice: 0, lineId: "2" }], "2026-11-20T10:06:00.000Z"],
      ["9002", "cancelled:3:2026-11-20T10:07:00.000Z", "CANCELLED", [{ barcode: "C", stockCode: "C", quantity: 2, unitPrice: 0, lineId: "3" }], "2026-11-20T10:07:00.000Z"],
      ["9002", "cancelled:3:2026-11-20T10:09:00.123Z", "CANCELLED", [{ barcode: "C", stockCode: "C", quantity: 1, unitPrice: 0, lineId: "3" }], "2026-11-20T10:09:00.123Z"],
      [undefined, "cancelled:unnamed", "CANCELLED", [{ barcode: "D", stockCode: "D", quantity: 1, unitPrice: 0 }], "2026-11-20T10:08:00.000Z"],
    ]);
  });

  test("a page token the adapter did not issue is refused (422), and an unreadable list is an unknown outcome", async () => {
    const { adapter } = hbAdapterFor(NOWHERE, {}, cannedFetch({ body: { nothing: true } }));
    const window = { since: new Date(0), until: new Date(hour) };
    await expect(adapter.pullOrders?.({ ...window, page: "garbage" })).rejects.toMatchObject({ code: "MARKETPLACE_PAGE_INVALID" });
    await expect(adapter.pullOrders?.(window)).rejects.toMatchObject({ failure: "UNREADABLE_ANSWER" });
  });
});

describe("Hepsiburada cancelled records", () => {
  test("one cancellation written with other fractional digits, a space for the T or an explicit +03:00 names one package (the push and the list release it once); another instant or a record without a date names another", () => {
    const line = "b17553de";
    const named = (cancelDate: unknown, quantity = 3) => cancelledPackageOf({ cancelDate, quantity }, line, 180);
    const same = ["2019-01-18T00:00:00", "2019-01-18 00:00:00", "2019-01-18T00:00:00.0000000", "2019-01-18T00:00:00.000+03:00", "2019-01-17T21:00:00Z"].map((d) => named(d));
    expect(new Set(same)).toEqual(new Set([`cancelled:${line}:2019-01-17T21:00:00.000Z`]));
    expect(named("2019-01-18T00:00:01")).not.toBe(same[0]);
    expect(named(undefined, 2)).toBe(`cancelled:${line}:q2`);
    expect(named("not a date")).toBe(`cancelled:${line}:not a date`);
  });
});

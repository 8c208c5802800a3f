import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTrendyolAdapter } from "../../src/domains/marketplace/trendyol/adapter";
import { normaliseTrendyolPackage, trendyolOrderStatus } from "../../src/domains/marketplace/trendyol/order-normaliser";
import { startSandbox, type RunningSandbox } from "@pazarsync/marketplace-sandbox";

describe("the Trendyol order normaliser", () => {
  test("reads the Dec 2025 field names: the order is the orderNumber, the package and its lines keep their ids", () => {
    const raw = { shipmentPackageId: 3001, orderNumber: "10900001", status: "Picking", currencyCode: "TRY", lastModifiedDate: 1_767_225_600_000, lines: [{ lineId: 1, barcode: "B1", quantity: 2, lineUnitPrice: 129.9, stockCode: "S1" }] };
    expect(normaliseTrendyolPackage(raw, new Date(0))).toEqual({
      externalId: "10900001",
      packageId: "3001",
      status: "CREATED",
      progress: "PICKING",
      partition: { holds: true },
      marketplaceStatus: "Picking",
      lines: [{ barcode: "B1", quantity: 2, unitPrice: 12_990, lineId: "1", stockCode: "S1" }],
      currency: "TRY",
      lastModifiedAt: new Date(1_767_225_600_000).toISOString(),
      raw,
    });
  });

  test("reads the legacy field names; without an orderNumber the package id is the order", () => {
    const raw = { id: 77, shipmentPackageStatus: "Cancelled", lastModifiedDate: 1_700_000_000_000, lines: [{ id: 1, barcode: "B1", quantity: 1, price: 10.01, merchantSku: "S" }, { id: 2, barcode: "B1", quantity: 2, price: 10.01 }] };
    expect(normaliseTrendyolPackage(raw, new Date(0))).toMatchObject({
      externalId: "77",
      packageId: "77",
      status: "CANCELLED",
      lines: [
        { barcode: "B1", quantity: 1, unitPrice: 1_001, lineId: "1", stockCode: "S" },
        { barcode: "B1", quantity: 2, unitPrice: 1_001, lineId: "2" },
      ],
      currency: "TRY",
    });
  });

  test("a package says whether it holds the units it lists: not when Cancelled, UnSupplied or UnPacked (a split replaced it)", () => {
    const holds = (status: string) => normaliseTrendyolPackage({ shipmentPackageId: 5, orderNumber: "N-5", status, lines: [{ lineId: 1, barcode: "B1", quantity: 1, lineUnitPrice: 1 }] }, new Date(0)).partition;
    expect(["Created", "Picking", "Invoiced", "Shipped", "Delivered", "Cancelled", "UnSupplied", "UnPacked"].map((status) => [status, holds(status)?.holds])).toEqual([
      ["Created", true],
      ["Picking", true],
      ["Invoiced", true],
      ["Shipped", true],
      ["Delivered", true],
      ["Cancelled", false],
      ["UnSupplied", false],
      ["UnPacked", false],
    ]);
  });

  test("lines of one barcode are added up only when some line carries no line id", () => {
    const raw = { shipmentPackageId: 78, orderNumber: "N-78", status: "Created", lastModifiedDate: 1, lines: [{ barcode: "B1", quantity: 1, lineUnitPrice: 1 }, { lineId: 9, barcode: "B1", quantity: 2, lineUnitPrice: 1 }] };
    expect(normaliseTrendyolPackage(raw, new Date(0)).lines).toEqual([{ barcode: "B1", quantity: 3, unitPrice: 100 }]);
  });

  test("maps every package status to what intake does with it", () => {
    const expected: Record<string, ReturnType<typeof trendyolOrderStatus>> = { Created: "CREATED", Picking: "CREATED", Invoiced: "CREATED", Cancelled: "CANCELLED", UnSupplied: "CANCELLED", Shipped: "OTHER", Delivered: "OTHER", Returned: "OTHER", Repack: "OTHER" };
    for (const [status, kind] of Object.entries(expected)) expect({ status, kind: trendyolOrderStatus(status) }).toEqual({ status, kind });
  });

  test("a package without an id, a time or readable lines goes on with what could be read, for intake to record NEEDS_ATTENTION", () => {
    const listedAt = new Date("2026-01-01T00:00:00Z");
    expect(normaliseTrendyolPackage({ lines: [{ barcode: "B", quantity: 1 }] }, listedAt)).toMatchObject({
      externalId: undefined,
      lines: [{ barcode: "B", quantity: 1 }],
      lastModifiedAt: listedAt.toISOString(),
    });
    expect(normaliseTrendyolPackage("nope", listedAt)).toMatchObject({ externalId: undefined, status: "OTHER", lines: [], raw: "nope" });
    expect(normaliseTrendyolPackage({ id: 1, lines: [{ quantity: 1 }, { barcode: "B", quantity: 0 }, { barcode: "B", quantity: 1 }], lastModifiedDate: 1 }, listedAt).lines).toEqual([
      { barcode: "", quantity: 1, unitPrice: Number.NaN },
      { barcode: "B", quantity: 0, unitPrice: Number.NaN },
      { barcode: "B", quantity: 1, unitPrice: Number.NaN },
    ]);
  });
});

describe("pulling orders from the sandbox", () => {
  let sandbox: RunningSandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ sellers: [{ sellerId: "771", apiKey: "key", apiSecret: "secret" }] });
  });
  afterAll(() => sandbox.stop());

  const adapter = (apiSecret = "secret") => createTrendyolAdapter({ baseUrl: sandbox.url, sellerId: "771", apiKey: "key", apiSecret });

  test("asks the stream with Basic auth, the User-Agent and a window of epoch milliseconds", async () => {
    const seen: { url: string; headers: Headers }[] = [];
    const watching = createTrendyolAdapter({
      baseUrl: sandbox.url,
      sellerId: "771",
      apiKey: "key",
      apiSecret: "secret",
      fetch: Object.assign((input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
        seen.push({ url: String(input), headers: new Headers(init?.headers) });
        return fetch(input, init);
      }, { preconnect: fetch.preconnect }),
    });
    const until = new Date();
    const since = new Date(until.getTime() - 60_000);
    await watching.pullOrders?.({ since, until });
    const url = new URL(seen[0]?.url ?? "http://x");
    expect(url.pathname).toBe("/integration/order/sellers/771/orders/stream");
    expect(Object.fromEntries(url.searchParams)).toEqual({ lastModifiedStartDate: String(since.getTime()), lastModifiedEndDate: String(until.getTime()), size: "200" });
    expect(seen[0]?.headers.get("authorization")).toBe(`Basic ${Buffer.from("key:secret").toString("base64")}`);
    expect(seen[0]?.headers.get("user-agent")).toBe("771 - SelfIntegration");
  });

  test("wrong credentials are refused as an auth failure", async () => {
    const now = new Date();
    await expect(adapter("wrong").pullOrders?.({ since: new Date(now.getTime() - 1000), until: now })).rejects.toMatchObject({ code: "MARKETPLACE_AUTH_FAILED" });
  });

  test("the sandbox refuses a window longer than 14 days", async () => {
    const res = await fetch(`${sandbox.url}/integration/order/sellers/771/orders/stream?lastModifiedStartDate=0&lastModifiedEndDate=${15 * 24 * 3600_000}`, {
      headers: { authorization: `Basic ${Buffer.from("key:secret").toString("base64")}`, "user-agent": "771 - SelfIntegration" },
    });
    expect(res.status).toBe(400);
  });

  test("a created order comes back normalised, and its cancellation on a later pull", async () => {
    const created = await fetch(`${sandbox.url}/__sandbox/sellers/771/orders`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ lines: [{ barcode: "B9", quantity: 2, unitPrice: 4_550 }] }),
    });
    const { shipmentPackageId, orderNumber } = (await created.json()) as { shipmentPackageId: number; orderNumber: string };
    const since = new Date(Date.now() - 60_000);
    const first = await adapter().pullOrders?.({ since, until: new Date(Date.now() + 1) });
    expect(first?.orders.find((o) => o.packageId === String(shipmentPackageId))).toMatchObject({
      externalId: orderNumber,
      status: "CREATED",
      lines: [{ barcode: "B9", quantity: 2, unitPrice: 4_550 }],
    });
    await fetch(`${sandbox.url}/__sandbox/sellers/771/orders/${shipmentPackageId}/cancel`, { method: "POST" });
    const second = await adapter().pullOrders?.({ since, until: new Date(Date.now() + 1) });
    expect(second?.orders.find((o) => o.packageId === String(shipmentPackageId))?.status).toBe("CANCELLED");
  });
});

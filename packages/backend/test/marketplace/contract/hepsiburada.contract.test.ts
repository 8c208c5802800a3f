/**
 * The Hepsiburada adapter against request/answer pairs transcribed from Hepsiburada's pages and a
 * published client (packages/marketplace-fixtures/hepsiburada): no sandbox here, so an assumption
 * the sandbox shares with the adapter cannot hide.
 */
import { describe, expect, test } from "bun:test";
import { type FixtureServer, fixture, fixturesOf, serveFixtures } from "@pazarsync/marketplace-fixtures";
import { createHepsiburadaAdapter, type HepsiburadaConfig } from "../../../src/domains/marketplace/hepsiburada/adapter";

/** Every call the adapter makes, by its fixture name. */
const CALLS = [
  "stock-upload",
  "stock-upload-status",
  "price-upload",
  "price-upload-status",
  "order-pull",
  "cancelled-list",
  "packages-list",
  "listing-read",
  // The way back (order-commands.ts): hepsiburada-commands.contract.test.ts replays each.
  "package-create",
  "package-invoice",
  "missing-invoice",
  "package-intransit",
  "package-detail",
  "package-labels",
  "line-cancel",
  "order-detail",
  "claim-list",
  "claim-accept",
  "claim-reject",
] as const;

function adapterOn(server: FixtureServer, overrides: Partial<HepsiburadaConfig> = {}) {
  return createHepsiburadaAdapter({
    listingBaseUrl: "https://listing-external.hepsiburada.test",
    ordersBaseUrl: "https://oms-external.hepsiburada.test",
    merchantId: "b2910839-83b9-4d45-adb6-86bad457edcb",
    serviceKey: "service-key",
    developerUsername: "pazarsync_dev",
    fetch: server.fetch,
    timeoutMs: 5_000,
    ...overrides,
  });
}

const done = (server: FixtureServer) => {
  expect(server.mismatches).toEqual([]);
  expect(server.remaining()).toBe(0);
};

describe("Hepsiburada contract", () => {
  test("every call the adapter makes has an evidence fixture", () => {
    const have = new Set(fixturesOf("hepsiburada").keys());
    expect(CALLS.filter((call) => !have.has(call))).toEqual([]);
  });

  test("stock upload (bare array) then its status: Done with a ProductNotFound element is one success and one permanent failure", async () => {
    const server = serveFixtures(fixture("hepsiburada", "stock-upload"), fixture("hepsiburada", "stock-upload-status"));
    const adapter = adapterOn(server);
    const [receipt] = await adapter.pushStockAndPrice([
      { barcode: "SKU-1", quantity: 5 },
      { barcode: "SKU-2", quantity: 0 },
    ]);
    expect(receipt?.batchId).toBe("stock:3f0a9a4e-2a1b-4c55-9d7e-6b1f0f6d2c11");
    if (!receipt) throw new Error("no receipt");
    const status = await adapter.batchStatus(receipt);
    expect(status.complete).toBe(true);
    expect(status.items.map((item) => [item.barcode, item.outcome])).toEqual([
      ["SKU-1", "SUCCEEDED"],
      ["SKU-2", "FAILED_PERMANENT"],
    ]);
    done(server);
  });

  test("listings keyed on their stock codes: merchantSku is the stock code (hepsiburadaSku beside it where known), and the status's merchantSkus map back to our barcodes", async () => {
    const server = serveFixtures(fixture("hepsiburada", "stock-upload"), fixture("hepsiburada", "stock-upload-status"));
    const adapter = adapterOn(server);
    const [receipt] = await adapter.pushStockAndPrice([
      // Sorted by barcode on the wire: the second element is SKU-2, as the status's elementNo 2 says.
      { barcode: "8690000000002", stockCode: "SKU-2", quantity: 0 },
      { barcode: "8690000000001", stockCode: "SKU-1", marketplaceId: "HBV00000ABC01", quantity: 5 },
    ]);
    const body = JSON.parse(server.sent[0]?.body ?? "[]") as Record<string, unknown>[];
    expect(body).toEqual([
      { hepsiburadaSku: "HBV00000ABC01", merchantSku: "SKU-1", availableStock: 5 },
      { merchantSku: "SKU-2", availableStock: 0 },
    ]);
    if (!receipt) throw new Error("no receipt");
    expect(receipt).toMatchObject({ barcodes: ["8690000000001", "8690000000002"], keys: ["SKU-1", "SKU-2"] });
    const status = await adapter.batchStatus(receipt);
    expect(status.items.map((item) => [item.barcode, item.outcome])).toEqual([
      ["8690000000001", "SUCCEEDED"],
      ["8690000000002", "FAILED_PERMANENT"],
    ]);
    done(server);
  });

  test("price upload then its status: a Done upload with a MinLock price validation is LOCKED for that element", async () => {
    const server = serveFixtures(fixture("hepsiburada", "price-upload"), fixture("hepsiburada", "price-upload-status"));
    const adapter = adapterOn(server);
    const [receipt] = await adapter.pushStockAndPrice([
      { barcode: "SKU-1", salePrice: 11285 },
      { barcode: "SKU-2", salePrice: 1000 },
    ]);
    if (!receipt) throw new Error("no receipt");
    const status = await adapter.batchStatus(receipt);
    expect(status.items.map((item) => [item.barcode, item.outcome])).toEqual([
      ["SKU-1", "SUCCEEDED"],
      ["SKU-2", "LOCKED"],
    ]);
    done(server);
  });

  test("order pull: open lines grouped per orderNumber across every page of the window (Turkey-time dates), then the packages list (capital Offset) and the cancelled list paged to the end; every delivery names its package and its lines by line id", async () => {
    const server = serveFixtures(fixture("hepsiburada", "order-pull"), fixture("hepsiburada", "packages-list"), fixture("hepsiburada", "cancelled-list"));
    const adapter = adapterOn(server, { orderPageSize: 2, cancelledPageSize: 2, packagesPageSize: 2 });
    const page = await adapter.pullOrders?.({ since: new Date("2026-12-04T09:00:00Z"), until: new Date("2026-12-05T09:00:00Z") });
    done(server);
    expect(page?.next).toBeNull();
    const orders = page?.orders ?? [];
    expect(orders.map((order) => [order.externalId, order.packageId, order.status, order.marketplaceStatus, order.lines])).toEqual([
      [
        "4100001",
        "open-list",
        "CREATED",
        "Open",
        [
          { barcode: "SKU-1", stockCode: "SKU-1", quantity: 1, unitPrice: 11285, lineId: "L-1" },
          { barcode: "SKU-3", stockCode: "SKU-3", quantity: 1, unitPrice: 500, lineId: "L-3" },
        ],
      ],
      ["4100002", "open-list", "CREATED", "Open", [{ barcode: "SKU-2", stockCode: "SKU-2", quantity: 2, unitPrice: 2050, lineId: "L-2" }]],
      [
        "4100003",
        "open-list",
        "CREATED",
        "Open",
        [
          { barcode: "SKU-1", stockCode: "SKU-1", quantity: 1, unitPrice: 11285, lineId: "L-4" },
          { barcode: "SKU-1", stockCode: "SKU-1", quantity: 2, unitPrice: 11285, lineId: "L-5" },
        ],
      ],
      ["4100006", "package:7000000001", "CREATED", "Packaged", [{ barcode: "SKU-2", stockCode: "SKU-2", quantity: 1, unitPrice: 2050, lineId: "L-9" }]],
      ["4100001", "package:7000000002", "CREATED", "Packaged", [{ barcode: "SKU-4", stockCode: "SKU-4", quantity: 1, unitPrice: 725, lineId: "L-10" }]],
      ["4100007", "package:7000000002", "CREATED", "Packaged", [{ barcode: "SKU-5", stockCode: "SKU-5", quantity: 1, unitPrice: 990, lineId: "L-11" }]],
      ["4100008", "package:7000000003", "CREATED", "Packaged", [{ barcode: "SKU-1", stockCode: "SKU-1", quantity: 2, unitPrice: 11285, lineId: "L-12" }]],
      ["4100004", "cancelled:L-6:2026-12-05T08:00:00.000Z", "CANCELLED", "Cancelled", [{ barcode: "SKU-4", stockCode: "SKU-4", quantity: 1, unitPrice: 0, lineId: "L-6" }]],
      ["4100004", "cancelled:L-7:2026-12-05T08:00:00.000Z", "CANCELLED", "Cancelled", [{ barcode: "SKU-5", stockCode: "SKU-5", quantity: 1, unitPrice: 0, lineId: "L-7" }]],
      ["4100005", "cancelled:L-8:2026-12-05T08:30:00.000Z", "CANCELLED", "Cancelled", [{ barcode: "SKU-1", stockCode: "SKU-1", quantity: 2, unitPrice: 0, lineId: "L-8" }]],
    ]);
    // Zoneless times (seven fractional digits, as .NET writes them) are Turkey time; none passes the pull's end.
    expect(orders[0]?.lastModifiedAt).toBe("2026-12-04T12:20:11.451Z");
    expect(orders[3]?.lastModifiedAt).toBe("2026-12-05T06:00:00.000Z");
    expect(orders[9]?.lastModifiedAt).toBe("2026-12-05T08:30:00.000Z");
    // dueDate (zoneless Turkey time): the earliest of an order's lines, or its package's; cancelled records carry none.
    expect(orders.map((order) => order.dispatchBy)).toEqual([
      "2026-12-04T20:00:00.000Z",
      "2026-12-04T20:00:00.000Z",
      "2026-12-05T20:00:00.000Z",
      "2026-12-05T20:00:00.000Z",
      "2026-12-04T20:00:00.000Z",
      "2026-12-04T20:00:00.000Z",
      "2026-12-05T20:00:00.000Z",
      undefined,
      undefined,
      undefined,
    ]);
  });

  test("the packages list is asked with Offset (capital O) and limit only, Offset moving by the packages read", async () => {
    const server = serveFixtures(fixture("hepsiburada", "order-pull"), fixture("hepsiburada", "packages-list"), fixture("hepsiburada", "cancelled-list"));
    const adapter = adapterOn(server, { orderPageSize: 2, cancelledPageSize: 2, packagesPageSize: 2 });
    await adapter.pullOrders?.({ since: new Date("2026-12-04T09:00:00Z"), until: new Date("2026-12-05T09:00:00Z") });
    const packages = server.sent.filter((request) => request.url.pathname.includes("/packages/"));
    expect(packages.map((request) => request.url.search)).toEqual(["?Offset=0&limit=2", "?Offset=2&limit=2"]);
  });

  test("the cancelled list is asked with offset and limit only: a date filter there is answered 400 WrongDateFormat", async () => {
    const server = serveFixtures(fixture("hepsiburada", "order-pull"), fixture("hepsiburada", "packages-list"), fixture("hepsiburada", "cancelled-list"));
    const adapter = adapterOn(server, { orderPageSize: 2, cancelledPageSize: 2, packagesPageSize: 2 });
    await adapter.pullOrders?.({ since: new Date("2026-12-04T09:00:00Z"), until: new Date("2026-12-05T09:00:00Z") });
    const cancelled = server.sent.filter((request) => request.url.pathname.endsWith("/cancelled"));
    expect(cancelled.map((request) => [...request.url.searchParams.keys()].sort())).toEqual([
      ["limit", "offset"],
      ["limit", "offset"],
    ]);
  });
});

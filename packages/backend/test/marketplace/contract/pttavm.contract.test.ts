/**
 * The PttAVM adapter against the evidence fixtures (packages/marketplace-fixtures/pttavm): every
 * request it sends must match what a source shows, and it must read the sources' answers right.
 */
import { describe, expect, test } from "bun:test";
import { type FixtureServer, fixture, fixturesOf, serveFixtures } from "@pazarsync/marketplace-fixtures";
import { createPttavmAdapter, type PttavmConfig } from "../../../src/domains/marketplace/pttavm/adapter";
import { pttavmFromSettings } from "../../../src/domains/marketplace/pttavm/settings";
import type { SubmissionReceipt } from "../../../src/domains/marketplace/types";

const BASE = "https://integration-api.pttavm.com/api/v1";
const DAY = 24 * 60 * 60 * 1000;

function adapterOn(server: FixtureServer, overrides: Partial<PttavmConfig> = {}) {
  return createPttavmAdapter({ baseUrl: BASE, apiKey: "k", accessToken: "t", fetch: server.fetch, timeoutMs: 5_000, ...overrides });
}

function done(server: FixtureServer) {
  expect(server.mismatches).toEqual([]);
  expect(server.remaining()).toBe(0);
}

const receipt: SubmissionReceipt = {
  marketplace: "PTTAVM",
  batchId: "0b7f6a52-8d55-4c1e-9f0e-2b1c7e0d4a11",
  submittedAt: "2026-12-05T10:00:00.000Z",
  itemCount: 2,
  barcodes: ["8690000000011", "8690000000028"],
};

describe("PttAVM contract: every call the adapter makes has a fixture", () => {
  test("stock-prices write, both tracking-result methods, the order search, and the way back (invoice, order detail, warehouses, barcode, returns)", () => {
    const calls = ["stock-price-write", "result-poll.post", "result-poll.get", "order-pull", "order-invoice", "order-detail", "warehouse-list", "create-barcode", "claims-pull"];
    const have = [...fixturesOf("pttavm").keys()];
    expect(calls.filter((call) => !have.includes(call))).toEqual([]);
  });
});

describe("PttAVM contract: stock-prices write", () => {
  test("the sale price goes out as priceWithVAT with priceWithoutVAT, the store's vatRate and discount 0; the trackingId is the receipt", async () => {
    const server = serveFixtures(fixture("pttavm", "stock-price-write"));
    const [sent] = await adapterOn(server, { vatRate: 20 }).pushStockAndPrice([{ barcode: "8690000000011", quantity: 5, salePrice: 12_000, listPrice: 15_000 }]);
    done(server);
    expect(sent?.batchId).toBe("0b7f6a52-8d55-4c1e-9f0e-2b1c7e0d4a11");
    expect(JSON.parse(server.sent[0]?.body ?? "{}")).toEqual({
      items: [{ barcode: "8690000000011", quantity: 5, priceWithVAT: 120, priceWithoutVAT: 100, vatRate: 20, discount: 0 }],
    });
  });
});

describe.each(["post", "get"] as const)("PttAVM contract: tracking result (%s)", (variant) => {
  const method = variant === "post" ? "POST" : "GET";

  test("polled until Completed; Completed items succeed, a Cancelled one fails with its reasons", async () => {
    const server = serveFixtures(fixture("pttavm", `result-poll.${variant}`));
    const adapter = adapterOn(server, { trackingResultMethod: method });
    expect(await adapter.batchStatus(receipt)).toEqual({ complete: false, items: [] });
    const final = await adapter.batchStatus(receipt);
    done(server);
    expect(final).toEqual({
      complete: true,
      items: [
        { barcode: "8690000000011", outcome: "SUCCEEDED", reasons: [] },
        { barcode: "8690000000028", outcome: "FAILED_PERMANENT", reasons: ["Ürün bulunamadı: 8690000000028", "Ürün bulunamadı"] },
      ],
    });
  });

  test("the store setting picks the method", async () => {
    const server = serveFixtures(fixture("pttavm", `result-poll.${variant}`).exchanges.slice(0, 1));
    const adapter = pttavmFromSettings({
      type: "PTTAVM",
      sellerId: null,
      baseUrl: "https://integration-api.pttavm.com",
      credentials: { apiKey: "k", accessToken: "t", trackingResultMethod: method },
      fetch: server.fetch,
    });
    await adapter.batchStatus(receipt);
    done(server);
  });
});

describe("PttAVM contract: order search", () => {
  test("a 50-day pull is two windows of at most 40 days, each one bare-array answer; the window is the only cursor", async () => {
    const server = serveFixtures(fixture("pttavm", "order-pull"));
    const adapter = adapterOn(server);
    const since = new Date("2026-11-01T00:00:00.000Z");
    const until = new Date(since.getTime() + 50 * DAY);
    const first = await adapter.pullOrders?.({ since, until });
    expect(first?.next).not.toBeNull();
    const second = await adapter.pullOrders?.({ since, until, page: first?.next ?? undefined });
    expect(second).toEqual({ orders: [], next: null });
    done(server);

    const windows = server.sent.map((request) => [request.url.searchParams.get("startDate"), request.url.searchParams.get("endDate")]);
    expect(windows).toEqual([
      ["2026-11-01T00:00:00", "2026-12-11T00:00:00"],
      ["2026-12-11T00:00:00", "2026-12-21T00:00:00"],
    ]);
    expect(server.sent.map((request) => [...request.url.searchParams.keys()].sort())).toEqual([
      ["endDate", "isActiveOrders", "startDate"],
      ["endDate", "isActiveOrders", "startDate"],
    ]);
  });

  test("an order's awaiting-shipment line is reserved, its cancelled line is released on its own (a package of its own); prices are the line totals per unit", async () => {
    const server = serveFixtures(fixture("pttavm", "order-pull"));
    const since = new Date("2026-11-01T00:00:00.000Z");
    const page = await adapterOn(server).pullOrders?.({ since, until: new Date(since.getTime() + 40 * DAY) });
    expect(page?.next).toBeNull();
    expect(page?.orders).toHaveLength(2);
    expect(page?.orders).toMatchObject([
      {
        externalId: "PTT-0ATHPIN2T-201126",
        packageId: "PTT-0ATHPIN2T-201126",
        status: "CREATED",
        marketplaceStatus: "kargo_yapilmasi_bekleniyor",
        currency: "TRY",
        lastModifiedAt: "2026-11-20T10:40:02.000Z",
        lines: [{ barcode: "8690000000011", quantity: 2, unitPrice: 12_000, lineId: "5501" }],
      },
      {
        externalId: "PTT-0ATHPIN2T-201126",
        packageId: "PTT-0ATHPIN2T-201126/5502",
        status: "CANCELLED",
        marketplaceStatus: "iptal",
        lines: [{ barcode: "8690000000028", quantity: 1, unitPrice: 5_000, lineId: "5502" }],
      },
    ]);
  });

  test("the matcher refuses a query parameter the source does not have (the old page/size)", async () => {
    const server = serveFixtures(fixture("pttavm", "order-pull"));
    const headers = { "Api-Key": "k", "access-token": "t", "X-Correlation-Id": crypto.randomUUID() };
    await server.fetch(`${BASE}/orders/search?startDate=a&endDate=b&isActiveOrders=false&page=0&size=100`, { headers });
    expect(server.mismatches).toEqual(["exchange 1: query: page is not in the source", "exchange 1: query: size is not in the source"]);
  });
});

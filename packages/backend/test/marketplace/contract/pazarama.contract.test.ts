/**
 * The Pazarama adapter against the evidence fixtures (packages/marketplace-fixtures/pazarama):
 * every request it sends must match what the named clients show, and it must read their answers
 * right. Where clients disagree (token answer, order call) each variant is replayed. No sandbox.
 */
import { describe, expect, test } from "bun:test";
import { fixture, fixturesOf, serveFixtures } from "@pazarsync/marketplace-fixtures";
import { createPazaramaAdapter, type PazaramaConfig } from "../../../src/domains/marketplace/pazarama/adapter";
import { pazaramaFromSettings } from "../../../src/domains/marketplace/pazarama/settings";
import { MarketplaceRefused } from "../../../src/domains/marketplace/errors";
import type { MarketplaceAdapter } from "../../../src/domains/marketplace/adapter";
import type { NormalisedOrder, SubmissionReceipt } from "../../../src/domains/marketplace/types";
import { AppError } from "../../../src/infra/errors";

function adapterOn(server: { fetch: typeof fetch }, overrides: Partial<PazaramaConfig> = {}) {
  return createPazaramaAdapter({ clientId: "client-1", clientSecret: "secret-1", fetch: server.fetch, timeoutMs: 5_000, writeSpacingMs: 1, ...overrides });
}

function receipt(batchId: string, barcodes: string[]): SubmissionReceipt {
  return { marketplace: "PAZARAMA", batchId, submittedAt: new Date().toISOString(), itemCount: barcodes.length, barcodes };
}

async function pullAll(adapter: MarketplaceAdapter, since: Date, until: Date): Promise<NormalisedOrder[]> {
  const orders: NormalisedOrder[] = [];
  let page: string | undefined;
  for (let i = 0; i < 50; i += 1) {
    const answer = await adapter.pullOrders?.({ since, until, ...(page === undefined ? {} : { page }) });
    if (!answer) throw new Error("no pullOrders");
    orders.push(...answer.orders);
    if (answer.next === null) return orders;
    page = answer.next;
  }
  throw new Error("the pull did not end");
}

const bodies = (server: { sent: { body?: string }[] }) => server.sent.slice(1).map((sent) => JSON.parse(sent.body ?? "{}") as Record<string, unknown>);

/** The window both order fixtures cover: 1 Dec 00:00 UTC (03:00 in Turkey) to 2 Dec 12:00 UTC. */
const SINCE = new Date(Date.UTC(2026, 11, 1));
const UNTIL = new Date(Date.UTC(2026, 11, 2, 12));

const CALLS: Record<string, string[]> = {
  token: ["token.wrapped", "token.oauth"],
  "stock write": ["stock-write"],
  "price write": ["price-write"],
  "write refused with HTTP 200": ["write-refused"],
  "batch result": ["batch-result"],
  "order pull": ["order-pull.v2", "order-pull.paged"],
  "an order read back (observe)": ["order-read"],
  "item status (preparing, not supplied)": ["order-item-status"],
  "shipment notice": ["order-ship"],
  "refunds list": ["claims-pull"],
  "refund approve / reject": ["claim-update"],
};

describe("Pazarama contract: the adapter against the sources", () => {
  test("every call the adapter makes has its fixtures (one per variant where sources disagree)", () => {
    const found = fixturesOf("pazarama");
    for (const [call, names] of Object.entries(CALLS)) {
      for (const name of names) expect(found.has(name), `${call}: ${name}`).toBe(true);
    }
  });

  for (const variant of ["token.wrapped", "token.oauth"]) {
    test(`a stock write after a ${variant.split(".")[1]} token answer: the token is read and carried`, async () => {
      const tokenFixture = fixture("pazarama", variant);
      const server = serveFixtures(tokenFixture, fixture("pazarama", "stock-write"));
      const receipts = await adapterOn(server).pushStockAndPrice([{ barcode: "8680000000011", quantity: 7 }]);
      expect(server.mismatches).toEqual([]);
      expect(server.remaining()).toBe(0);
      const answer = tokenFixture.exchanges[0]?.response.body as { data?: { accessToken: string }; access_token?: string };
      expect(server.sent[1]?.headers.get("authorization")).toBe(`Bearer ${answer.data?.accessToken ?? answer.access_token}`);
      expect(receipts.map((r) => [r.batchId, r.barcodes])).toEqual([["STOCK:7e618393-2fe4-459d-acf7-eb38bb1d72ce", ["8680000000011"]]]);
    });
  }

  test("a price write is sent as the source shows (numbers, both prices)", async () => {
    const server = serveFixtures(fixture("pazarama", "token.wrapped"), fixture("pazarama", "price-write"));
    const receipts = await adapterOn(server).pushStockAndPrice([{ barcode: "8680000000011", listPrice: 12000, salePrice: 9990 }]);
    expect(server.mismatches).toEqual([]);
    expect(bodies(server)).toEqual([{ items: [{ code: "8680000000011", listPrice: 120, salePrice: 99.9 }] }]);
    expect(receipts.map((r) => r.batchId)).toEqual(["PRICE:b14a42a6-9311-4d79-bcf6-346df5f39294"]);
  });

  test("success:false with HTTP 200 is a refusal, with Pazarama's message", async () => {
    const server = serveFixtures(fixture("pazarama", "token.wrapped"), fixture("pazarama", "write-refused"));
    const error = await adapterOn(server)
      .pushStockAndPrice([{ barcode: "8680000000011", quantity: 7 }])
      .then(() => undefined, (caught: unknown) => caught);
    expect(server.mismatches).toEqual([]);
    expect(error).toBeInstanceOf(MarketplaceRefused);
    expect((error as MarketplaceRefused).reasons).toEqual(["Ürün kodu geçersiz"]);
  });

  test("the batch result is read per code", async () => {
    const server = serveFixtures(fixture("pazarama", "token.wrapped"), fixture("pazarama", "batch-result"));
    const status = await adapterOn(server).batchStatus(receipt("STOCK:7e618393-2fe4-459d-acf7-eb38bb1d72ce", ["8680000000011", "8680000000028"]));
    expect(server.mismatches).toEqual([]);
    expect(status.complete).toBe(true);
    expect(status.items.map((item) => [item.barcode, item.outcome])).toEqual([["8680000000011", "SUCCEEDED"], ["8680000000028", "FAILED_PERMANENT"]]);
  });

  test("order pull, V2: getOrdersForApiV2 with yyyy-MM-dd days (end day excluded), paged to a short page", async () => {
    const server = serveFixtures(fixture("pazarama", "token.wrapped"), fixture("pazarama", "order-pull.v2"));
    const orders = await pullAll(adapterOn(server, { orderCall: "V2", orderPageSize: 2 }), SINCE, UNTIL);
    expect(server.mismatches).toEqual([]);
    expect(server.remaining()).toBe(0);
    expect(bodies(server)).toEqual([
      { pageSize: 2, pageNumber: 1, startDate: "2026-12-01", endDate: "2026-12-03" },
      { pageSize: 2, pageNumber: 2, startDate: "2026-12-01", endDate: "2026-12-03" },
    ]);
    // Each item keeps its orderItemId (V2: one per unit), so an item can be cancelled on its own.
    expect(orders.map((o) => [o.externalId, o.packageId, o.status, o.marketplaceStatus, o.lines])).toEqual([
      [
        "9c1a6e1e-0001-4c1d-9d2e-000000000001",
        "9c1a6e1e-0001-4c1d-9d2e-000000000001",
        "CREATED",
        "3",
        [
          { barcode: "8680000000011", quantity: 1, unitPrice: 9990, lineId: "a1" },
          { barcode: "8680000000011", quantity: 1, unitPrice: 9990, lineId: "a2" },
        ],
      ],
      ["9c1a6e1e-0002-4c1d-9d2e-000000000002", "9c1a6e1e-0002-4c1d-9d2e-000000000002", "CREATED", "12", [{ barcode: "8680000000028", quantity: 1, unitPrice: 4550, lineId: "b1" }]],
      ["9c1a6e1e-0003-4c1d-9d2e-000000000003", "9c1a6e1e-0003-4c1d-9d2e-000000000003", "CANCELLED", "6", [{ barcode: "8680000000011", quantity: 1, unitPrice: 9990, lineId: "c1" }]],
    ]);
    // "2026-12-01 10:15" carries no zone: Turkish time, UTC+3.
    expect(orders[0]?.lastModifiedAt).toBe("2026-12-01T07:15:00.000Z");
  });

  test("order pull, paged: getOrdersForApi with StartDate/EndDate/Page/Size, paged by totalCount", async () => {
    const server = serveFixtures(fixture("pazarama", "token.wrapped"), fixture("pazarama", "order-pull.paged"));
    const orders = await pullAll(adapterOn(server, { orderCall: "PAGED", orderPageSize: 2 }), SINCE, UNTIL);
    expect(server.mismatches).toEqual([]);
    expect(server.remaining()).toBe(0);
    expect(bodies(server)).toEqual([
      { StartDate: "2026-12-01T00:00:00", EndDate: "2026-12-02T12:00:00", Page: 1, Size: 2 },
      { StartDate: "2026-12-01T00:00:00", EndDate: "2026-12-02T12:00:00", Page: 2, Size: 2 },
    ]);
    expect(orders.map((o) => [o.externalId, o.status])).toEqual([
      ["9c1a6e1e-0001-4c1d-9d2e-000000000001", "CREATED"],
      ["9c1a6e1e-0002-4c1d-9d2e-000000000002", "CREATED"],
      ["9c1a6e1e-0003-4c1d-9d2e-000000000003", "CANCELLED"],
    ]);
  });

  test("no V2 window spans more than a month of days, however long the pull", async () => {
    const single = fixture("pazarama", "order-pull.v2").exchanges[1];
    if (!single) throw new Error("fixture");
    const server = serveFixtures(fixture("pazarama", "token.wrapped"), Array.from({ length: 4 }, () => single));
    await pullAll(adapterOn(server, { orderCall: "V2", orderPageSize: 2 }), new Date(Date.UTC(2026, 9, 1)), new Date(Date.UTC(2026, 11, 1)));
    expect(server.mismatches).toEqual([]);
    const spans = bodies(server).map((body) => (Date.parse(String(body.endDate)) - Date.parse(String(body.startDate))) / 86_400_000);
    expect(spans.length).toBeGreaterThanOrEqual(3);
    for (const days of spans) expect(days).toBeLessThanOrEqual(28);
  });

  test("the store setting credentials.orderCall chooses the order call; an unknown value is a clear 4xx", async () => {
    const server = serveFixtures(fixture("pazarama", "token.oauth"), fixture("pazarama", "order-pull.paged"));
    const adapter = pazaramaFromSettings({ type: "PAZARAMA", sellerId: null, baseUrl: null, credentials: { clientId: "c", clientSecret: "s", orderCall: "PAGED" }, fetch: server.fetch });
    await pullAll(adapter, SINCE, UNTIL);
    expect(server.mismatches).toEqual([]);
    // The default page size (100) holds the fixture's totalCount of 3, but its first answer lists 2
    // (the fixture pages by 2): fewer than the count, so the window is read once more, not twice more.
    expect(server.sent.map((sent) => sent.url.pathname)).toEqual(["/connect/token", "/order/getOrdersForApi", "/order/getOrdersForApi"]);
    let refused: unknown;
    try {
      pazaramaFromSettings({ type: "PAZARAMA", sellerId: null, baseUrl: null, credentials: { clientId: "c", clientSecret: "s", orderCall: "SOAP" } });
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(AppError);
    const status = (refused as AppError).status;
    expect(status >= 400 && status < 500).toBe(true);
  });
});

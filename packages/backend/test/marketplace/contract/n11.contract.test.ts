/**
 * The N11 adapter against the evidence fixtures (packages/marketplace-fixtures/n11): every request
 * it sends must match what the named sources show, and it must read their answers right. No
 * sandbox here: the fixtures are the other side.
 */
import { describe, expect, test } from "bun:test";
import { type Exchange, type Fixture, fixture, fixturesOf, serveFixtures } from "@pazarsync/marketplace-fixtures";
import { createN11Adapter, type N11Config } from "../../../src/domains/marketplace/n11/adapter";
import { N11, n11Paths } from "../../../src/domains/marketplace/n11/facts";
import { MarketplaceRefused } from "../../../src/domains/marketplace/errors";
import type { NormalisedOrder, SubmissionReceipt } from "../../../src/domains/marketplace/types";

const DAY = 24 * 60 * 60 * 1000;

function adapterOn(server: { fetch: typeof fetch }, overrides: Partial<N11Config> = {}) {
  return createN11Adapter({ appKey: "key-1", appSecret: "secret-1", fetch: server.fetch, timeoutMs: 5_000, ...overrides });
}

function receipt(batchId: string, barcodes: string[]): SubmissionReceipt {
  return { marketplace: "N11", batchId, submittedAt: new Date().toISOString(), itemCount: barcodes.length, barcodes };
}

async function pullAll(adapter: ReturnType<typeof createN11Adapter>, since: Date, until: Date): Promise<NormalisedOrder[]> {
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

/** The calls the adapter makes, each with the fixture that backs it. */
const CALLS: Record<string, { path: string; fixture: string }> = {
  "price-stock write": { path: n11Paths.priceStockUpdate, fixture: "price-stock-write" },
  "price-stock REJECT": { path: n11Paths.priceStockUpdate, fixture: "price-stock-reject" },
  "task details": { path: n11Paths.taskDetails, fixture: "task-details" },
  "order pull": { path: n11Paths.shipmentPackages, fixture: "order-pull" },
  "order pull, a split package": { path: n11Paths.shipmentPackages, fixture: "order-split" },
  "an order's packages read back (observe)": { path: n11Paths.shipmentPackages, fixture: "order-read" },
  "order lines to Picking": { path: n11Paths.orderUpdate, fixture: "order-line-update" },
  "units not supplied (split by quantity)": { path: n11Paths.splitByQuantity, fixture: "order-unsupply" },
  "return claims listed (SOAP ClaimReturnList)": { path: n11Paths.returnService, fixture: "claims-list" },
  "a return approved (SOAP ClaimReturnApprove)": { path: n11Paths.returnService, fixture: "claims-approve" },
  "a return rejected (SOAP ClaimReturnDeny)": { path: n11Paths.returnService, fixture: "claims-reject" },
  "order items shipped by the seller (SOAP MakeOrderItemShipment)": { path: n11Paths.orderService, fixture: "order-ship" },
};

describe("N11 contract: the adapter against the sources", () => {
  test("every call the adapter makes has a fixture, on the path the adapter uses", () => {
    const found = fixturesOf("n11");
    for (const [call, { path, fixture: name }] of Object.entries(CALLS)) {
      const backing: Fixture | undefined = found.get(name);
      expect(backing, `${call} has no fixture ${name}`).toBeDefined();
      expect(backing?.exchanges.every((exchange) => exchange.request.path === path), `${call} fixture path`).toBe(true);
    }
    expect(Object.values(n11Paths).every((path) => Object.values(CALLS).some((call) => call.path === path))).toBe(true);
  });

  test("a price and stock write is sent as the source shows and its task id is the receipt", async () => {
    const server = serveFixtures(fixture("n11", "price-stock-write"));
    const receipts = await adapterOn(server).pushStockAndPrice([{ barcode: "SKU-1", quantity: 5, listPrice: 12000, salePrice: 9990 }]);
    expect(server.mismatches).toEqual([]);
    expect(server.remaining()).toBe(0);
    expect(receipts.map((r) => [r.batchId, r.barcodes])).toEqual([["1092", ["SKU-1"]]]);
    const sku = (JSON.parse(server.sent[0]?.body ?? "{}") as { payload: { skus: Record<string, unknown>[] } }).payload.skus[0];
    expect(sku).toEqual({ stockCode: "SKU-1", listPrice: "120.00", salePrice: "99.90", quantity: 5, currencyType: "TL" });
  });

  test("a listing whose stock code is not its barcode is sent under the stock code; the task's itemCodes map back to the barcodes through the receipt's keys", async () => {
    const server = serveFixtures(fixture("n11", "price-stock-write"), fixture("n11", "task-details"));
    const adapter = adapterOn(server);
    const [sent] = await adapter.pushStockAndPrice([{ barcode: "8690000000001", stockCode: "SKU-1", quantity: 5, listPrice: 12000, salePrice: 9990 }]);
    const sku = (JSON.parse(server.sent[0]?.body ?? "{}") as { payload: { skus: Record<string, unknown>[] } }).payload.skus[0];
    expect(sku?.stockCode).toBe("SKU-1");
    expect(sent).toMatchObject({ barcodes: ["8690000000001"], keys: ["SKU-1"] });
    // The task details name SKU-1 and SKU-2: as the store would rebuild a two-item receipt.
    const status = await adapter.batchStatus({ ...receipt("1092", ["8690000000001", "8690000000002"]), keys: ["SKU-1", "SKU-2"] });
    expect(server.mismatches).toEqual([]);
    expect(server.remaining()).toBe(0);
    expect(status.items.map((item) => [item.barcode, item.outcome])).toEqual([["8690000000001", "SUCCEEDED"], ["8690000000002", "FAILED_PERMANENT"]]);
  });

  test("a stock-only write leaves the price fields out, which the source allows", async () => {
    const server = serveFixtures(fixture("n11", "price-stock-write"));
    await adapterOn(server).pushStockAndPrice([{ barcode: "SKU-1", quantity: 0 }]);
    expect(server.mismatches).toEqual([]);
    expect(server.remaining()).toBe(0);
  });

  test("REJECT with HTTP 200 is a refusal of the whole request, with N11's reasons", async () => {
    const server = serveFixtures(fixture("n11", "price-stock-reject"));
    const error = await adapterOn(server)
      .pushStockAndPrice([{ barcode: "SKU-1", quantity: 5, listPrice: 12000, salePrice: 9990 }])
      .then(() => undefined, (caught: unknown) => caught);
    expect(server.mismatches).toEqual([]);
    expect(error).toBeInstanceOf(MarketplaceRefused);
    expect((error as MarketplaceRefused).httpStatus).toBe(200);
    expect((error as MarketplaceRefused).reasons).toEqual(["listPrice ve salePrice birlikte gönderilmelidir"]);
  });

  test("task details are read page by page to the last, each sku given its outcome", async () => {
    const server = serveFixtures(fixture("n11", "task-details"));
    const status = await adapterOn(server).batchStatus(receipt("1092", ["SKU-1", "SKU-2"]));
    expect(server.mismatches).toEqual([]);
    expect(server.remaining()).toBe(0);
    const pages = server.sent.map((sent) => (JSON.parse(sent.body ?? "{}") as { taskId: unknown; pageable: { page: number } }));
    expect(pages.map((body) => [body.taskId, body.pageable.page])).toEqual([[1092, 0], [1092, 1]]);
    expect(status.complete).toBe(true);
    expect(status.items.map((item) => [item.barcode, item.outcome])).toEqual([["SKU-1", "SUCCEEDED"], ["SKU-2", "FAILED_PERMANENT"]]);
  });

  test("the order pull walks one status per request and every page, sending only parameters the source has", async () => {
    // A status walked over more than one page, with no count in the answer, is walked once more
    // (a package leaving the list between pages moves the next one onto a page already read).
    const [created0, created1, cancelled] = fixture("n11", "order-pull").exchanges as [Exchange, Exchange, Exchange];
    const server = serveFixtures([created0, created1, created0, created1, cancelled]);
    const adapter = adapterOn(server, { orderStatuses: ["Created", "Cancelled"], orderPageSize: 1 });
    const until = new Date(Date.UTC(2026, 11, 5));
    const orders = await pullAll(adapter, new Date(until.getTime() - 2 * DAY), until);
    expect(server.mismatches).toEqual([]);
    expect(server.remaining()).toBe(0);
    expect(server.sent.map((s) => [s.url.searchParams.get("status"), s.url.searchParams.get("page")])).toEqual([
      ["Created", "0"],
      ["Created", "1"],
      ["Created", "0"],
      ["Created", "1"],
      ["Cancelled", "0"],
    ]);
    expect([...new Map(orders.map((o) => [o.packageId, o])).values()].map((o) => [o.externalId, o.packageId, o.status, o.lines])).toEqual([
      ["N11-1001", "301", "CREATED", [{ barcode: "", stockCode: "SKU-1", quantity: 2, unitPrice: 9990, lineId: "9001" }]],
      ["N11-1002", "302", "CREATED", [{ barcode: "", stockCode: "SKU-2", quantity: 1, unitPrice: 4550, lineId: "9002" }]],
      ["N11-1003", "303", "CANCELLED", [{ barcode: "", stockCode: "SKU-1", quantity: 1, unitPrice: 9990, lineId: "9003" }]],
    ]);
    expect(orders[0]?.lastModifiedAt).toBe(new Date(1764928800000).toISOString());
  });

  test("a split package as the official split pages show it: the new Picking packages and the UnPacked one they replace are one order, lines by orderLineId", async () => {
    const server = serveFixtures(fixture("n11", "order-split"));
    const adapter = adapterOn(server, { orderStatuses: ["Picking", "UnPacked"] });
    const until = new Date(Date.UTC(2026, 11, 5));
    const orders = await pullAll(adapter, new Date(until.getTime() - 2 * DAY), until);
    expect(server.mismatches).toEqual([]);
    expect(server.remaining()).toBe(0);
    expect(orders.map((o) => [o.externalId, o.packageId, o.status, o.lines.map((line) => line.lineId)])).toEqual([
      ["N11-2001", "402", "CREATED", ["9101"]],
      ["N11-2001", "403", "CREATED", ["9102"]],
      // The replaced package neither reserves (its lines are known) nor releases.
      ["N11-2001", "401", "OTHER", ["9101", "9102"]],
    ]);
  });

  test("no window sent is wider than the 15 days N11 serves (a wider one silently returns only the last 15)", async () => {
    const single: Exchange = fixture("n11", "order-pull").exchanges[2] as Exchange;
    const server = serveFixtures(Array.from({ length: 4 }, () => single));
    const adapter = adapterOn(server, { orderStatuses: ["Cancelled"] });
    const until = new Date(Date.UTC(2026, 11, 5));
    await pullAll(adapter, new Date(until.getTime() - 40 * DAY), until).catch(() => undefined);
    expect(server.sent.length).toBeGreaterThanOrEqual(3);
    for (const sent of server.sent) {
      const start = Number(sent.url.searchParams.get("startDate"));
      const end = Number(sent.url.searchParams.get("endDate"));
      expect(end - start).toBeLessThan(N11.orderWindowMaxMs);
    }
  });

  test("the pull overlap N11's GMT+3 timestamps need is a named fact of at least 3 hours", () => {
    expect(N11.pullOverlapMs).toBeGreaterThanOrEqual(3 * 60 * 60 * 1000);
    expect(N11.orderWindowMaxMs).toBe(15 * DAY);
  });
});

/**
 * The Trendyol adapter against the evidence fixtures (packages/marketplace-fixtures/trendyol):
 * each request must be the one the sources show (names, headers, body keys), and the adapter must
 * read the sources' answers right. No sandbox here.
 */
import { describe, expect, test } from "bun:test";
import { fixture, fixturesOf, requestMismatches, type SentRequest, serveFixtures } from "@pazarsync/marketplace-fixtures";
import { createTrendyolAdapter } from "../../../src/domains/marketplace/trendyol/adapter";

const SELLER = "123";
const BASIC = `Basic ${Buffer.from("test-key:test-secret").toString("base64")}`;

function adapterOn(fetch: typeof globalThis.fetch) {
  return createTrendyolAdapter({ baseUrl: "https://apigw.trendyol.com", sellerId: SELLER, apiKey: "test-key", apiSecret: "test-secret", fetch });
}

/** A window the stream accepts in one request: 13 days ending now. */
function window() {
  const until = new Date();
  return { since: new Date(until.getTime() - 13 * 24 * 3600_000), until };
}

describe("Trendyol stock and price write, and its batch result", () => {
  test("the write sends the documented body with Basic auth and the User-Agent, and the result is read per item", async () => {
    const server = serveFixtures(fixture("trendyol", "stock-price-write"), fixture("trendyol", "result-poll"));
    const adapter = adapterOn(server.fetch);
    const receipts = await adapter.pushStockAndPrice([
      { barcode: "11111111111", quantity: 100, salePrice: 10_000, listPrice: 10_000 },
      { barcode: "22222222222", quantity: 5 },
    ]);
    expect(receipts.map((r) => r.batchId)).toEqual(["8d30c8d3-0800-11ed-8fdd-cac59bbd2b08-1658317798"]);
    const status = await adapter.batchStatus(receipts[0] as (typeof receipts)[number]);
    expect(server.mismatches).toEqual([]);
    expect(server.remaining()).toBe(0);
    for (const sent of server.sent) {
      expect(sent.headers.get("authorization")).toBe(BASIC);
      expect(sent.headers.get("user-agent")).toBe(`${SELLER} - SelfIntegration`);
    }
    expect(JSON.parse(server.sent[0]?.body ?? "")).toEqual({
      items: [
        { barcode: "11111111111", quantity: 100, salePrice: 100, listPrice: 100 },
        { barcode: "22222222222", quantity: 5 },
      ],
    });
    // No batch-level status for inventory batches: complete because every item has SUCCESS or FAILED.
    expect(status.complete).toBe(true);
    expect(status.items).toEqual([
      { barcode: "11111111111", outcome: "SUCCEEDED", reasons: [] },
      { barcode: "22222222222", outcome: "FAILED_PERMANENT", reasons: ["Ürün bulunamadı"] },
    ]);
  });
});

describe("Trendyol order stream", () => {
  test("pages to the end through nextCursor, keeping the dates and size of the first request", async () => {
    const server = serveFixtures(fixture("trendyol", "order-pull"));
    const adapter = adapterOn(server.fetch);
    const { since, until } = window();
    const first = await adapter.pullOrders?.({ since, until });
    // The caller may pass a later `until` when following a page: the filters must not change.
    const second = await adapter.pullOrders?.({ since, until: new Date(until.getTime() + 60_000), page: first?.next ?? undefined });
    expect(server.mismatches).toEqual([]);
    expect(server.remaining()).toBe(0);

    const [one, two] = server.sent.map((sent) => Object.fromEntries(sent.url.searchParams));
    expect(one).toEqual({ lastModifiedStartDate: String(since.getTime()), lastModifiedEndDate: String(until.getTime()), size: "200" });
    expect(two).toEqual({ ...one, nextCursor: "opaque+/=?& cursor" });

    expect(first?.orders.map((o) => [o.externalId, o.packageId, o.status, o.marketplaceStatus])).toEqual([
      ["TEST-3", "3330111113", "CANCELLED", "Cancelled"],
      ["TEST-2", "3330111112", "CREATED", "Picking"],
    ]);
    expect(first?.next).not.toBeNull();
    expect(second?.orders).toEqual([
      expect.objectContaining({
        externalId: "TEST-1",
        packageId: "3330111111",
        status: "CREATED",
        lines: [{ barcode: "TEST-BARCODE", stockCode: "TEST-STOCK", quantity: 2, unitPrice: 8_500, lineId: "4765111111" }],
        currency: "TRY",
        lastModifiedAt: new Date(1_789_000_100_000).toISOString(),
      }),
    ]);
    // The window the cursor belonged to is read to its end; the minute added to `until` is a new window.
    expect(second?.next).not.toBeNull();
  });

  test("a stream page in the older field names is read the same way", async () => {
    const server = serveFixtures(fixture("trendyol", "order-pull.legacy"));
    const page = await adapterOn(server.fetch).pullOrders?.(window());
    expect(server.mismatches).toEqual([]);
    expect(server.remaining()).toBe(0);
    expect(page?.orders).toEqual([
      expect.objectContaining({ externalId: "TEST-11", packageId: "11", status: "CREATED", marketplaceStatus: "Created", lines: [{ barcode: "OLD-BARCODE", stockCode: "OLD", quantity: 1, unitPrice: 8_800, lineId: "22" }] }),
    ]);
    expect(page?.next).toBeNull();
  });
});

describe("every call the Trendyol adapter makes has a fixture", () => {
  /** Sends each of the adapter's calls to a fetch that records it and answers nothing useful. */
  async function callsOfTheAdapter(): Promise<SentRequest[]> {
    const sent: SentRequest[] = [];
    const recording = (async (input: Request | string | URL, init?: RequestInit) => {
      sent.push({ method: init?.method ?? "GET", url: new URL(String(input)), headers: new Headers(init?.headers), body: typeof init?.body === "string" ? init.body : undefined });
      // One answer every call can read: a package with a tracking number, a label, no stream page left.
      const shown = { shipmentPackageId: 1, orderNumber: "O-1", status: "Invoiced", lines: [{ lineId: 1, quantity: 1 }], cargoTrackingNumber: 7, invoiceLink: "" };
      return Response.json({ batchRequestId: "b-1", items: [], content: [shown], hasMore: false, totalPages: 1, data: [{ label: "^XA^XZ", format: "ZPL" }] }, { status: 200 });
    }) as typeof fetch;
    const adapter = adapterOn(recording);
    const [receipt] = await adapter.pushStockAndPrice([{ barcode: "B1", quantity: 1 }]);
    if (receipt) await adapter.batchStatus(receipt);
    await adapter.pullOrders?.(window());
    const port = adapter.orderCommands;
    if (!port) throw new Error("no orderCommands");
    const target = { orderNumber: "O-1", packageId: "1", lines: [{ lineId: "1", barcode: "B1", quantity: 1 }] };
    const claim = { claimId: "c-1", orderNumber: "O-1", claimLineIds: ["u-1"] };
    await port.send({ kind: "PICK", target });
    await port.send({ kind: "INVOICE", target, invoiceNumber: "EME2018000025208", invoiceLink: "https://invoices.example.com/1.pdf" });
    await port.send({ kind: "UNSUPPLY", target, reason: "OUT_OF_STOCK" });
    await port.send({ kind: "CANCEL", target, reason: "DEFECTIVE" });
    await port.send({ kind: "APPROVE_RETURN", claim });
    await port.send({ kind: "REJECT_RETURN", claim, reason: "1651" });
    await port.observe({ kind: "PICK", target });
    await port.observe({ kind: "APPROVE_RETURN", claim });
    await port.pullClaims?.(window());
    await port.label?.(target);
    return sent;
  }

  test("each request the adapter sends has the method and path of an exchange in some Trendyol fixture", async () => {
    const exchanges = [...fixturesOf("trendyol").values()].flatMap((f) => f.exchanges.map((e) => e.request));
    const sent = await callsOfTheAdapter();
    expect(sent.length).toBe(16);
    const unbacked = sent
      .filter((request) => !exchanges.some((expected) => !requestMismatches(expected, request).some((p) => p.startsWith("method:") || p.startsWith("path:"))))
      .map((request) => `${request.method} ${request.url.pathname}`);
    expect(unbacked).toEqual([]);
  });

  test("the calls named in the brief each have a fixture", () => {
    const names = [...fixturesOf("trendyol").values()].map((f) => f.call);
    for (const call of [
      "stock-price-write",
      "result-poll",
      "order-pull",
      "webhook-delivery",
      "package-status-picking",
      "package-status-invoiced",
      "unsupplied",
      "invoice-link",
      "package-read",
      "claims-list",
      "claim-approve",
      "claim-issue",
      "common-label-create",
      "common-label-get",
    ]) expect({ call, found: names.includes(call) }).toEqual({ call, found: true });
  });
});

/**
 * Trendyol's way back against the evidence fixtures: the status updates (Picking, Invoiced, a
 * refused Invoiced), the invoice link, the unsupplied call with its reason ids, the unsupported
 * SHIP, observe reading one order's packages, and the dispatch deadline read from the package.
 */
import { describe, expect, test } from "bun:test";
import { type Exchange, fixture, serveFixtures } from "@pazarsync/marketplace-fixtures";
import { MarketplaceCommandIncomplete, MarketplaceRefused } from "../../../src/domains/marketplace/errors";
import type { CommandTarget, OrderCommand } from "../../../src/domains/marketplace/order-commands";
import { createTrendyolAdapter } from "../../../src/domains/marketplace/trendyol/adapter";
import { normaliseTrendyolPackage } from "../../../src/domains/marketplace/trendyol/order-normaliser";
import type { ApiCall } from "../../../src/domains/marketplace/types";

const SELLER = "123";

function portOn(fetch: typeof globalThis.fetch, calls: ApiCall[] = []) {
  const adapter = createTrendyolAdapter({ baseUrl: "https://apigw.trendyol.com", sellerId: SELLER, apiKey: "test-key", apiSecret: "test-secret", fetch, onCall: (c) => calls.push(c) });
  if (!adapter.orderCommands) throw new Error("the Trendyol adapter has no orderCommands");
  return adapter.orderCommands;
}

const target = (packageId: string, lines = [{ lineId: "4765111121", barcode: "TEST-BARCODE-A", quantity: 2 }]): CommandTarget => ({ orderNumber: "TEST-30", packageId, lines });
const bodyOf = (server: ReturnType<typeof serveFixtures>, index: number) => JSON.parse(server.sent[index]?.body ?? "null") as unknown;

/** The package-read exchange answering other packages (same shape, our values). */
function packagesAnswering(change: (content: Record<string, unknown>[]) => Record<string, unknown>[]): Exchange {
  const exchange = fixture("trendyol", "package-read").exchanges[0] as Exchange;
  const body = exchange.response.body as { content: Record<string, unknown>[] };
  return { request: exchange.request, response: { ...exchange.response, body: { ...body, content: change(body.content) } } };
}

describe("Trendyol package status: Picking, then Invoiced with the number and the link", () => {
  test("the documented bodies go to the package, the link to seller-invoice-links; both CONFIRMED, logged as ORDER_COMMAND", async () => {
    const server = serveFixtures(fixture("trendyol", "package-status-picking"), fixture("trendyol", "package-status-invoiced"), fixture("trendyol", "invoice-link"));
    const calls: ApiCall[] = [];
    const port = portOn(server.fetch, calls);
    expect(await port.send({ kind: "PICK", target: target("3330111121") })).toEqual({ outcome: "CONFIRMED", reference: "3330111121" });
    const link = "https://invoices.example.com/EME2018000025208.pdf";
    expect(await port.send({ kind: "INVOICE", target: target("3330111121"), invoiceNumber: "EME2018000025208", invoiceLink: link })).toEqual({ outcome: "CONFIRMED", reference: "3330111121" });
    expect(server.mismatches).toEqual([]);
    expect(server.remaining()).toBe(0);
    expect(server.sent[0]?.url.pathname).toBe(`/integration/order/sellers/${SELLER}/shipment-packages/3330111121`);
    expect(bodyOf(server, 0)).toEqual({ lines: [{ lineId: 4765111121, quantity: 2 }], params: {}, status: "Picking" });
    expect(bodyOf(server, 1)).toEqual({ lines: [{ lineId: 4765111121, quantity: 2 }], params: { invoiceNumber: "EME2018000025208" }, status: "Invoiced" });
    expect(bodyOf(server, 2)).toEqual({ invoiceLink: link, shipmentPackageId: 3330111121 });
    expect(calls.map((c) => [c.callType, c.httpStatus])).toEqual([
      ["ORDER_COMMAND", 200],
      ["ORDER_COMMAND", 200],
      ["ORDER_COMMAND", 201],
    ]);
  });

  test("Invoiced before Picking: the documented 400 is a permanent refusal", async () => {
    const server = serveFixtures(fixture("trendyol", "package-status-invoiced.refused"));
    const sent = portOn(server.fetch).send({ kind: "INVOICE", target: target("3330111121"), invoiceNumber: "EME2018000025208" });
    const error = await sent.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MarketplaceRefused);
    expect({ status: (error as MarketplaceRefused).httpStatus, permanent: (error as MarketplaceRefused).permanent, fate: (error as MarketplaceRefused).fate }).toEqual({ status: 400, permanent: true, fate: "REFUSED" });
    expect(server.mismatches).toEqual([]);
  });

  test("a refused Invoiced with a link still to send reads the package; one not Invoiced keeps the refusal and sends no link", async () => {
    const server = serveFixtures(fixture("trendyol", "package-status-invoiced.refused"), fixture("trendyol", "package-read"));
    const sent = portOn(server.fetch).send({ kind: "INVOICE", target: target("3330111112"), invoiceNumber: "EME2018000025208", invoiceLink: "https://invoices.example.com/1.pdf" });
    expect(await sent.catch((e: unknown) => e)).toBeInstanceOf(MarketplaceRefused);
    expect(server.mismatches).toEqual([]);
    expect(server.remaining()).toBe(0);
  });

  test("the link's documented 409 (an invoice already fed) is a refusal", async () => {
    const server = serveFixtures(fixture("trendyol", "package-status-invoiced"), fixture("trendyol", "invoice-link.conflict"));
    const sent = portOn(server.fetch).send({ kind: "INVOICE", target: target("3330111121"), invoiceNumber: "EME2018000025208", invoiceLink: "https://invoices.example.com/1.pdf" });
    const error = await sent.catch((e: unknown) => e);
    expect((error as MarketplaceRefused).httpStatus).toBe(409);
    expect(server.mismatches).toEqual([]);
  });
});

describe("Trendyol unsupplied items and cancellation", () => {
  test("each reason of ours goes as its documented reasonId (500, 501, 502, 504); the answer is ACCEPTED", async () => {
    const unsupplied = fixture("trendyol", "unsupplied");
    const server = serveFixtures(unsupplied, unsupplied, unsupplied, unsupplied);
    const port = portOn(server.fetch);
    const lines = [{ lineId: "4765111122", barcode: "TEST-BARCODE-B", quantity: 1 }];
    for (const reason of ["OUT_OF_STOCK", "DEFECTIVE", "PRICE_ERROR", "INTEGRATION_ERROR"] as const) {
      expect(await port.send({ kind: "UNSUPPLY", target: target("3330111121", lines), reason })).toEqual({ outcome: "ACCEPTED", reference: "3330111121" });
    }
    expect(server.mismatches).toEqual([]);
    expect(server.sent.map((_, i) => (bodyOf(server, i) as { reasonId: number }).reasonId)).toEqual([500, 501, 502, 504]);
    expect(server.sent[0]?.url.pathname).toBe(`/integration/order/sellers/${SELLER}/shipment-packages/3330111121/items/unsupplied`);
    expect(bodyOf(server, 0)).toEqual({ lines: [{ lineId: 4765111122, quantity: 1 }], reasonId: 500 });
  });

  test("CANCEL is the unsupplied call naming every line of the package", async () => {
    const server = serveFixtures(fixture("trendyol", "unsupplied"));
    const lines = [
      { lineId: "4765111121", barcode: "TEST-BARCODE-A", quantity: 2 },
      { lineId: "4765111122", barcode: "TEST-BARCODE-B", quantity: 3 },
    ];
    const port = portOn(server.fetch);
    expect(port.support("CANCEL")).toEqual({ supported: true, repeatSafe: false, partial: false, requires: [] });
    await port.send({ kind: "CANCEL", target: target("3330111121", lines), reason: "DEFECTIVE" });
    expect(server.mismatches).toEqual([]);
    expect(bodyOf(server, 0)).toEqual({ lines: [{ lineId: 4765111121, quantity: 2 }, { lineId: 4765111122, quantity: 3 }], reasonId: 501 });
  });

  test("SHIP is not supported, with the sources read; sending it anyway makes no call", async () => {
    const server = serveFixtures();
    const port = portOn(server.fetch);
    const support = port.support("SHIP");
    expect(support.supported).toBe(false);
    expect(support.supported === false && support.source).toContain("updateTrackingNumber");
    expect(await port.send({ kind: "SHIP", target: target("3330111121") }).catch((e: unknown) => e)).toBeInstanceOf(MarketplaceCommandIncomplete);
    expect(server.sent).toEqual([]);
  });

  test("support and rate-limit groups: Invoiced needs Picking first; nothing is repeat-safe; each kind pays into a documented group", () => {
    const port = portOn(serveFixtures().fetch);
    expect(port.support("INVOICE")).toEqual({ supported: true, repeatSafe: false, partial: false, requires: ["PICK"] });
    expect(port.support("UNSUPPLY")).toEqual({ supported: true, repeatSafe: false, partial: true, requires: [] });
    const profile = createTrendyolAdapter({ baseUrl: "https://apigw.trendyol.com", sellerId: SELLER, apiKey: "k", apiSecret: "s" }).profile;
    for (const kind of ["PICK", "INVOICE", "UNSUPPLY", "CANCEL", "APPROVE_RETURN", "REJECT_RETURN"] as const) {
      expect({ kind, found: profile.rateLimits.some((limit) => limit.group === port.groupOf(kind)) }).toEqual({ kind, found: true });
    }
    expect(profile.rateLimits.find((limit) => limit.group === "claim-approve")).toEqual({ group: "claim-approve", requests: 5, perMs: 60_000 });
  });
});

describe("Trendyol observe reads the order's packages", () => {
  async function observed(command: OrderCommand, answer: Exchange = fixture("trendyol", "package-read").exchanges[0] as Exchange) {
    const server = serveFixtures([answer]);
    const calls: ApiCall[] = [];
    const result = await portOn(server.fetch, calls).observe(command);
    expect(server.mismatches).toEqual([]);
    expect(Object.fromEntries(server.sent[0]?.url.searchParams ?? [])).toEqual({ orderNumber: "TEST-30" });
    expect(calls.map((c) => c.callType)).toEqual(["GET_ORDERS"]);
    return result;
  }
  const rest = [{ lineId: "4765111112", barcode: "8683772071724", quantity: 1 }];
  const old = [{ lineId: "4765111111", barcode: "8683772071724", quantity: 1 }];

  test("Picking shown: PICK APPLIED, INVOICE NOT_APPLIED; the cancelled old package: PICK PASSED, UNSUPPLY APPLIED; the live one: UNSUPPLY NOT_APPLIED", async () => {
    expect(await observed({ kind: "PICK", target: target("3330111112", rest) })).toBe("APPLIED");
    expect(await observed({ kind: "INVOICE", target: target("3330111112", rest), invoiceNumber: "X" })).toBe("NOT_APPLIED");
    expect(await observed({ kind: "PICK", target: target("3330111111", old) })).toBe("PASSED");
    expect(await observed({ kind: "UNSUPPLY", target: target("3330111111", old), reason: "OUT_OF_STOCK" })).toBe("APPLIED");
    expect(await observed({ kind: "UNSUPPLY", target: target("3330111112", rest), reason: "OUT_OF_STOCK" })).toBe("NOT_APPLIED");
  });

  test("Invoiced with a link asked for is APPLIED only once Trendyol holds a link; shipped is PASSED; no package listed is UNKNOWN", async () => {
    const invoiced = (link: string) => packagesAnswering((content) => content.map((p) => ({ ...p, status: "Invoiced", shipmentPackageStatus: "Invoiced", invoiceLink: link })));
    const invoice: OrderCommand = { kind: "INVOICE", target: target("3330111112", rest), invoiceNumber: "X", invoiceLink: "https://invoices.example.com/1.pdf" };
    expect(await observed(invoice, invoiced("https://invoices.example.com/1.pdf"))).toBe("APPLIED");
    expect(await observed(invoice, invoiced(""))).toBe("NOT_APPLIED");
    const shipped = packagesAnswering((content) => content.map((p) => ({ ...p, status: "Shipped", shipmentPackageStatus: "Shipped" })));
    expect(await observed(invoice, shipped)).toBe("PASSED");
    expect(await observed(invoice, packagesAnswering(() => []))).toBe("UNKNOWN");
  });
});

describe("the dispatch deadline", () => {
  test("agreedDeliveryDate of the package becomes dispatchBy; a package without it has none", () => {
    const shown = (fixture("trendyol", "package-read").exchanges[0]?.response.body as { content: unknown[] }).content[0];
    expect(normaliseTrendyolPackage(shown, new Date()).dispatchBy).toBe(new Date(1_762_376_340_000).toISOString());
    const streamed = (fixture("trendyol", "order-pull").exchanges[0]?.response.body as { content: unknown[] }).content[0];
    expect(normaliseTrendyolPackage(streamed, new Date()).dispatchBy).toBeUndefined();
  });
});

/**
 * Hepsiburada's order commands (pack, invoice link, in-transit, cancelbymerchant, claims) and the
 * reads behind observe, against request/answer pairs transcribed from Hepsiburada's pages and the
 * published client's copy of its specs (packages/marketplace-fixtures/hepsiburada). No sandbox here.
 */
import { describe, expect, test } from "bun:test";
import { type FixtureServer, fixture, serveFixtures } from "@pazarsync/marketplace-fixtures";
import { createHepsiburadaAdapter, type HepsiburadaConfig } from "../../../src/domains/marketplace/hepsiburada/adapter";
import { MarketplaceCommandIncomplete } from "../../../src/domains/marketplace/errors";
import type { ApiCall } from "../../../src/domains/marketplace/types";
import type { CommandTarget, OrderCommandPort } from "../../../src/domains/marketplace/order-commands";

const NOW = Date.parse("2026-12-06T09:00:00.000Z");
const STORE_ACCOUNT = { trackingUrlTemplate: "https://cargo.example.com/{trackingNumber}", trackingPhoneNumber: "4440000", estimatedArrivalDays: 3, deci: 1 };

function commandsOn(server: FixtureServer, overrides: Partial<HepsiburadaConfig> = {}): { port: OrderCommandPort; calls: ApiCall[] } {
  const calls: ApiCall[] = [];
  const adapter = createHepsiburadaAdapter({
    ordersBaseUrl: "https://oms-external.hepsiburada.test",
    merchantId: "b2910839-83b9-4d45-adb6-86bad457edcb",
    serviceKey: "service-key",
    developerUsername: "pazarsync_dev",
    fetch: server.fetch,
    timeoutMs: 5_000,
    now: () => NOW,
    onCall: (call) => calls.push(call),
    ...overrides,
  });
  if (!adapter.orderCommands) throw new Error("no order commands");
  return { port: adapter.orderCommands, calls };
}

const done = (server: FixtureServer) => {
  expect(server.mismatches).toEqual([]);
  expect(server.remaining()).toBe(0);
};
const sentBody = (server: FixtureServer, index = 0) => JSON.parse(server.sent[index]?.body ?? "null") as unknown;
const target = (packageId?: string, lines = [{ lineId: "L-1", barcode: "SKU-1", quantity: 1 }]): CommandTarget => ({ orderNumber: "4100001", ...(packageId ? { packageId } : {}), lines });
const claim = (claimId: string) => ({ claimId, orderNumber: "4100003", claimLineIds: [claimId] });

describe("Hepsiburada order commands contract", () => {
  test("PICK packs the named lines (lineItemRequests id and quantity) and keeps the package number the 201 answers as the reference; the call is logged ORDER_COMMAND", async () => {
    const server = serveFixtures(fixture("hepsiburada", "package-create"));
    const { port, calls } = commandsOn(server);
    expect(await port.send({ kind: "PICK", target: target() })).toEqual({ outcome: "CONFIRMED", reference: "7000000101" });
    done(server);
    expect(sentBody(server)).toEqual({ lineItemRequests: [{ id: "L-1", quantity: 1 }] });
    expect(calls.map((call) => [call.callType, call.httpStatus])).toEqual([["ORDER_COMMAND", 201]]);
  });

  test("INVOICE puts the link on the package the pull named (package:{n}), the e-invoice number split into series and row; the 204 without a body is a confirmation", async () => {
    const server = serveFixtures(fixture("hepsiburada", "package-invoice"));
    const { port } = commandsOn(server);
    const result = await port.send({ kind: "INVOICE", target: target("package:7000000101"), invoiceNumber: "ABC2026000000001", invoiceLink: "https://invoices.example.com/ABC2026000000001.pdf" });
    expect(result.outcome).toBe("CONFIRMED");
    done(server);
    expect(server.sent[0]?.url.pathname).toBe("/packages/merchantid/b2910839-83b9-4d45-adb6-86bad457edcb/packagenumber/7000000101/invoice");
    expect(sentBody(server)).toEqual({ invoiceLink: "https://invoices.example.com/ABC2026000000001.pdf", serialNumber: "ABC", rowNumber: "2026000000001" });
  });

  test("INVOICE without a link, or before the lines are in a package, is refused before any call", async () => {
    const server = serveFixtures(fixture("hepsiburada", "package-invoice"));
    const { port } = commandsOn(server);
    await expect(port.send({ kind: "INVOICE", target: target("package:7000000101"), invoiceNumber: "ABC2026000000001" })).rejects.toBeInstanceOf(MarketplaceCommandIncomplete);
    await expect(port.send({ kind: "INVOICE", target: target("open-list"), invoiceNumber: "X", invoiceLink: "https://i.example.com/x.pdf" })).rejects.toBeInstanceOf(MarketplaceCommandIncomplete);
    expect(server.sent).toHaveLength(0);
  });

  test("SHIP is the store-account in-transit call with every mandatory field; without the store-account settings it is not supported and says where that is documented", async () => {
    const server = serveFixtures(fixture("hepsiburada", "package-intransit"));
    const { port } = commandsOn(server, { storeAccount: STORE_ACCOUNT });
    expect(port.support("SHIP")).toEqual({ supported: true, repeatSafe: false, partial: false, requires: ["PICK"] });
    expect(await port.send({ kind: "SHIP", target: target("package:7000000101"), trackingNumber: "TRK-1" })).toEqual({ outcome: "CONFIRMED", reference: "TRK-1" });
    done(server);
    expect(sentBody(server)).toEqual({
      shippedDate: "2026-12-06T09:00:00.000Z",
      estimatedArrivalDate: "2026-12-09T09:00:00.000Z",
      trackingUrl: "https://cargo.example.com/TRK-1",
      trackingNumber: "TRK-1",
      trackingPhoneNumber: "4440000",
      tax: 0,
      cost: 0,
      deci: 1,
    });
    const plain = commandsOn(serveFixtures(fixture("hepsiburada", "package-intransit"))).port.support("SHIP");
    expect(plain.supported).toBe(false);
    if (!plain.supported) expect(plain.source).toContain("intransit-1");
  });

  test("UNSUPPLY cancels the line by merchant with reason id 83 (the one documented); every reason of ours maps to it", async () => {
    const server = serveFixtures(fixture("hepsiburada", "line-cancel"));
    const { port } = commandsOn(server);
    expect((await port.send({ kind: "UNSUPPLY", target: target(), reason: "PRICE_ERROR" })).outcome).toBe("CONFIRMED");
    done(server);
    expect(server.sent[0]?.url.pathname).toBe("/lineitems/merchantid/b2910839-83b9-4d45-adb6-86bad457edcb/id/L-1/cancelbymerchant");
    expect(sentBody(server)).toEqual({ reasonId: 83 });
  });

  test("CANCEL of several lines first reads the cancelled list to its end and skips a line already cancelled there, so a command cut short can be sent again", async () => {
    const server = serveFixtures(fixture("hepsiburada", "cancelled-list"), fixture("hepsiburada", "line-cancel"));
    const { port } = commandsOn(server, { cancelledPageSize: 2 });
    const lines = [
      { lineId: "L-6", barcode: "SKU-4", quantity: 1 },
      { lineId: "L-1", barcode: "SKU-1", quantity: 1 },
    ];
    expect((await port.send({ kind: "CANCEL", target: target(undefined, lines), reason: "OUT_OF_STOCK" })).outcome).toBe("CONFIRMED");
    done(server);
    expect(server.sent.map((request) => request.url.pathname.split("/").slice(-2).join("/"))).toEqual(["b2910839-83b9-4d45-adb6-86bad457edcb/cancelled", "b2910839-83b9-4d45-adb6-86bad457edcb/cancelled", "L-1/cancelbymerchant"]);
  });

  test("observe PICK reads the order detail: a line carrying a packageNumber is packed (APPLIED), one still cancellable and unpacked is NOT_APPLIED", async () => {
    const packed = serveFixtures(fixture("hepsiburada", "order-detail"));
    expect(await commandsOn(packed).port.observe({ kind: "PICK", target: target() })).toBe("APPLIED");
    done(packed);
    const open = serveFixtures(fixture("hepsiburada", "order-detail"));
    expect(await commandsOn(open).port.observe({ kind: "PICK", target: target(undefined, [{ lineId: "L-4", barcode: "SKU-4", quantity: 1 }]) })).toBe("NOT_APPLIED");
    done(open);
  });

  test("observe INVOICE reads the missing-invoice list: a package listed there has no invoice (NOT_APPLIED), one not listed once the list ends has one (APPLIED)", async () => {
    const listed = serveFixtures(fixture("hepsiburada", "missing-invoice"));
    expect(await commandsOn(listed, { missingInvoicePageSize: 2 }).port.observe({ kind: "INVOICE", target: target("package:7000000102"), invoiceNumber: "X" })).toBe("NOT_APPLIED");
    const absent = serveFixtures(fixture("hepsiburada", "missing-invoice"));
    expect(await commandsOn(absent, { missingInvoicePageSize: 2 }).port.observe({ kind: "INVOICE", target: target("package:7000000101"), invoiceNumber: "X" })).toBe("APPLIED");
    done(absent);
  });

  test("observe SHIP reads the package: InTransit with our tracking number is APPLIED", async () => {
    const server = serveFixtures(fixture("hepsiburada", "package-detail"));
    const { port } = commandsOn(server, { storeAccount: STORE_ACCOUNT });
    expect(await port.observe({ kind: "SHIP", target: target("package:7000000101"), trackingNumber: "TRK-1" })).toBe("APPLIED");
    done(server);
  });

  test("label: the labels answer's data handed over as text, typed by its format", async () => {
    const server = serveFixtures(fixture("hepsiburada", "package-labels"));
    const label = await commandsOn(server).port.label?.(target("package:7000000101"));
    done(server);
    expect(label?.contentType).toBe("application/zpl");
    expect(new TextDecoder().decode(label?.body)).toBe("^XA^FO50,50^BCN,100,Y,N,N^FD627000000101^FS^XZ");
  });

  test("pullClaims reads claims created in the window (Turkey-time dates, capital I in merchantId) page by page; each claim is one line with its order line id and merchant SKU", async () => {
    const server = serveFixtures(fixture("hepsiburada", "claim-list"));
    const { port, calls } = commandsOn(server, { claimPageSize: 2 });
    const window = { since: new Date("2026-12-05T09:00:00Z"), until: new Date("2026-12-06T09:00:00Z") };
    const first = await port.pullClaims?.(window);
    const second = await port.pullClaims?.({ ...window, page: first?.next ?? "" });
    done(server);
    expect(server.sent[0]?.url.searchParams.get("beginDate")).toBe("2026-12-05 12:00");
    expect(server.sent[0]?.url.searchParams.get("endDate")).toBe("2026-12-06 12:00");
    expect(first?.next).toBe("2");
    expect(second?.next).toBeNull();
    const claims = [...(first?.claims ?? []), ...(second?.claims ?? [])];
    expect(claims.map((c) => [c.claimId, c.orderNumber, c.state, c.marketplaceStatus, c.lines, c.lastModifiedAt])).toEqual([
      ["193839839", "4100003", "OPEN", "NewRequest", [{ claimLineId: "193839839", lineId: "L-3", barcode: "SKU-3", quantity: 1, reason: "IncompatiblyProduct" }], "2026-12-05T05:22:23.000Z"],
      ["193839840", "4100003", "APPROVED", "Accepted", [{ claimLineId: "193839840", lineId: "L-5", barcode: "SKU-5", quantity: 1, reason: "IncompatiblyProduct" }], "2026-12-05T06:00:00.000Z"],
      ["193839841", "4100009", "REJECTED", "Rejected", [{ claimLineId: "193839841", lineId: "L-13", barcode: "SKU-3", quantity: 1, reason: "IncompatiblyProduct" }], "2026-12-05T07:00:00.000Z"],
    ]);
    expect(calls.map((call) => call.callType)).toEqual(["GET_CLAIMS", "GET_CLAIMS"]);
    expect(port.groupOf("APPROVE_RETURN")).toBe("claims");
    expect(port.groupOf("PICK")).toBe("orders");
  });

  test("APPROVE_RETURN accepts by claim number with an empty body, REJECT_RETURN rejects with the staff's statement; both answer 204", async () => {
    const server = serveFixtures(fixture("hepsiburada", "claim-accept"), fixture("hepsiburada", "claim-reject"));
    const { port } = commandsOn(server, { claimRejectionReason: "ProductUsed" });
    expect((await port.send({ kind: "APPROVE_RETURN", claim: claim("193839839") })).outcome).toBe("CONFIRMED");
    expect((await port.send({ kind: "REJECT_RETURN", claim: claim("193839839"), reason: "Ürün kullanılmış" })).outcome).toBe("CONFIRMED");
    done(server);
    expect(server.sent.map((request) => request.url.pathname)).toEqual(["/claims/number/193839839/accept", "/claims/number/193839839/reject"]);
    expect(sentBody(server, 0)).toEqual({});
    expect(sentBody(server, 1)).toEqual({ ClaimRejectionReason: "ProductUsed", MerchantStatement: "Ürün kullanılmış" });
  });

  test("observe APPROVE_RETURN finds the claim in the list: Accepted is APPLIED, NewRequest NOT_APPLIED, Rejected PASSED", async () => {
    const observe = async (claimId: string, kind: "APPROVE_RETURN" | "REJECT_RETURN") => {
      const server = serveFixtures(fixture("hepsiburada", "claim-list"));
      const { port } = commandsOn(server, { claimPageSize: 2 });
      return kind === "APPROVE_RETURN" ? port.observe({ kind, claim: claim(claimId) }) : port.observe({ kind, claim: claim(claimId), reason: "x" });
    };
    expect(await observe("193839840", "APPROVE_RETURN")).toBe("APPLIED");
    expect(await observe("193839839", "APPROVE_RETURN")).toBe("NOT_APPLIED");
    expect(await observe("193839841", "APPROVE_RETURN")).toBe("PASSED");
    expect(await observe("193839841", "REJECT_RETURN")).toBe("APPLIED");
  });
});

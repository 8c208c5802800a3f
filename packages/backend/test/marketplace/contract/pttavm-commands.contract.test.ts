/**
 * PttAVM's order commands against the evidence fixtures: the invoice link, the shipment barcode
 * on the shipment host (its warehouse read first), the order detail observe reads, and returns
 * read as `iade` lines of the order search; the steps PttAVM has no call for make none.
 */
import { describe, expect, test } from "bun:test";
import { type Exchange, type FixtureServer, fixture, serveFixtures } from "@pazarsync/marketplace-fixtures";
import { MarketplaceCommandIncomplete, MarketplaceRefused } from "../../../src/domains/marketplace/errors";
import { createPttavmAdapter, type PttavmConfig } from "../../../src/domains/marketplace/pttavm/adapter";

const BASE = "https://integration-api.pttavm.com/api/v1";
const SHIPMENT = "https://shipment.pttavm.com/api/v1";
const DAY = 24 * 60 * 60 * 1000;

function portOn(server: FixtureServer, overrides: Partial<PttavmConfig> = {}) {
  const port = createPttavmAdapter({ baseUrl: BASE, apiKey: "k", accessToken: "t", fetch: server.fetch, timeoutMs: 5_000, ...overrides }).orderCommands;
  if (!port) throw new Error("no orderCommands");
  return port;
}

function done(server: FixtureServer) {
  expect(server.mismatches).toEqual([]);
  expect(server.remaining()).toBe(0);
}

const target = { orderNumber: "PTT-0ATHPIN2T-201126", lines: [{ lineId: "5501", barcode: "8690000000011", quantity: 2 }] };

function detailWith(change: (order: Record<string, unknown>) => void): Exchange {
  const base = fixture("pttavm", "order-detail").exchanges[0] as Exchange;
  const order = structuredClone((base.response.body as Record<string, unknown>[])[0] ?? {});
  change(order);
  return { request: base.request, response: { status: 200, body: [order] } };
}

describe("PttAVM order commands against the sources", () => {
  test("INVOICE posts the lines' lineItemIds with the PDF link to the order's invoice path, and the answer confirms it", async () => {
    const server = serveFixtures(fixture("pttavm", "order-invoice"));
    const answer = await portOn(server).send({ kind: "INVOICE", target, invoiceNumber: "ABC2026000000001", invoiceLink: "https://e.example/f.pdf" });
    done(server);
    expect(server.sent[0]?.url.pathname).toBe("/api/v1/orders/PTT-0ATHPIN2T-201126/invoice");
    expect(JSON.parse(server.sent[0]?.body ?? "{}")).toEqual({ lineItemId: [5501], url: "https://e.example/f.pdf" });
    expect(answer).toEqual({ outcome: "CONFIRMED" });
  });

  test("an INVOICE without a link is refused unsent: PttAVM takes the invoice itself, not its number", async () => {
    const server = serveFixtures([]);
    const error = await portOn(server).send({ kind: "INVOICE", target, invoiceNumber: "ABC2026000000001" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MarketplaceCommandIncomplete);
    expect(server.sent).toHaveLength(0);
  });

  test("success:false with error_Message is a refusal carrying PttAVM's message", async () => {
    const ok = fixture("pttavm", "order-invoice").exchanges[0] as Exchange;
    const server = serveFixtures([{ request: ok.request, response: { status: 200, body: { success: false, error_Message: "Fatura zaten yüklenmiş" } } }]);
    const error = await portOn(server).send({ kind: "INVOICE", target, invoiceNumber: "X", invoiceLink: "https://e.example/f.pdf" }).catch((e: unknown) => e);
    expect((error as MarketplaceRefused).reasons).toEqual(["Fatura zaten yüklenmiş"]);
  });

  test("SHIP reads the one warehouse and asks the shipment host for the order's barcode; the tracking_id is the reference", async () => {
    const server = serveFixtures(fixture("pttavm", "warehouse-list"), fixture("pttavm", "create-barcode"));
    const answer = await portOn(server).send({ kind: "SHIP", target });
    done(server);
    expect(server.sent.map((s) => s.url.origin)).toEqual([new URL(SHIPMENT).origin, new URL(SHIPMENT).origin]);
    expect(JSON.parse(server.sent[1]?.body ?? "{}")).toEqual({ orders: [{ order_id: "PTT-0ATHPIN2T-201126", warehouse_id: 100301619 }] });
    expect(answer).toEqual({ outcome: "ACCEPTED", reference: "cb3fa78459a6edae7dca9be0389a9861" });
  });

  test("a store's warehouseId setting is used as it is, without reading the warehouses", async () => {
    const server = serveFixtures(fixture("pttavm", "create-barcode"));
    await portOn(server, { warehouseId: 100301619 }).send({ kind: "SHIP", target });
    done(server);
  });

  test("observe reads the order detail: isInvoice for the invoice, the cargo barcode for the shipment", async () => {
    const invoiced = serveFixtures(fixture("pttavm", "order-detail"));
    expect(await portOn(invoiced).observe({ kind: "INVOICE", target, invoiceNumber: "X" })).toBe("APPLIED");
    done(invoiced);
    const notYet = serveFixtures([detailWith((o) => ((o.siparisUrunler as Record<string, unknown>[])[0] = { ...(o.siparisUrunler as Record<string, unknown>[])[0], isInvoice: false }))]);
    expect(await portOn(notYet).observe({ kind: "INVOICE", target, invoiceNumber: "X" })).toBe("NOT_APPLIED");
    const shipped = serveFixtures(fixture("pttavm", "order-detail"));
    expect(await portOn(shipped).observe({ kind: "SHIP", target })).toBe("APPLIED");
    const noBarcode = serveFixtures([detailWith((o) => { o.kargoBarkod = null; o.barcodes = []; })]);
    expect(await portOn(noBarcode).observe({ kind: "SHIP", target })).toBe("NOT_APPLIED");
  });

  test("returns are the order search's iade lines, one claim per line, read window by window", async () => {
    const server = serveFixtures(fixture("pttavm", "claims-pull"));
    const until = new Date(Date.UTC(2026, 11, 5));
    const page = await portOn(server).pullClaims?.({ since: new Date(until.getTime() - 10 * DAY), until });
    done(server);
    expect(server.sent[0]?.url.searchParams.get("isActiveOrders")).toBe("false");
    expect(page?.next).toBeNull();
    expect(page?.claims.map((c) => [c.claimId, c.orderNumber, c.state, c.marketplaceStatus, c.lines])).toEqual([
      ["PTT-0ATHPIN2T-201126/5501", "PTT-0ATHPIN2T-201126", "APPROVED", "iade", [{ claimLineId: "5501", lineId: "5501", barcode: "8690000000011", quantity: 2 }]],
    ]);
  });

  test("PICK, UNSUPPLY, CANCEL and answers to returns are NOT_SUPPORTED with where we looked", () => {
    const port = portOn(serveFixtures([]));
    for (const kind of ["PICK", "UNSUPPLY", "CANCEL", "APPROVE_RETURN", "REJECT_RETURN"] as const) {
      const support = port.support(kind);
      expect(support.supported).toBe(false);
      if (!support.supported) expect(support.source).toContain("developers.pttavm.com");
    }
    expect(port.support("SHIP")).toEqual({ supported: true, repeatSafe: false, partial: false, requires: [] });
  });
});

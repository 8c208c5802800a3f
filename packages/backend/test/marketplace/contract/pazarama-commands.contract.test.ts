/**
 * Pazarama's order commands against the evidence fixtures: the order read each step makes first,
 * item statuses 12 and 13, the shipment notice, refunds listed and answered. No invoice call is
 * documented: NOT_SUPPORTED, no call made.
 */
import { describe, expect, test } from "bun:test";
import { type Exchange, type FixtureServer, fixture, serveFixtures } from "@pazarsync/marketplace-fixtures";
import { MarketplaceCommandIncomplete } from "../../../src/domains/marketplace/errors";
import { createPazaramaAdapter, type PazaramaConfig } from "../../../src/domains/marketplace/pazarama/adapter";
import { turkishDateText } from "../../../src/domains/marketplace/pazarama/refunds";

const NOW = Date.UTC(2026, 11, 6, 9);

function portOn(server: FixtureServer, overrides: Partial<PazaramaConfig> = {}) {
  const port = createPazaramaAdapter({ clientId: "c", clientSecret: "s", fetch: server.fetch, timeoutMs: 5_000, now: () => NOW, ...overrides }).orderCommands;
  if (!port) throw new Error("no orderCommands");
  return port;
}

function done(server: FixtureServer) {
  expect(server.mismatches).toEqual([]);
  expect(server.remaining()).toBe(0);
}

const token = () => fixture("pazarama", "token.wrapped").exchanges;
const ITEM = "d6da388c-f465-4f9c-8800-afc9271b801b";
const target = { orderNumber: "d4fb5f23-6330-4eb0-a81c-35847560df86", marketplaceOrderNumber: "735071747", lines: [{ lineId: ITEM, barcode: "deneroyaldene-1", quantity: 1 }] };

/** The order-read fixture with its item in `status`. */
function readWith(status: number): Exchange {
  const base = fixture("pazarama", "order-read").exchanges[0] as Exchange;
  const body = structuredClone(base.response.body) as { data: { items: Record<string, unknown>[] }[] };
  for (const order of body.data) for (const item of order.items) item.orderItemStatus = status;
  return { request: base.request, response: { status: 200, body } };
}

const [pick, unsupply] = fixture("pazarama", "order-item-status").exchanges as [Exchange, Exchange];

describe("Pazarama order commands against the sources", () => {
  test("PICK reads the order by its orderNumber, then moves the received item to 12 as the source shows", async () => {
    const server = serveFixtures([...token(), readWith(3), pick]);
    expect(await portOn(server).send({ kind: "PICK", target })).toEqual({ outcome: "CONFIRMED" });
    done(server);
    expect(server.sent[1]?.url.pathname).toBe("/order/getOrdersForApiV2");
    expect(JSON.parse(server.sent[1]?.body ?? "{}")).toMatchObject({ orderNumber: 735071747 });
    expect(JSON.parse(server.sent[2]?.body ?? "{}")).toEqual({ orderNumber: 735071747, item: { orderItemId: ITEM, status: 12 } });
  });

  test("a step already done is not sent again: the item already at 12 makes no update call", async () => {
    const server = serveFixtures([...token(), readWith(12)]);
    expect(await portOn(server).send({ kind: "PICK", target })).toEqual({ outcome: "CONFIRMED" });
    done(server);
    expect(server.sent.filter((s) => s.method === "PUT")).toHaveLength(0);
  });

  test("UNSUPPLY moves a preparing item to 13 (Tedarik Edilemedi)", async () => {
    const server = serveFixtures([...token(), readWith(12), unsupply]);
    await portOn(server).send({ kind: "UNSUPPLY", target, reason: "OUT_OF_STOCK" });
    done(server);
    expect(JSON.parse(server.sent[2]?.body ?? "{}")).toEqual({ orderNumber: 735071747, item: { orderItemId: ITEM, status: 13 } });
  });

  test("SHIP sends status 5 with the tracking number and the store's carrier id, as the source shows", async () => {
    const ship = fixture("pazarama", "order-ship").exchanges[0] as Exchange;
    const server = serveFixtures([...token(), readWith(12), ship]);
    await portOn(server, { cargoCompanyId: "7b5567ff-abe7-487e-5c79-08d8e480366a" }).send({ kind: "SHIP", target, trackingNumber: "1615598038857" });
    done(server);
    expect(JSON.parse(server.sent[2]?.body ?? "{}")).toEqual({
      orderNumber: 735071747,
      item: { orderItemId: ITEM, status: 5, deliveryType: 1, shippingTrackingNumber: "1615598038857", cargoCompanyId: "7b5567ff-abe7-487e-5c79-08d8e480366a" },
    });
  });

  test("SHIP without the store's carrier id is refused before any update", async () => {
    const server = serveFixtures([...token(), readWith(12)]);
    const error = await portOn(server).send({ kind: "SHIP", target, trackingNumber: "1" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MarketplaceCommandIncomplete);
    expect(server.sent.filter((s) => s.method === "PUT")).toHaveLength(0);
  });

  test("an order known only by its orderId is refused unsent (not permanently): Pazarama's calls take the orderNumber", async () => {
    const server = serveFixtures([]);
    const error = await portOn(server).send({ kind: "PICK", target: { ...target, marketplaceOrderNumber: undefined } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MarketplaceCommandIncomplete);
    expect((error as MarketplaceCommandIncomplete).permanent).toBe(false);
    expect(server.sent).toHaveLength(0);
  });

  test("observe reads the item's status: 12 applied for PICK, 3 not yet, 6 (cancelled) passed", async () => {
    for (const [status, seen] of [[12, "APPLIED"], [3, "NOT_APPLIED"], [6, "PASSED"]] as const) {
      const server = serveFixtures([...token(), readWith(status)]);
      expect(await portOn(server).observe({ kind: "PICK", target })).toBe(seen);
      done(server);
    }
  });

  test("refunds are pulled with SplitItems, one unit each, state from refundStatus, Turkish dates read in Turkey's time", async () => {
    const server = serveFixtures([...token(), ...fixture("pazarama", "claims-pull").exchanges]);
    const page = await portOn(server).pullClaims?.({ since: new Date(NOW - 5 * 86_400_000), until: new Date(NOW) });
    done(server);
    expect(JSON.parse(server.sent[1]?.body ?? "{}")).toMatchObject({ SplitItems: true, pageNumber: 1, requestStartDate: "2026-12-01", requestEndDate: "2026-12-06" });
    expect(page?.next).toBeNull();
    expect(page?.claims.map((c) => [c.claimId, c.orderNumber, c.state, c.lines, c.lastModifiedAt])).toEqual([
      ["ef2affaf-fdfc-4128-b5bc-3a4c1129e662", "735071747", "OPEN", [{ claimLineId: "ef2affaf-fdfc-4128-b5bc-3a4c1129e662", barcode: "deneroyaldene-1", quantity: 1, reason: "Ürünün parçası eksik" }], "2026-12-03T16:46:00.000Z"],
    ]);
    expect(turkishDateText("6 Ekim 2021 19:46")).toBe("2021-10-06T16:46:00.000Z");
  });

  test("APPROVE_RETURN sends status 2 and REJECT_RETURN status 3 with reason 12 and staff's text, as the sources show", async () => {
    const [approve, reject] = fixture("pazarama", "claim-update").exchanges as [Exchange, Exchange];
    const claim = { claimId: "ef2affaf-fdfc-4128-b5bc-3a4c1129e662", orderNumber: "735071747", claimLineIds: ["ef2affaf-fdfc-4128-b5bc-3a4c1129e662"] };
    const server = serveFixtures([...token(), approve, reject]);
    const port = portOn(server);
    expect(await port.send({ kind: "APPROVE_RETURN", claim })).toEqual({ outcome: "CONFIRMED" });
    expect(await port.send({ kind: "REJECT_RETURN", claim, reason: "Ürün kullanılmış" })).toEqual({ outcome: "CONFIRMED" });
    done(server);
    expect(JSON.parse(server.sent[2]?.body ?? "{}")).toEqual({ refundId: claim.claimId, status: 3, RefundRejectType: 12, description: "Ürün kullanılmış" });
  });

  test("INVOICE is NOT_SUPPORTED with the pages read, and makes no call", () => {
    const server = serveFixtures([]);
    const support = portOn(server).support("INVOICE");
    expect(support.supported).toBe(false);
    if (!support.supported) expect(support.source).toContain("isortagim.pazarama.com");
    expect(server.sent).toHaveLength(0);
  });
});

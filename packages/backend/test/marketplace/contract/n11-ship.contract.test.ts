/**
 * N11's seller shipment notice against the evidence fixture (SOAP OrderService
 * MakeOrderItemShipment, manual v5.2): the envelope as the manual's example shows it, with the
 * store's carrier id, the tracking number and method 1; success confirms it, the documented
 * "ön koşullar sağlanamadı" failure is a refusal; observe reads the order's packages.
 */
import { describe, expect, test } from "bun:test";
import { type Exchange, fixture, serveFixtures } from "@pazarsync/marketplace-fixtures";
import { MarketplaceCommandIncomplete, MarketplaceRejected } from "../../../src/domains/marketplace/errors";
import { createN11Adapter } from "../../../src/domains/marketplace/n11/adapter";
import { parseXml } from "../../../src/domains/marketplace/n11/xml";
import type { ApiCall } from "../../../src/domains/marketplace/types";

function portOn(server: { fetch: typeof fetch }, calls: ApiCall[] = [], shipmentCompanyId: number | undefined = 341) {
  const port = createN11Adapter({ appKey: "key-1", appSecret: "secret-1", fetch: server.fetch, timeoutMs: 5_000, onCall: (call) => calls.push(call), ...(shipmentCompanyId ? { shipmentCompanyId } : {}) }).orderCommands;
  if (!port) throw new Error("no order commands");
  return port;
}

const exchange = (name: string, index = 0) => fixture("n11", name).exchanges[index] as Exchange;
const fieldOf = (body: string | undefined, path: string[]) => {
  let at = parseXml(body ?? "");
  for (const name of path) at = at?.children.find((c) => c.name === name);
  return at?.text;
};
const target = { orderNumber: "123456789", lines: [{ lineId: "18675500", barcode: "StokKod1234567", quantity: 1 }] };
const ship = { kind: "SHIP" as const, target, carrier: "Sürat", trackingNumber: "123" };

/** order-read's answer with its package in `status` holding line 18675500. */
function readExchange(status: string): Exchange {
  const base = exchange("order-read");
  const body = base.response.body as { content: Record<string, unknown>[] };
  const first = body.content[0] ?? {};
  const lines = (first.lines as Record<string, unknown>[]).slice(0, 1).map((l) => ({ ...l, orderLineId: 18675500, quantity: 1, orderItemLineItemStatusName: status }));
  return { ...base, response: { ...base.response, body: { ...body, content: [{ ...first, shipmentPackageStatus: status, lines }] } } };
}

describe("N11 shipment notice against the sources", () => {
  test("SHIP sends MakeOrderItemShipment with item id, carrier id, tracking number and method 1; success confirms it", async () => {
    const server = serveFixtures([exchange("order-ship", 0)]);
    const calls: ApiCall[] = [];
    const port = portOn(server, calls);
    expect(port.support("SHIP")).toEqual({ supported: true, repeatSafe: false, partial: true, requires: ["PICK"] });
    expect(await port.send(ship)).toEqual({ outcome: "CONFIRMED", reference: "123" });
    expect(server.mismatches).toEqual([]);
    expect(server.sent[0]?.url.pathname).toBe("/ws/orderService/");
    const item = ["Body", "MakeOrderItemShipmentRequest", "orderItemList", "orderItem"];
    const body = server.sent[0]?.body;
    expect([fieldOf(body, [...item, "id"]), fieldOf(body, [...item, "shipmentInfo", "shipmentCompany", "id"]), fieldOf(body, [...item, "shipmentInfo", "trackingNumber"]), fieldOf(body, [...item, "shipmentInfo", "shipmentMethod"])]).toEqual([
      "18675500",
      "341",
      "123",
      "1",
    ]);
    expect(calls.map((c) => [c.callType, c.httpStatus])).toEqual([["ORDER_COMMAND", 200]]);
  });

  test("the manual's precondition failure is a refusal carrying N11's text", async () => {
    const server = serveFixtures([exchange("order-ship", 1)]);
    const error = await portOn(server).send(ship).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MarketplaceRejected);
    expect(String((error as MarketplaceRejected).message)).toContain("ön koşullar sağlanamadı");
  });

  test("without the store's carrier id or a tracking number nothing is sent", async () => {
    const server = serveFixtures([]);
    expect(await portOn(server, [], 0).send(ship).catch((e: unknown) => e)).toBeInstanceOf(MarketplaceCommandIncomplete);
    expect(await portOn(server).send({ kind: "SHIP", target }).catch((e: unknown) => e)).toBeInstanceOf(MarketplaceCommandIncomplete);
    expect(server.sent).toHaveLength(0);
  });

  test("observe reads the order's packages: Shipped or Delivered applied, Picking not yet, Cancelled passed", async () => {
    for (const [status, seen] of [["Shipped", "APPLIED"], ["Delivered", "APPLIED"], ["Picking", "NOT_APPLIED"], ["Cancelled", "PASSED"]] as const) {
      const server = serveFixtures([readExchange(status)]);
      expect(await portOn(server).observe(ship)).toBe(seen);
      expect(server.mismatches).toEqual([]);
    }
  });
});

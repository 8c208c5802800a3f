/**
 * N11's seller shipment notice against the sandbox: an order picked then shipped through SOAP
 * MakeOrderItemShipment is observed applied (its package Shipped), the sandbox holding the tracking
 * number and counting one call; a second notice fails N11's precondition; the XML answers have
 * the fixture's shape.
 */
import { describe, expect, test } from "bun:test";
import { fixture, xmlMismatches } from "@pazarsync/marketplace-fixtures";
import { MarketplaceRejected } from "../../src/domains/marketplace/errors";
import { n11Paths } from "../../src/domains/marketplace/n11/facts";
import { soapEnvelope } from "../../src/domains/marketplace/n11/soap";
import type { OrderCommand } from "../../src/domains/marketplace/order-commands";
import { N11_ACCOUNT, n11AdapterFor, n11Sandbox, rawN11 } from "./n11-support";

interface Placed {
  id: string;
  payload: { id: string; lines: { orderLineId: number; quantity: number; stockCode: string }[] };
}

async function placed(url: string): Promise<Placed> {
  const res = await fetch(`${url}/__sandbox/marketplaces/n11/${N11_ACCOUNT.account}/orders`, { method: "POST", body: JSON.stringify({ lines: [{ code: "SKU-1", quantity: 2, unitPrice: 9990 }] }) });
  return (await res.json()) as Placed;
}

async function stateOf(url: string, orderNumber: string) {
  const res = await fetch(`${url}/__sandbox/marketplaces/n11/${N11_ACCOUNT.account}/order-state?orderNumber=${orderNumber}`);
  return (await res.json()) as { packages: { shipmentPackageStatus: string }[]; trackingNumber: string | null; invoiceNumber: string | null; commandCalls: Record<string, number> };
}

const shipXml = (lineId: number, tracking: string) =>
  `<orderItemList><orderItem><id>${lineId}</id><shipmentInfo><shipmentCompany><id>341</id></shipmentCompany><trackingNumber>${tracking}</trackingNumber><shipmentMethod>1</shipmentMethod></shipmentInfo></orderItem></orderItemList>`;

async function soap(url: string, fields: string) {
  const res = await fetch(`${url}${n11Paths.orderService}`, { method: "POST", headers: { "content-type": "text/xml; charset=utf-8" }, body: soapEnvelope("MakeOrderItemShipment", N11_ACCOUNT.key, N11_ACCOUNT.secret, fields) });
  return res.text();
}

describe("N11 shipment notice against the sandbox", () => {
  test("PICK then SHIP: confirmed, observed applied, the sandbox shows the tracking number and one call; a repeat is refused", async () => {
    const target = await n11Sandbox();
    const { id: orderNumber, payload } = await placed(target.url);
    const port = n11AdapterFor(target, { shipmentCompanyId: 341 }).adapter.orderCommands;
    if (!port) throw new Error("no orderCommands");
    const lines = payload.lines.map((l) => ({ lineId: String(l.orderLineId), barcode: l.stockCode, quantity: l.quantity }));
    const orderTarget = { orderNumber, packageId: payload.id, lines };
    await port.send({ kind: "PICK", target: orderTarget });
    const ship: OrderCommand = { kind: "SHIP", target: orderTarget, carrier: "Sürat", trackingNumber: "SRT-42" };
    expect(await port.observe(ship)).toBe("NOT_APPLIED");
    expect(await port.send(ship)).toEqual({ outcome: "CONFIRMED", reference: "SRT-42" });
    expect(await port.observe(ship)).toBe("APPLIED");
    const held = await stateOf(target.url, orderNumber);
    expect(held.packages.map((p) => p.shipmentPackageStatus)).toEqual(["Shipped"]);
    expect(held).toMatchObject({ trackingNumber: "SRT-42", invoiceNumber: null, commandCalls: { PICK: 1, SHIP: 1 } });
    const again = await port.send(ship).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(MarketplaceRejected);
    expect((await stateOf(target.url, orderNumber)).commandCalls).toEqual({ PICK: 1, SHIP: 2 });
  });

  test("the sandbox answers MakeOrderItemShipment in the fixture's shape; a missing tracking number or a wrong key fails", async () => {
    const target = await n11Sandbox();
    const { payload } = await placed(target.url);
    const lineId = payload.lines[0]?.orderLineId ?? 0;
    expect(await soap(target.url, shipXml(lineId, ""))).toContain("<status>failure</status>");
    const shipped = await soap(target.url, shipXml(lineId, "SRT-7"));
    expect(xmlMismatches(fixture("n11", "order-ship").exchanges[0]?.response.bodyText ?? "", shipped, "answered")).toEqual([]);
    const refused = await soap(target.url, shipXml(lineId, "SRT-7"));
    expect(refused).toContain("ön koşullar sağlanamadı");
    expect(xmlMismatches(fixture("n11", "order-ship").exchanges[1]?.response.bodyText ?? "", refused, "answered")).toEqual([]);
    const wrongKey = await fetch(`${target.url}${n11Paths.orderService}`, { method: "POST", body: soapEnvelope("MakeOrderItemShipment", "wrong", "wrong", shipXml(lineId, "X")) });
    expect(await wrongKey.text()).toContain("<status>failure</status>");
    expect((await rawN11(target, `${n11Paths.shipmentPackages}?orderNumber=${payload.id}&page=0&size=10`, { method: "GET" })).status).toBe(200);
  });
});

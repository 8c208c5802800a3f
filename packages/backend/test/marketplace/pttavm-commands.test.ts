/**
 * The PttAVM adapter's order commands against the sandbox: an order goes through every step
 * PttAVM documents (invoice, shipment barcode), each observed applied, the sandbox holding the
 * invoice link and the barcode; a delivered line turned `iade` is picked up as a return; the
 * sandbox answers as the fixtures show; steps PttAVM has no call for reach it never.
 */
import { describe, expect, test } from "bun:test";
import { fixture, shapeMismatches } from "@pazarsync/marketplace-fixtures";
import type { OrderCommand, OrderCommandPort } from "../../src/domains/marketplace/order-commands";
import { PTT_ACCOUNT, pttAdapterFor, pttSandbox, rawPtt } from "./pttavm-support";

const control = (url: string, what: string, body?: unknown, query = "") =>
  fetch(`${url}/__sandbox/marketplaces/pttavm/${PTT_ACCOUNT.account}/${what}${query}`, body === undefined ? {} : { method: "POST", body: JSON.stringify(body) });

async function placed(url: string) {
  const res = await fetch(`${url}/__sandbox/marketplaces/pttavm/${PTT_ACCOUNT.account}/orders`, { method: "POST", body: JSON.stringify({ lines: [{ code: "8690000000011", quantity: 2, unitPrice: 12000 }] }) });
  const created = (await res.json()) as { id: string; payload: { siparisUrunler: { lineItemId: number }[] } };
  return { orderNumber: created.id, lineId: String(created.payload.siparisUrunler[0]?.lineItemId) };
}

async function stateOf(url: string, orderId: string) {
  return (await (await control(url, "order-state", undefined, `?orderId=${orderId}`)).json()) as {
    lines: { status: string; invoiced: boolean }[];
    invoiceUrl: string | null;
    trackingNumber: string | null;
    returns: number[];
    commandCalls: Record<string, number>;
  };
}

function portOf(target: { url: string }): OrderCommandPort {
  const port = pttAdapterFor(target, { shipmentBaseUrl: `${target.url}/api/v1` }).adapter.orderCommands;
  if (!port) throw new Error("no orderCommands");
  return port;
}

describe("PttAVM order commands against the sandbox", () => {
  test("invoice then shipment barcode: each applied exactly once, the sandbox keeping the link and the barcode; a delivered line returned is pulled as a claim", async () => {
    const target = await pttSandbox();
    const { orderNumber, lineId } = await placed(target.url);
    const port = portOf(target);
    const order = { orderNumber, lines: [{ lineId, barcode: "8690000000011", quantity: 2 }] };

    const invoice: OrderCommand = { kind: "INVOICE", target: order, invoiceNumber: "PTT2026000000001", invoiceLink: "https://e.example/inv.pdf" };
    expect(await port.observe(invoice)).toBe("NOT_APPLIED");
    expect(await port.send(invoice)).toEqual({ outcome: "CONFIRMED" });
    expect(await port.observe(invoice)).toBe("APPLIED");

    const ship: OrderCommand = { kind: "SHIP", target: order };
    expect(await port.observe(ship)).toBe("NOT_APPLIED");
    const shipped = await port.send(ship);
    expect(shipped.outcome).toBe("ACCEPTED");
    expect(await port.observe(ship)).toBe("APPLIED");

    const held = await stateOf(target.url, orderNumber);
    expect(held.invoiceUrl).toBe("https://e.example/inv.pdf");
    expect(held.trackingNumber).toMatch(/^\d+$/);
    expect(held.lines.every((line) => line.invoiced)).toBe(true);
    expect(held.commandCalls).toEqual({ INVOICE: 1, SHIP: 1 });

    // PTT delivers; the buyer returns the line; PttAVM shows it as `iade` in the order search.
    expect((await control(target.url, "return-line", { orderId: orderNumber, lineItemId: Number(lineId) })).status).toBe(409);
    expect((await control(target.url, "line-status", { orderId: orderNumber, status: "tamamlandi" })).status).toBe(200);
    expect((await control(target.url, "return-line", { orderId: orderNumber, lineItemId: Number(lineId) })).status).toBe(200);
    const claims = await port.pullClaims?.({ since: new Date(Date.now() - 60 * 60 * 1000), until: new Date(Date.now() + 60_000) });
    expect(claims?.claims.map((c) => [c.claimId, c.orderNumber, c.marketplaceStatus, c.lines[0]?.quantity])).toEqual([[`${orderNumber}/${lineId}`, orderNumber, "iade", 2]]);
    expect((await stateOf(target.url, orderNumber)).returns).toEqual([Number(lineId)]);
  });

  test("refusals as the sandbox plays them: no barcode for an order not awaiting shipment, no invoice for a cancelled line", async () => {
    const target = await pttSandbox();
    const { orderNumber, lineId } = await placed(target.url);
    const port = portOf(target);
    await fetch(`${target.url}/__sandbox/marketplaces/pttavm/${PTT_ACCOUNT.account}/orders/${orderNumber}/cancel`, { method: "POST" });
    const order = { orderNumber, lines: [{ lineId, barcode: "8690000000011", quantity: 2 }] };
    await expect(port.send({ kind: "SHIP", target: order })).rejects.toMatchObject({ code: "MARKETPLACE_REFUSED", httpStatus: 422 });
    await expect(port.send({ kind: "INVOICE", target: order, invoiceNumber: "X", invoiceLink: "https://e.example/x.pdf" })).rejects.toMatchObject({ reasons: ["İptal edilen ürüne fatura yüklenemez"] });
    expect(await port.observe({ kind: "SHIP", target: order })).toBe("PASSED");
  });

  test("the shipment host's quota (an assumed 60 a minute) answers the 61st barcode request with a 429 and Retry-After", async () => {
    const target = await pttSandbox();
    const statuses: number[] = [];
    for (let i = 0; i < 61; i += 1) statuses.push((await rawPtt(target, "/create-barcode", { body: { orders: [{ order_id: "PTT-none", warehouse_id: 100301619 }] } })).status);
    expect(statuses.slice(0, 60).every((status) => status === 422)).toBe(true);
    expect(statuses[60]).toBe(429);
  });

  test("a step PttAVM does not document reaches the sandbox never", async () => {
    const target = await pttSandbox();
    const { orderNumber } = await placed(target.url);
    const port = portOf(target);
    expect(port.support("PICK").supported).toBe(false);
    expect(port.support("UNSUPPLY").supported).toBe(false);
    expect((await stateOf(target.url, orderNumber)).commandCalls).toEqual({});
  });

  test("the sandbox answers each new call in the fixture's shape", async () => {
    const target = await pttSandbox();
    const { orderNumber, lineId } = await placed(target.url);
    const invoice = fixture("pttavm", "order-invoice").exchanges[0];
    const res = await rawPtt(target, `/orders/${orderNumber}/invoice`, { body: { lineItemId: [Number(lineId)], url: "https://e.example/f.pdf" } });
    expect(shapeMismatches(invoice?.response.body, await res.json(), "answered")).toEqual([]);
    const warehouses = await rawPtt(target, "/get-warehouse", { body: {} });
    expect(shapeMismatches(fixture("pttavm", "warehouse-list").exchanges[0]?.response.body, await warehouses.json(), "answered")).toEqual([]);
    const barcode = await rawPtt(target, "/create-barcode", { body: { orders: [{ order_id: orderNumber, warehouse_id: 100301619 }] } });
    expect(shapeMismatches(fixture("pttavm", "create-barcode").exchanges[0]?.response.body, await barcode.json(), "answered")).toEqual([]);
    const detail = await rawPtt(target, `/orders/${orderNumber}`, { method: "GET" });
    expect(shapeMismatches(fixture("pttavm", "order-detail").exchanges[0]?.response.body, await detail.json(), "answered")).toEqual([]);
  });
});

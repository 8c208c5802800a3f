/**
 * The Pazarama adapter's order commands against the sandbox: an order goes through every step
 * Pazarama documents (12 preparing, 5 shipped with the tracking number; 13 for an item not
 * supplied), each observed applied and counted once; a delivered item's refund is pulled and
 * approved; a rejection without a photo is refused as Pazarama's page says; the sandbox answers
 * as the fixtures show; the invoice, undocumented, reaches it never.
 */
import { describe, expect, test } from "bun:test";
import { fixture, shapeMismatches } from "@pazarsync/marketplace-fixtures";
import type { OrderCommand, OrderCommandPort } from "../../src/domains/marketplace/order-commands";
import { PZ_ACCOUNT, pzAdapterFor, pzSandbox } from "./pazarama-support";

const CARRIER = "7b5567ff-abe7-487e-5c79-08d8e480366a";
const control = (url: string, what: string, body?: unknown, query = "") =>
  fetch(`${url}/__sandbox/marketplaces/pazarama/${PZ_ACCOUNT.account}/${what}${query}`, body === undefined ? {} : { method: "POST", body: JSON.stringify(body) });

async function placedAndPulled(url: string, port: { pull: NonNullable<ReturnType<typeof pzAdapterFor>["adapter"]["pullOrders"]> }) {
  const res = await fetch(`${url}/__sandbox/marketplaces/pazarama/${PZ_ACCOUNT.account}/orders`, { method: "POST", body: JSON.stringify({ lines: [{ code: "BC1", quantity: 1, unitPrice: 11285 }, { code: "BC2", quantity: 1, unitPrice: 500 }] }) });
  const { id } = (await res.json()) as { id: string };
  const page = await port.pull({ since: new Date(Date.now() - 60 * 60 * 1000), until: new Date(Date.now() + 60_000) });
  const order = page.orders.find((o) => o.externalId === id);
  if (!order) throw new Error("order not pulled");
  return { orderId: id, order };
}

async function stateOf(url: string, orderId: string) {
  return (await (await control(url, "order-state", undefined, `?orderId=${orderId}`)).json()) as {
    items: { orderItemId: string; status: number; trackingNumber: string | null }[];
    claims: { refundId: string; status: number }[];
    commandCalls: Record<string, number>;
  };
}

function setUp(url: string) {
  const { adapter } = pzAdapterFor({ url }, { cargoCompanyId: CARRIER });
  const port: OrderCommandPort | undefined = adapter.orderCommands;
  if (!port || !adapter.pullOrders) throw new Error("no orderCommands");
  return { port, pull: adapter.pullOrders.bind(adapter) };
}

describe("Pazarama order commands against the sandbox", () => {
  test("PICK, SHIP and UNSUPPLY each applied once, the tracking number kept; a delivered item's refund pulled and approved", async () => {
    const target = await pzSandbox();
    const { port, pull } = setUp(target.url);
    const { orderId, order } = await placedAndPulled(target.url, { pull });
    expect(order.marketplaceOrderNumber).toMatch(/^\d+$/);
    expect(order.dispatchBy).toBeDefined();
    const [shipped, dropped] = order.lines;
    if (!shipped?.lineId || !dropped?.lineId) throw new Error("lines without ids");
    const base = { orderNumber: orderId, ...(order.marketplaceOrderNumber ? { marketplaceOrderNumber: order.marketplaceOrderNumber } : {}) };
    const line = (l: typeof shipped) => ({ lineId: l.lineId ?? "", barcode: l.barcode, quantity: l.quantity });

    const pick: OrderCommand = { kind: "PICK", target: { ...base, lines: [line(shipped), line(dropped)] } };
    expect(await port.observe(pick)).toBe("NOT_APPLIED");
    expect(await port.send(pick)).toEqual({ outcome: "CONFIRMED" });
    expect(await port.observe(pick)).toBe("APPLIED");

    const unsupply: OrderCommand = { kind: "UNSUPPLY", target: { ...base, lines: [line(dropped)] }, reason: "OUT_OF_STOCK" };
    await port.send(unsupply);
    expect(await port.observe(unsupply)).toBe("APPLIED");

    const ship: OrderCommand = { kind: "SHIP", target: { ...base, lines: [line(shipped)] }, trackingNumber: "1615598038857" };
    expect(await port.observe(ship)).toBe("NOT_APPLIED");
    await port.send(ship);
    expect(await port.observe(ship)).toBe("APPLIED");
    // Sent again (as after an unanswered send): nothing more reaches Pazarama.
    await port.send(ship);

    const held = await stateOf(target.url, orderId);
    expect(held.items.map((i) => [i.orderItemId, i.status, i.trackingNumber])).toEqual([
      [shipped.lineId, 5, "1615598038857"],
      [dropped.lineId, 13, null],
    ]);
    expect(held.commandCalls).toEqual({ PICK: 2, UNSUPPLY: 1, SHIP: 1 });

    // The carrier delivers, the buyer asks to return; the pull sees it open, approval closes it.
    expect((await control(target.url, "refund", { orderId, orderItemId: shipped.lineId })).status).toBe(409);
    expect((await control(target.url, "item-status", { orderId, orderItemId: shipped.lineId, status: 11 })).status).toBe(200);
    expect((await control(target.url, "refund", { orderId, orderItemId: shipped.lineId })).status).toBe(201);
    const pulled = await port.pullClaims?.({ since: new Date(Date.now() - 60 * 60 * 1000), until: new Date(Date.now() + 60_000) });
    const claim = pulled?.claims[0];
    if (!claim) throw new Error("no claim pulled");
    expect([claim.orderNumber, claim.state, claim.lines[0]?.barcode, claim.lines[0]?.quantity]).toEqual([order.marketplaceOrderNumber, "OPEN", "BC1", 1]);
    const approve: OrderCommand = { kind: "APPROVE_RETURN", claim: { claimId: claim.claimId, orderNumber: claim.orderNumber, claimLineIds: [claim.claimId] } };
    expect(await port.observe(approve)).toBe("NOT_APPLIED");
    expect(await port.send(approve)).toEqual({ outcome: "CONFIRMED" });
    expect(await port.observe(approve)).toBe("APPLIED");
    expect((await stateOf(target.url, orderId)).claims.map((c) => c.status)).toEqual([2]);
  });

  test("a rejection without a photo is refused as the page says, with Pazarama's message; a ship before preparing too", async () => {
    const target = await pzSandbox();
    const { port, pull } = setUp(target.url);
    const { orderId, order } = await placedAndPulled(target.url, { pull });
    const first = order.lines[0];
    if (!first?.lineId) throw new Error("no line id");
    const base = { orderNumber: orderId, marketplaceOrderNumber: order.marketplaceOrderNumber ?? "" };
    await expect(port.send({ kind: "SHIP", target: { ...base, lines: [{ lineId: first.lineId, barcode: "BC1", quantity: 1 }] }, trackingNumber: "1" })).rejects.toMatchObject({ code: "MARKETPLACE_COMMAND_INCOMPLETE" });
    await port.send({ kind: "PICK", target: { ...base, lines: [{ lineId: first.lineId, barcode: "BC1", quantity: 1 }] } });
    await port.send({ kind: "SHIP", target: { ...base, lines: [{ lineId: first.lineId, barcode: "BC1", quantity: 1 }] }, trackingNumber: "2" });
    await control(target.url, "item-status", { orderId, orderItemId: first.lineId, status: 11 });
    const refund = (await (await control(target.url, "refund", { orderId, orderItemId: first.lineId })).json()) as { refundId: string };
    const reject = port.send({ kind: "REJECT_RETURN", claim: { claimId: refund.refundId, orderNumber: base.marketplaceOrderNumber, claimLineIds: [refund.refundId] }, reason: "Ürün kullanılmış" });
    await expect(reject).rejects.toMatchObject({ reasons: ["Bu ret sebebi için görsel yüklenmesi zorunludur"] });
    expect((await stateOf(target.url, orderId)).commandCalls).toMatchObject({ REJECT_RETURN: 1 });
  });

  test("the invoice, which Pazarama does not document, reaches the sandbox never", async () => {
    const target = await pzSandbox();
    const { port, pull } = setUp(target.url);
    const { orderId } = await placedAndPulled(target.url, { pull });
    expect(port.support("INVOICE").supported).toBe(false);
    expect((await stateOf(target.url, orderId)).commandCalls).toEqual({});
  });

  test("the order status call's quota (an assumed 60 a minute) answers the 61st request with a 429", async () => {
    const target = await pzSandbox();
    const token = (await (await fetch(`${target.url}/connect/token`, {
      method: "POST",
      headers: { authorization: `Basic ${btoa(`${PZ_ACCOUNT.key}:${PZ_ACCOUNT.secret}`)}`, "content-type": "application/x-www-form-urlencoded" },
      body: "grant_type=client_credentials&scope=merchantgatewayapi.fullaccess",
    })).json()) as { data: { accessToken: string } };
    const statuses: number[] = [];
    for (let i = 0; i < 61; i += 1) {
      const res = await fetch(`${target.url}/order/updateOrderStatus`, { method: "PUT", headers: { authorization: `Bearer ${token.data.accessToken}`, "content-type": "application/json" }, body: JSON.stringify({ orderNumber: 1, item: { orderItemId: "x", status: 12 } }) });
      statuses.push(res.status);
    }
    expect(statuses.slice(0, 60).every((status) => status === 200)).toBe(true);
    expect(statuses[60]).toBe(429);
  });

  test("the sandbox answers the new calls in the fixtures' shape", async () => {
    const target = await pzSandbox();
    const { pull } = setUp(target.url);
    const { orderId, order } = await placedAndPulled(target.url, { pull });
    const token = (await (await fetch(`${target.url}/connect/token`, {
      method: "POST",
      headers: { authorization: `Basic ${btoa(`${PZ_ACCOUNT.key}:${PZ_ACCOUNT.secret}`)}`, "content-type": "application/x-www-form-urlencoded" },
      body: "grant_type=client_credentials&scope=merchantgatewayapi.fullaccess",
    })).json()) as { data: { accessToken: string } };
    const call = (method: string, path: string, body: unknown) =>
      fetch(`${target.url}${path}`, { method, headers: { authorization: `Bearer ${token.data.accessToken}`, "content-type": "application/json" }, body: JSON.stringify(body) }).then((r) => r.json());
    const number = Number(order.marketplaceOrderNumber);
    const read = await call("POST", "/order/getOrdersForApiV2", { orderNumber: number, startDate: "2026-01-01T00:00", endDate: "2027-01-01T00:00" });
    expect(shapeMismatches(fixture("pazarama", "order-read").exchanges[0]?.response.body, read, "answered")).toEqual([]);
    const status = await call("PUT", "/order/updateOrderStatus", { orderNumber: number, item: { orderItemId: order.lines[0]?.lineId, status: 12 } });
    expect(shapeMismatches(fixture("pazarama", "order-item-status").exchanges[0]?.response.body, status, "answered")).toEqual([]);
    await call("PUT", "/order/updateOrderStatus", { orderNumber: number, item: { orderItemId: order.lines[0]?.lineId, status: 5, deliveryType: 1, shippingTrackingNumber: "9", cargoCompanyId: CARRIER } });
    await control(target.url, "item-status", { orderId, orderItemId: order.lines[0]?.lineId, status: 11 });
    const refund = (await (await control(target.url, "refund", { orderId, orderItemId: order.lines[0]?.lineId })).json()) as { refundId: string };
    const today = new Date(Date.now() + 3 * 3600_000).toISOString().slice(0, 10);
    const listed = await call("POST", "/order/getRefund", { pageSize: 100, pageNumber: 1, SplitItems: true, requestStartDate: today, requestEndDate: today });
    expect(shapeMismatches(fixture("pazarama", "claims-pull").exchanges[0]?.response.body, listed, "answered")).toEqual([]);
    const approved = await call("POST", "/order/updateRefund", { refundId: refund.refundId, status: 2 });
    expect(shapeMismatches(fixture("pazarama", "claim-update").exchanges[0]?.response.body, approved, "answered")).toEqual([]);
  });
});

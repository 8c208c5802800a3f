/**
 * The N11 adapter's order commands against the sandbox: an order goes through the steps N11's REST
 * API documents (lines to Picking, units given up inside a split), each observed applied and
 * counted once by the sandbox; the split leaves the rest in a new Picking package; the sandbox
 * answers as the fixtures show; steps N11 has no REST call for reach it never.
 */
import { describe, expect, test } from "bun:test";
import { fixture, shapeMismatches } from "@pazarsync/marketplace-fixtures";
import { n11Paths } from "../../src/domains/marketplace/n11/facts";
import type { OrderCommand, OrderCommandPort } from "../../src/domains/marketplace/order-commands";
import { N11_ACCOUNT, n11AdapterFor, n11Sandbox, rawN11 } from "./n11-support";

interface Package {
  id: string;
  shipmentPackageStatus: string;
  lines: { orderLineId: number; quantity: number; stockCode: string }[];
}

async function placed(url: string) {
  const res = await fetch(`${url}/__sandbox/marketplaces/n11/${N11_ACCOUNT.account}/orders`, {
    method: "POST",
    body: JSON.stringify({ lines: [{ code: "SKU-1", quantity: 3, unitPrice: 9990 }, { code: "SKU-2", quantity: 1, unitPrice: 4550 }] }),
  });
  return (await res.json()) as { id: string; payload: Package };
}

async function stateOf(url: string, orderNumber: string) {
  const res = await fetch(`${url}/__sandbox/marketplaces/n11/${N11_ACCOUNT.account}/order-state?orderNumber=${orderNumber}`);
  return (await res.json()) as { packages: Package[]; givenUp: { orderLineId: number; quantity: number; cancelReasonId: number }[]; commandCalls: Record<string, number> };
}

function portOf(target: { url: string }): OrderCommandPort {
  const port = n11AdapterFor(target).adapter.orderCommands;
  if (!port) throw new Error("no orderCommands");
  return port;
}

describe("N11 order commands against the sandbox", () => {
  test("PICK then UNSUPPLY: each applied once; the split keeps the rest in a new Picking package and gives the units up with N11's reason", async () => {
    const target = await n11Sandbox();
    const { id: orderNumber, payload } = await placed(target.url);
    const port = portOf(target);
    const lines = payload.lines.map((l) => ({ lineId: String(l.orderLineId), barcode: l.stockCode, quantity: l.quantity }));
    const pick: OrderCommand = { kind: "PICK", target: { orderNumber, packageId: payload.id, lines } };
    expect(await port.observe(pick)).toBe("NOT_APPLIED");
    expect(await port.send(pick)).toEqual({ outcome: "ACCEPTED" });
    expect(await port.observe(pick)).toBe("APPLIED");

    const first = lines[0];
    if (!first) throw new Error("no line");
    const unsupply: OrderCommand = { kind: "UNSUPPLY", target: { orderNumber, packageId: payload.id, lines: [{ ...first, quantity: 1 }] }, reason: "OUT_OF_STOCK" };
    expect(await port.observe(unsupply)).toBe("NOT_APPLIED");
    await port.send(unsupply);
    expect(await port.observe(unsupply)).toBe("APPLIED");

    const held = await stateOf(target.url, orderNumber);
    expect(held.commandCalls).toEqual({ PICK: 1, UNSUPPLY: 1 });
    expect(held.givenUp).toEqual([{ orderLineId: Number(first.lineId), quantity: 1, cancelReasonId: 61 }]);
    const byStatus = (status: string) => held.packages.filter((p) => p.shipmentPackageStatus === status).map((p) => p.lines.map((l) => [l.orderLineId, l.quantity]));
    expect(byStatus("UnPacked")).toHaveLength(1);
    expect(byStatus("Picking")).toEqual([[[Number(first.lineId), 2], [Number(lines[1]?.lineId), 1]]]);
    expect(byStatus("Cancelled")).toEqual([[[Number(first.lineId), 1]]]);
    // The new package is what PICK now sees: still applied.
    expect(await port.observe(pick)).toBe("APPLIED");
  });

  test("UNSUPPLY of a Created package is refused by the adapter before any split; the sandbox refuses one too", async () => {
    const target = await n11Sandbox();
    const { id: orderNumber, payload } = await placed(target.url);
    const port = portOf(target);
    const line = payload.lines[0];
    if (!line) throw new Error("no line");
    await expect(port.send({ kind: "UNSUPPLY", target: { orderNumber, packageId: payload.id, lines: [{ lineId: String(line.orderLineId), barcode: "SKU-1", quantity: 1 }] }, reason: "DEFECTIVE" })).rejects.toMatchObject({ permanent: false });
    expect((await stateOf(target.url, orderNumber)).commandCalls).toEqual({});
    const res = await rawN11(target, n11Paths.splitByQuantity, { body: { splitPackages: [{ packageDetails: [{ orderLineId: line.orderLineId, quantities: 2 }] }], cancelledItems: [{ orderLineId: line.orderLineId, quantity: 1, cancelReasonId: 62 }] } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toContain("Picking");
  });

  test("PICK of some lines of a package is seen by those lines' own status, the package still Created", async () => {
    const target = await n11Sandbox();
    const { id: orderNumber, payload } = await placed(target.url);
    const port = portOf(target);
    const first = payload.lines[0];
    if (!first) throw new Error("no line");
    const some: OrderCommand = { kind: "PICK", target: { orderNumber, packageId: payload.id, lines: [{ lineId: String(first.orderLineId), barcode: first.stockCode, quantity: first.quantity }] } };
    await port.send(some);
    expect(await port.observe(some)).toBe("APPLIED");
    expect((await stateOf(target.url, orderNumber)).packages.map((p) => p.shipmentPackageStatus)).toEqual(["Created"]);
  });

  test("the line update's quota (an assumed 100 a minute, scaled) answers the 101st request with a 429", async () => {
    const target = await n11Sandbox({ timeScale: 60 });
    const statuses: number[] = [];
    for (let i = 0; i < 101; i += 1) statuses.push((await rawN11(target, n11Paths.orderUpdate, { method: "PUT", body: { lines: [{ lineId: 1 }], status: "Picking" } })).status);
    expect(statuses.slice(0, 100).every((status) => status === 200)).toBe(true);
    expect(statuses[100]).toBe(429);
    // A scaled minute (1 s at timeScale 60) later the window has room again.
    await Bun.sleep(1_100);
    expect((await rawN11(target, n11Paths.orderUpdate, { method: "PUT", body: { lines: [{ lineId: 1 }], status: "Picking" } })).status).toBe(200);
  });

  test("a step N11 has no REST call for is never sent", async () => {
    const target = await n11Sandbox();
    const { id: orderNumber } = await placed(target.url);
    const port = portOf(target);
    for (const kind of ["INVOICE", "CANCEL"] as const) expect(port.support(kind).supported).toBe(false);
    expect((await stateOf(target.url, orderNumber)).commandCalls).toEqual({});
  });

  test("the sandbox answers the new calls in the fixtures' shape", async () => {
    const target = await n11Sandbox();
    const { id: orderNumber, payload } = await placed(target.url);
    const line = payload.lines[0];
    const update = await rawN11(target, n11Paths.orderUpdate, { method: "PUT", body: { lines: [{ lineId: line?.orderLineId }], status: "Picking" } });
    expect(shapeMismatches(fixture("n11", "order-line-update").exchanges[0]?.response.body, await update.json(), "answered")).toEqual([]);
    const read = await rawN11(target, `${n11Paths.shipmentPackages}?orderNumber=${orderNumber}&page=0&size=100`, { method: "GET" });
    expect(shapeMismatches(fixture("n11", "order-read").exchanges[0]?.response.body, await read.json(), "answered")).toEqual([]);
    await rawN11(target, n11Paths.orderUpdate, { method: "PUT", body: { lines: payload.lines.map((l) => ({ lineId: l.orderLineId })), status: "Picking" } });
    const split = await rawN11(target, n11Paths.splitByQuantity, { body: { splitPackages: [{ packageDetails: [{ orderLineId: line?.orderLineId, quantities: 2 }] }], cancelledItems: [{ orderLineId: line?.orderLineId, quantity: 1, cancelReasonId: 61 }] } });
    expect(shapeMismatches(fixture("n11", "order-unsupply").exchanges[0]?.response.body, await split.json(), "answered")).toEqual([]);
  });
});

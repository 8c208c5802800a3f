/**
 * The Trendyol port against the sandbox, end to end: an order created in the sandbox is picked,
 * invoiced (number and link), 2 of 3 units unsupplied (the rest in a new package), each observed
 * APPLIED; the sandbox counts exactly one call per step and none for SHIP; a return created by the
 * control route is listed by pullClaims and approved.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import type { RunningSandbox } from "@pazarsync/marketplace-sandbox";
import type { CommandTarget, OrderCommandPort } from "../../src/domains/marketplace/order-commands";
import { adapterFor, SELLER, sandbox } from "./support";

const S = SELLER.sellerId;
let target: RunningSandbox;
let port: OrderCommandPort;
let calls: ReturnType<typeof adapterFor>["calls"];

// The sandbox is stopped after the file by its helper.
beforeAll(async () => {
  target = await sandbox();
  const made = adapterFor(target);
  calls = made.calls;
  if (!made.adapter.orderCommands) throw new Error("no orderCommands");
  port = made.adapter.orderCommands;
});

interface OrderState {
  packages: { shipmentPackageId: number; status: string; invoiceNumber: string | null; invoiceLink: string | null; unsuppliedReasonId: number | null; lines: { lineId: number; barcode: string; quantity: number }[] }[];
  commandCalls: Record<string, number>;
}

const control = (path: string, body?: unknown) =>
  fetch(`${target.url}/__sandbox/sellers/${S}${path}`, body === undefined ? {} : { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
const stateOf = async (orderNumber: string) => (await (await control(`/order-state/${orderNumber}`)).json()) as OrderState;

async function newOrder(orderNumber: string): Promise<CommandTarget> {
  await control("/orders", { orderNumber, lines: [{ barcode: "E2E-A", quantity: 3, unitPrice: 2_500 }, { barcode: "E2E-B", quantity: 1, unitPrice: 1_000 }] });
  const [pkg] = (await stateOf(orderNumber)).packages;
  if (!pkg) throw new Error("no package");
  return { orderNumber, packageId: String(pkg.shipmentPackageId), lines: pkg.lines.map((l) => ({ lineId: String(l.lineId), barcode: l.barcode, quantity: l.quantity })) };
}

describe("the Trendyol port against the sandbox", () => {
  test("Picking, then Invoiced with number and link: the sandbox shows them, observe says APPLIED, one call each", async () => {
    const order = await newOrder("E2E-1");
    expect(await port.observe({ kind: "PICK", target: order })).toBe("NOT_APPLIED");
    expect((await port.send({ kind: "PICK", target: order })).outcome).toBe("CONFIRMED");
    expect((await stateOf("E2E-1")).packages[0]?.status).toBe("Picking");
    expect(await port.observe({ kind: "PICK", target: order })).toBe("APPLIED");

    const invoice = { kind: "INVOICE" as const, target: order, invoiceNumber: "PZS2026000000001", invoiceLink: "https://invoices.example.com/PZS2026000000001.pdf" };
    expect(await port.observe(invoice)).toBe("NOT_APPLIED");
    expect((await port.send(invoice)).outcome).toBe("CONFIRMED");
    const shown = await stateOf("E2E-1");
    expect(shown.packages.map((p) => [p.status, p.invoiceNumber, p.invoiceLink])).toEqual([["Invoiced", invoice.invoiceNumber, invoice.invoiceLink]]);
    expect(await port.observe(invoice)).toBe("APPLIED");
    // Picking is now behind the package: a PICK still waiting would be overtaken.
    expect(await port.observe({ kind: "PICK", target: order })).toBe("PASSED");
    expect(shown.commandCalls).toEqual({ PICKING: 1, INVOICED: 1, INVOICE_LINK: 1 });
    expect(calls.filter((c) => c.callType === "ORDER_COMMAND").length).toBe(3);
  });

  test("SHIP makes no call", async () => {
    const order = await newOrder("E2E-2");
    expect(port.support("SHIP").supported).toBe(false);
    await port.send({ kind: "SHIP", target: order }).catch(() => undefined);
    expect((await stateOf("E2E-2")).commandCalls).toEqual({});
  });

  test("2 of 3 units unsupplied: the old package is Cancelled with them, the rest is a new package; observe APPLIED", async () => {
    const order = await newOrder("E2E-3");
    const [a] = order.lines;
    if (!a) throw new Error("no line");
    const unsupply = { kind: "UNSUPPLY" as const, target: { ...order, lines: [{ ...a, quantity: 2 }] }, reason: "OUT_OF_STOCK" as const };
    expect(await port.observe(unsupply)).toBe("NOT_APPLIED");
    expect(await port.send(unsupply)).toEqual({ outcome: "ACCEPTED", reference: order.packageId });
    const shown = await stateOf("E2E-3");
    const old = shown.packages.find((p) => String(p.shipmentPackageId) === order.packageId);
    const rest = shown.packages.find((p) => String(p.shipmentPackageId) !== order.packageId);
    expect(old && [old.status, old.unsuppliedReasonId, old.lines.map((l) => [l.barcode, l.quantity])]).toEqual(["Cancelled", 500, [["E2E-A", 2]]]);
    expect(rest && [rest.status, rest.lines.map((l) => [l.barcode, l.quantity])]).toEqual([
      "Created",
      [
        ["E2E-A", 1],
        ["E2E-B", 1],
      ],
    ]);
    expect(await port.observe(unsupply)).toBe("APPLIED");
    expect(shown.commandCalls).toEqual({ UNSUPPLIED: 1 });
  });

  test("a return created by the control route is listed by pullClaims and approved; observe APPLIED, the claim APPROVED", async () => {
    const order = await newOrder("E2E-4");
    await control(`/orders/${order.packageId}/status`, { status: "Delivered" });
    const created = await control(`/orders/${order.packageId}/claim`, { lines: [{ lineId: Number(order.lines[0]?.lineId), quantity: 1 }] });
    expect(created.status).toBe(201);
    const since = new Date(Date.now() - 3600_000);
    const until = new Date(Date.now() + 3600_000);
    const listed = await port.pullClaims?.({ since, until });
    const claim = listed?.claims.find((c) => c.orderNumber === "E2E-4");
    expect(claim && [claim.state, claim.lines.map((l) => [l.lineId, l.barcode, l.quantity])]).toEqual(["OPEN", [[order.lines[0]?.lineId, "E2E-A", 1]]]);
    if (!claim) throw new Error("no claim");
    const target = { claimId: claim.claimId, orderNumber: claim.orderNumber, claimLineIds: claim.lines.map((l) => l.claimLineId) };
    expect(await port.observe({ kind: "APPROVE_RETURN", claim: target })).toBe("NOT_APPLIED");
    expect((await port.send({ kind: "APPROVE_RETURN", claim: target })).outcome).toBe("CONFIRMED");
    expect(await port.observe({ kind: "APPROVE_RETURN", claim: target })).toBe("APPLIED");
    const again = await port.pullClaims?.({ since, until });
    expect(again?.claims.find((c) => c.claimId === claim.claimId)?.state).toBe("APPROVED");
    expect((await stateOf("E2E-4")).commandCalls).toEqual({ CLAIM_APPROVE: 1 });
    expect(calls.some((c) => c.callType === "GET_CLAIMS")).toBe(true);
  });
});

/**
 * The Hepsiburada adapter's order commands against the sandbox: an order packed, invoiced and put in
 * transit (the sandbox shows the invoice and tracking numbers, each call made exactly once), observe
 * APPLIED after each, one line cancelled by the merchant, and a claim on a delivered line pulled
 * and approved.
 */
import { describe, expect, test } from "bun:test";
import type { RunningSandbox } from "@pazarsync/marketplace-sandbox";
import type { CommandTarget } from "../../src/domains/marketplace/order-commands";
import { HB_ACCOUNT, hbAdapterFor, hbSandbox, rawHb } from "./hepsiburada-support";

const merchant = HB_ACCOUNT.account;
const STORE_ACCOUNT = { trackingUrlTemplate: "https://cargo.example.com/{trackingNumber}", trackingPhoneNumber: "4440000", estimatedArrivalDays: 2, deci: 1 };
const control = (target: RunningSandbox, what: string, body?: unknown, query = "") =>
  fetch(`${target.url}/__sandbox/marketplaces/hepsiburada/${merchant}/${what}${query}`, body === undefined ? {} : { method: "POST", body: JSON.stringify(body) });

interface OrderState {
  lines: { lineId: string; status: string; packageNumber: string | null }[];
  packages: { packageNumber: string; status: string; invoiceNumber: string | null; trackingNumber: string | null }[];
  claims: { number: string; status: string }[];
  calls: Record<string, number>;
}
const stateOf = async (target: RunningSandbox, orderNumber: string) => (await (await control(target, "order-state", undefined, `?orderNumber=${orderNumber}`)).json()) as OrderState;

async function order(target: RunningSandbox): Promise<string> {
  const lines = [
    { code: "SKU-1", quantity: 2, unitPrice: 1000 },
    { code: "SKU-2", quantity: 1, unitPrice: 500 },
  ];
  const res = await fetch(`${target.url}/__sandbox/marketplaces/hepsiburada/${merchant}/orders`, { method: "POST", body: JSON.stringify({ lines }) });
  return ((await res.json()) as { id: string }).id;
}

describe("Hepsiburada order commands against the sandbox", () => {
  test("pack -> invoice -> in transit: each answered and observed APPLIED, the package reaching the order through the pull, the sandbox showing invoice and tracking numbers and one call of each", async () => {
    const target = await hbSandbox();
    const id = await order(target);
    const { adapter, calls } = hbAdapterFor(target, { storeAccount: STORE_ACCOUNT });
    const port = adapter.orderCommands;
    if (!port) throw new Error("no order commands");
    const lines: CommandTarget["lines"] = [{ lineId: `${id}-1`, barcode: "SKU-1", quantity: 2 }];
    const pick = { kind: "PICK" as const, target: { orderNumber: id, lines } };
    expect(await port.observe(pick)).toBe("NOT_APPLIED");

    const packed = await port.send(pick);
    expect(packed.outcome).toBe("CONFIRMED");
    const packageNumber = packed.reference ?? "";
    expect(await port.observe(pick)).toBe("APPLIED");

    const now = Date.now();
    const page = await adapter.pullOrders?.({ since: new Date(now - 3_600_000), until: new Date(now + 60_000) });
    const delivery = page?.orders.find((o) => o.packageId === `package:${packageNumber}`);
    expect(delivery?.externalId).toBe(id);
    expect(delivery?.lines.map((line) => line.lineId)).toEqual([`${id}-1`]);
    // dueDate: the sandbox plays one day after the order.
    expect(Date.parse(delivery?.dispatchBy ?? "") - now).toBeGreaterThan(23 * 3_600_000);

    const packaged = { orderNumber: id, packageId: delivery?.packageId ?? "", lines };
    const invoice = { kind: "INVOICE" as const, target: packaged, invoiceNumber: "ABC2026000000042", invoiceLink: "https://invoices.example.com/ABC2026000000042.pdf" };
    expect(await port.observe(invoice)).toBe("NOT_APPLIED");
    expect((await port.send(invoice)).outcome).toBe("CONFIRMED");
    expect(await port.observe(invoice)).toBe("APPLIED");

    const ship = { kind: "SHIP" as const, target: packaged, trackingNumber: "TRK-42" };
    expect(await port.observe(ship)).toBe("NOT_APPLIED");
    expect(await port.send(ship)).toEqual({ outcome: "CONFIRMED", reference: "TRK-42" });
    expect(await port.observe(ship)).toBe("APPLIED");

    const state = await stateOf(target, id);
    expect(state.packages).toMatchObject([{ packageNumber, status: "InTransit", invoiceNumber: "ABC2026000000042", trackingNumber: "TRK-42" }]);
    expect(state.calls).toEqual({ pack: 1, invoice: 1, intransit: 1 });
    expect(calls.filter((call) => call.callType === "ORDER_COMMAND" && call.httpStatus !== null && call.httpStatus < 300).length).toBeGreaterThanOrEqual(3);
  });

  test("UNSUPPLY cancels one line by merchant (reason 83): observed APPLIED, the pull sees it cancelled, the other line untouched; SHIP without store-account settings makes no call", async () => {
    const target = await hbSandbox();
    const id = await order(target);
    const port = hbAdapterFor(target).adapter.orderCommands;
    if (!port) throw new Error("no order commands");
    const unsupply = { kind: "UNSUPPLY" as const, target: { orderNumber: id, lines: [{ lineId: `${id}-2`, barcode: "SKU-2", quantity: 1 }] }, reason: "OUT_OF_STOCK" as const };
    expect(await port.observe(unsupply)).toBe("NOT_APPLIED");
    expect((await port.send(unsupply)).outcome).toBe("CONFIRMED");
    expect(await port.observe(unsupply)).toBe("APPLIED");
    const state = await stateOf(target, id);
    expect(state.lines.map((line) => [line.lineId, line.status])).toEqual([
      [`${id}-1`, "Open"],
      [`${id}-2`, "Cancelled"],
    ]);
    expect(state.calls).toEqual({ cancelbymerchant: 1 });

    expect(port.support("SHIP").supported).toBe(false);
    await expect(port.send({ kind: "SHIP", target: { orderNumber: id, packageId: "package:1", lines: [] }, trackingNumber: "T" })).rejects.toMatchObject({ code: "MARKETPLACE_COMMAND_INCOMPLETE" });
    expect((await stateOf(target, id)).calls).toEqual({ cancelbymerchant: 1 });
  });

  test("a claim the sandbox opens on a delivered line is pulled and approved, observed APPLIED, the sandbox showing it Accepted after one call", async () => {
    const target = await hbSandbox();
    const id = await order(target);
    const { adapter } = hbAdapterFor(target, { storeAccount: STORE_ACCOUNT });
    const port = adapter.orderCommands;
    if (!port) throw new Error("no order commands");
    const lines = [{ lineId: `${id}-1`, barcode: "SKU-1", quantity: 2 }];
    const packageNumber = (await port.send({ kind: "PICK", target: { orderNumber: id, lines } })).reference ?? "";
    await port.send({ kind: "SHIP", target: { orderNumber: id, packageId: packageNumber, lines }, trackingNumber: "TRK-7" });
    const deliver = await rawHb(target, `/packages/merchantid/${merchant}/packagenumber/${packageNumber}/deliver`, { body: { receivedBy: "Alıcı", receivedDate: new Date().toISOString() } });
    expect(deliver.status).toBe(200);
    const opened = await control(target, "claim", { lineId: `${id}-1`, quantity: 1, reason: "WrongProduct" });
    expect(opened.status).toBe(201);

    const now = Date.now();
    const pulled = await port.pullClaims?.({ since: new Date(now - 3_600_000), until: new Date(now + 60_000) });
    expect(pulled?.next).toBeNull();
    const [claim] = pulled?.claims ?? [];
    expect(claim).toMatchObject({ orderNumber: id, state: "OPEN", marketplaceStatus: "NewRequest", lines: [{ lineId: `${id}-1`, barcode: "SKU-1", quantity: 1, reason: "WrongProduct" }] });
    const approve = { kind: "APPROVE_RETURN" as const, claim: { claimId: claim?.claimId ?? "", orderNumber: id, claimLineIds: [claim?.claimId ?? ""] } };
    expect(await port.observe(approve)).toBe("NOT_APPLIED");
    expect((await port.send(approve)).outcome).toBe("CONFIRMED");
    expect(await port.observe(approve)).toBe("APPLIED");
    const state = await stateOf(target, id);
    expect(state.claims).toMatchObject([{ number: claim?.claimId, status: "Accepted" }]);
    expect(state.calls).toMatchObject({ "claim-accept": 1 });
  });
});

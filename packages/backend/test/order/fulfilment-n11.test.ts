/**
 * N11 end to end: an order pulled from the sandbox and picked by staff through the route; N11's
 * line update is accepted (SENT) and confirmed once observed, the sandbox showing the package
 * Picking. Invoice and ship are SOAP-only services at N11 (not written): NOT_SUPPORTED, and the
 * sandbox receives no call for them.
 */
import { describe, expect, test } from "bun:test";
import type { Json } from "../support/http";
import { commandsOf, fulfilmentShop, level, listed, orderState, runWorker, staffView, step, takenIn } from "./fulfilment-e2e-support";

describe("N11: staff steps reach the sandbox through the command worker", () => {
  test("pick -> Picking (SENT, then CONFIRMED when observed); invoice and ship NOT_SUPPORTED with no call; stock leaves the shelves on ship", async () => {
    const f = await fulfilmentShop("N11");
    const { productId, barcode } = await listed(f, 10);
    const order = await takenIn(f, [{ barcode, quantity: 2, unitPrice: 4_000 }]);
    const orderNumber = String(order.externalOrderId);

    const picked = await step(f, order.id, "pick");
    expect(picked.status).toBe("PICKING");
    expect(commandsOf(picked)).toEqual([["PICK", "PENDING"]]);
    expect((await orderState(f, orderNumber)).commandCalls).toEqual({});
    await runWorker(f);
    // N11's answer per line is undocumented: the command waits for the order's packages to show it.
    expect(commandsOf(await staffView(f, order.id))).toEqual([["PICK", "SENT"]]);
    expect((await orderState(f, orderNumber)).packages.map((p: Json) => p.shipmentPackageStatus)).toEqual(["Picking"]);
    expect(await f.later.runOnce()).toBe(1);
    expect(commandsOf(await staffView(f, order.id))).toEqual([["PICK", "CONFIRMED"]]);

    const invoiced = await step(f, order.id, "invoice", { invoiceNumber: "N11A2026000000042", invoiceLink: "https://invoices.example.com/n11.pdf" });
    expect(invoiced.status).toBe("INVOICED");
    const invoice = invoiced.commands.find((c: Json) => c.kind === "INVOICE");
    expect(invoice.state).toBe("NOT_SUPPORTED");
    expect(invoice.reason).toContain("SellerInvoiceService");

    const shipped = await step(f, order.id, "ship", { carrier: "Yurtiçi", trackingNumber: "YK-42" });
    expect(shipped.status).toBe("SHIPPED");
    const ship = shipped.commands.find((c: Json) => c.kind === "SHIP");
    expect(ship.state).toBe("NOT_SUPPORTED");
    expect(ship.reason).toContain("MakeOrderItemShipment");
    expect(await level(f, productId)).toEqual({ onHand: 8, reserved: 0 });

    expect(await runWorker(f)).toBe(0);
    expect(await f.later.runOnce()).toBe(0);
    const state = await orderState(f, orderNumber);
    expect(state.commandCalls).toEqual({ PICK: 1 });
    expect(state).toMatchObject({ invoiceNumber: null, trackingNumber: null });
    expect(commandsOf(await staffView(f, order.id))).toEqual([
      ["PICK", "CONFIRMED"],
      ["INVOICE", "NOT_SUPPORTED"],
      ["SHIP", "NOT_SUPPORTED"],
    ]);
  });
});

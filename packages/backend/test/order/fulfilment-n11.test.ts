/**
 * N11 end to end: an order pulled from the sandbox and picked by staff through the route; N11's
 * line update is accepted (SENT) and confirmed once observed, the sandbox showing the package
 * Picking; ship goes through SOAP MakeOrderItemShipment with the store's carrier id and is
 * confirmed, the sandbox showing the tracking number. Invoice: N11's SOAP manual v5.2 documents no
 * seller invoice call, so NOT_SUPPORTED and the sandbox receives no call for it.
 */
import { describe, expect, test } from "bun:test";
import type { Json } from "../support/http";
import { commandsOf, fulfilmentShop, level, listed, orderState, runWorker, staffView, step, takenIn } from "./fulfilment-e2e-support";

describe("N11: staff steps reach the sandbox through the command worker", () => {
  test("pick -> Picking (SENT, then CONFIRMED when observed); ship -> Shipped with the tracking number (CONFIRMED); invoice NOT_SUPPORTED with no call", async () => {
    const f = await fulfilmentShop("N11", { shipmentCompanyId: "341" });
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
    expect(invoice.reason).toContain("SOAP manual documents no call");

    const shipped = await step(f, order.id, "ship", { carrier: "Yurtiçi", trackingNumber: "YK-42" });
    expect(shipped.status).toBe("SHIPPED");
    expect(shipped.commands.find((c: Json) => c.kind === "SHIP").state).toBe("PENDING");
    expect(await level(f, productId)).toEqual({ onHand: 8, reserved: 0 });

    expect(await runWorker(f)).toBe(1);
    expect(await f.later.runOnce()).toBe(0);
    const state = await orderState(f, orderNumber);
    expect(state.commandCalls).toEqual({ PICK: 1, SHIP: 1 });
    expect(state).toMatchObject({ invoiceNumber: null, trackingNumber: "YK-42" });
    expect(state.packages.map((p: Json) => p.shipmentPackageStatus)).toEqual(["Shipped"]);
    expect(commandsOf(await staffView(f, order.id))).toEqual([
      ["PICK", "CONFIRMED"],
      ["INVOICE", "NOT_SUPPORTED"],
      ["SHIP", "CONFIRMED"],
    ]);
  });
});

/**
 * Trendyol end to end: an order pulled from the sandbox, picked and invoiced (with the invoice
 * link) by staff through the routes, each command PENDING in the answer and CONFIRMED once the
 * app's worker sent it, the sandbox showing Picking then Invoiced with the number and link; ship,
 * which Trendyol takes from the carrier, is NOT_SUPPORTED and reaches the sandbox never.
 */
import { describe, expect, test } from "bun:test";
import { commandsOf, fulfilmentShop, level, listed, orderState, runWorker, staffView, step, takenIn } from "./fulfilment-e2e-support";

const INVOICE = { invoiceNumber: "TYA2026000000042", invoiceLink: "https://invoices.example.com/TYA2026000000042.pdf" };

describe("Trendyol: staff steps reach the sandbox through the command worker", () => {
  test("pick -> Picking, invoice -> Invoiced with number and link, ship NOT_SUPPORTED with no call; stock leaves the shelves on ship", async () => {
    const f = await fulfilmentShop("TRENDYOL");
    const { productId, barcode } = await listed(f, 10);
    const order = await takenIn(f, [{ barcode, quantity: 2, unitPrice: 4_000 }]);
    const orderNumber = String(order.externalOrderId);
    expect(order.packages).toHaveLength(1);
    expect(await level(f, productId)).toEqual({ onHand: 10, reserved: 2 });

    const picked = await step(f, order.id, "pick");
    expect(picked.status).toBe("PICKING");
    expect(commandsOf(picked)).toEqual([["PICK", "PENDING"]]);
    expect((await orderState(f, orderNumber)).packages[0].status).toBe("Created");
    expect(await runWorker(f)).toBe(1);
    expect(commandsOf(await staffView(f, order.id))).toEqual([["PICK", "CONFIRMED"]]);
    expect((await orderState(f, orderNumber)).packages[0].status).toBe("Picking");

    const invoiced = await step(f, order.id, "invoice", INVOICE);
    expect(invoiced.status).toBe("INVOICED");
    expect(commandsOf(invoiced)).toEqual([
      ["PICK", "CONFIRMED"],
      ["INVOICE", "PENDING"],
    ]);
    expect((await orderState(f, orderNumber)).packages[0]).toMatchObject({ status: "Picking", invoiceNumber: null });
    await runWorker(f);
    expect(commandsOf(await staffView(f, order.id))).toEqual([
      ["PICK", "CONFIRMED"],
      ["INVOICE", "CONFIRMED"],
    ]);
    expect((await orderState(f, orderNumber)).packages[0]).toMatchObject({ status: "Invoiced", ...INVOICE });

    const shipped = await step(f, order.id, "ship", { carrier: "Aras", trackingNumber: "7330012345678" });
    expect(shipped.status).toBe("SHIPPED");
    const ship = shipped.commands.find((c: { kind: string }) => c.kind === "SHIP");
    expect(ship).toMatchObject({ state: "NOT_SUPPORTED" });
    expect(ship.reason).toContain("order-process-flow");
    expect(await level(f, productId)).toEqual({ onHand: 8, reserved: 0 });
    expect(await runWorker(f)).toBe(0);

    const state = await orderState(f, orderNumber);
    expect(state.commandCalls).toEqual({ PICKING: 1, INVOICED: 1, INVOICE_LINK: 1 });
    expect(state.packages[0].status).toBe("Invoiced");
    expect(commandsOf(await staffView(f, order.id))).toEqual([
      ["PICK", "CONFIRMED"],
      ["INVOICE", "CONFIRMED"],
      ["SHIP", "NOT_SUPPORTED"],
    ]);
  });
});

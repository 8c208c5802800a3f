/**
 * PttAVM end to end: an order pulled from the sandbox; pick, which PttAVM does not document, is
 * NOT_SUPPORTED and reaches the sandbox never; the invoice goes as its PDF link (CONFIRMED once the
 * app's worker sent it); ship asks PTT for the shipment barcode (accepted: SENT, then CONFIRMED when
 * the order shows PTT's tracking number). Each step answers PENDING (or NOT_SUPPORTED) at once.
 */
import { describe, expect, test } from "bun:test";
import type { Json } from "../support/http";
import { commandsOf, fulfilmentShop, level, listed, orderState, runWorker, staffView, step, takenIn } from "./fulfilment-e2e-support";

const INVOICE = { invoiceNumber: "PTA2026000000042", invoiceLink: "https://invoices.example.com/PTA2026000000042.pdf" };

describe("PttAVM: staff steps reach the sandbox through the command worker", () => {
  test("pick NOT_SUPPORTED with no call; invoice sends the link; ship makes PTT's barcode (SENT, then CONFIRMED when observed); stock leaves the shelves on ship", async () => {
    const f = await fulfilmentShop("PTTAVM");
    const { productId, barcode } = await listed(f, 10);
    const order = await takenIn(f, [{ barcode, quantity: 2, unitPrice: 4_000 }]);
    const orderId = String(order.externalOrderId);

    const picked = await step(f, order.id, "pick");
    expect(picked.status).toBe("PICKING");
    const pick = picked.commands.find((c: Json) => c.kind === "PICK");
    expect(pick.state).toBe("NOT_SUPPORTED");
    expect(pick.reason).toContain("developers.pttavm.com");
    expect(await runWorker(f)).toBe(0);

    const invoiced = await step(f, order.id, "invoice", INVOICE);
    expect(commandsOf(invoiced)).toEqual([
      ["PICK", "NOT_SUPPORTED"],
      ["INVOICE", "PENDING"],
    ]);
    expect((await orderState(f, orderId)).invoiceUrl).toBeNull();
    await runWorker(f);
    expect(commandsOf(await staffView(f, order.id))).toEqual([
      ["PICK", "NOT_SUPPORTED"],
      ["INVOICE", "CONFIRMED"],
    ]);
    const afterInvoice = await orderState(f, orderId);
    expect(afterInvoice.invoiceUrl).toBe(INVOICE.invoiceLink);
    expect(afterInvoice.lines.every((line: Json) => line.invoiced)).toBe(true);
    expect(afterInvoice.trackingNumber).toBeNull();

    const shipped = await step(f, order.id, "ship", { carrier: "PTT", trackingNumber: "ours-not-sent" });
    expect(shipped.status).toBe("SHIPPED");
    expect(commandsOf(shipped).at(-1)).toEqual(["SHIP", "PENDING"]);
    expect(await level(f, productId)).toEqual({ onHand: 8, reserved: 0 });
    await runWorker(f);
    expect(commandsOf(await staffView(f, order.id)).at(-1)).toEqual(["SHIP", "SENT"]);
    expect(await f.later.runOnce()).toBe(1);
    expect(commandsOf(await staffView(f, order.id))).toEqual([
      ["PICK", "NOT_SUPPORTED"],
      ["INVOICE", "CONFIRMED"],
      ["SHIP", "CONFIRMED"],
    ]);

    const state = await orderState(f, orderId);
    // PTT makes the tracking number; the one staff typed is not PttAVM's to take.
    expect(state.trackingNumber).toEqual(expect.any(String));
    expect(state.trackingNumber).not.toBe("ours-not-sent");
    expect(state.commandCalls).toEqual({ INVOICE: 1, SHIP: 1 });
  });
});

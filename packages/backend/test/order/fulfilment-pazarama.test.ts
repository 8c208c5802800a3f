/**
 * Pazarama end to end: an order pulled from the sandbox (keyed on Pazarama's orderId) keeps
 * Pazarama's numeric orderNumber, and the commands are sent with it: pick sets the item to 12
 * (preparing), ship to 5 with the tracking number and the store's carrier, each PENDING in the
 * staff answer and CONFIRMED once the app's worker sent it. Invoice has no Pazarama call:
 * NOT_SUPPORTED, and the sandbox receives none.
 */
import { describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { orders } from "../../src/domains/order/schema";
import type { Json } from "../support/http";
import { commandsOf, fulfilmentShop, level, listed, orderState, runWorker, staffView, step, takenIn } from "./fulfilment-e2e-support";

const CARRIER = "7b5567ff-abe7-487e-5c79-08d8e480366a";

describe("Pazarama: staff steps reach the sandbox through the command worker", () => {
  test("the numeric orderNumber is kept at intake; pick -> 12, ship -> 5 with the tracking number, invoice NOT_SUPPORTED with no call; stock leaves the shelves on ship", async () => {
    const f = await fulfilmentShop("PAZARAMA", { cargoCompanyId: CARRIER });
    const { productId, barcode } = await listed(f, 10);
    const order = await takenIn(f, [{ barcode, quantity: 1, unitPrice: 4_000 }]);
    const orderId = String(order.externalOrderId);
    const [row] = await f.t.infra.database.db.select({ number: orders.marketplaceOrderNumber }).from(orders).where(eq(orders.id, order.id));
    const before = await orderState(f, orderId);
    expect(row?.number).toBe(String(before.orderNumber));
    expect(row?.number).toMatch(/^\d+$/);
    expect(row?.number).not.toBe(orderId);
    expect(before.items.map((i: Json) => i.status)).toEqual([3]);

    const picked = await step(f, order.id, "pick");
    expect(commandsOf(picked)).toEqual([["PICK", "PENDING"]]);
    expect(await runWorker(f)).toBe(1);
    expect(commandsOf(await staffView(f, order.id))).toEqual([["PICK", "CONFIRMED"]]);
    expect((await orderState(f, orderId)).items.map((i: Json) => i.status)).toEqual([12]);

    const invoiced = await step(f, order.id, "invoice", { invoiceNumber: "PZA2026000000042", invoiceLink: "https://invoices.example.com/pz.pdf" });
    expect(invoiced.status).toBe("INVOICED");
    const invoice = invoiced.commands.find((c: Json) => c.kind === "INVOICE");
    expect(invoice.state).toBe("NOT_SUPPORTED");
    expect(invoice.reason).toContain("isortagim.pazarama.com");

    const shipped = await step(f, order.id, "ship", { carrier: "Yurtiçi", trackingNumber: "YK-42" });
    expect(shipped.status).toBe("SHIPPED");
    expect(commandsOf(shipped)).toEqual([
      ["PICK", "CONFIRMED"],
      ["INVOICE", "NOT_SUPPORTED"],
      ["SHIP", "PENDING"],
    ]);
    expect(await level(f, productId)).toEqual({ onHand: 9, reserved: 0 });
    await runWorker(f);
    expect(commandsOf(await staffView(f, order.id))).toEqual([
      ["PICK", "CONFIRMED"],
      ["INVOICE", "NOT_SUPPORTED"],
      ["SHIP", "CONFIRMED"],
    ]);
    const state = await orderState(f, orderId);
    expect(state.items).toEqual([expect.objectContaining({ status: 5, trackingNumber: "YK-42" })]);
    expect(state.invoiceNumber).toBeNull();
    expect(state.commandCalls).toEqual({ PICK: 1, SHIP: 1 });
  });

  test("an order taken in before its number was kept gets it at its next intake; one too long to be a number is not stored", async () => {
    const f = await fulfilmentShop("PAZARAMA", { cargoCompanyId: CARRIER });
    const { barcode } = await listed(f, 3);
    const input = { storeId: f.storeId, externalOrderId: `pz-${crypto.randomUUID()}`, lines: [{ barcode, quantity: 1, unitPrice: 1_000, lineId: "item-1" }], currency: "TRY" };
    const numberOf = async (orderId: string) =>
      (await f.t.infra.database.db.select({ number: orders.marketplaceOrderNumber }).from(orders).where(eq(orders.id, orderId)))[0]?.number;

    const first = await f.t.services.orders.intakeMarketplaceOrder(input);
    expect(await numberOf(first.order.id)).toBeNull();
    const again = await f.t.services.orders.intakeMarketplaceOrder({ ...input, marketplaceOrderNumber: "1234567" });
    expect(again.created).toBe(false);
    expect(await numberOf(first.order.id)).toBe("1234567");
    await f.t.services.orders.intakeMarketplaceOrder({ ...input, marketplaceOrderNumber: "9".repeat(201) });
    expect(await numberOf(first.order.id)).toBe("1234567");
  });
});

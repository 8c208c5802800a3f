/**
 * Hepsiburada end to end: an order pulled from the sandbox, packed (pick), its package reaching the
 * order through the packages pull, invoiced with the link, and put in transit with the tracking
 * number by a store on the store-account model; each command PENDING in the staff answer and
 * CONFIRMED once the app's worker sent it, the sandbox showing each. A store shipping with
 * Hepsiburada's contracted carrier gets ship NOT_SUPPORTED, and no in-transit call is made.
 */
import { describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { orderCommands } from "../../src/domains/order/schema";
import type { Json } from "../support/http";
import { commandsOf, fulfilmentShop, level, listed, orderState, pull, runWorker, staffView, step, takenIn } from "./fulfilment-e2e-support";

const STORE_ACCOUNT = { trackingUrlTemplate: "https://cargo.example.com/{trackingNumber}", trackingPhoneNumber: "4440000", estimatedArrivalDays: "2" };
const INVOICE = { invoiceNumber: "ABC2026000000042", invoiceLink: "https://invoices.example.com/ABC2026000000042.pdf" };

describe("Hepsiburada: staff steps reach the sandbox through the command worker", () => {
  test("store account: pick packs, invoice sends the link, ship puts the package in transit with the tracking number; stock leaves the shelves on ship", async () => {
    const f = await fulfilmentShop("HEPSIBURADA", STORE_ACCOUNT);
    const { productId, barcode } = await listed(f, 10);
    const order = await takenIn(f, [{ barcode, quantity: 2, unitPrice: 4_000 }]);
    const orderNumber = String(order.externalOrderId);
    expect(await level(f, productId)).toEqual({ onHand: 10, reserved: 2 });

    const picked = await step(f, order.id, "pick");
    expect(commandsOf(picked)).toEqual([["PICK", "PENDING"]]);
    expect((await orderState(f, orderNumber)).packages).toEqual([]);
    expect(await runWorker(f)).toBe(1);
    expect(commandsOf(await staffView(f, order.id))).toEqual([["PICK", "CONFIRMED"]]);
    const packed = await orderState(f, orderNumber);
    expect(packed.packages).toMatchObject([{ status: "Packaged", invoiceNumber: null, trackingNumber: null }]);
    const packageNumber = String(packed.packages[0].packageNumber);

    // Hepsiburada's package reaches the order through the packages pull (what the invoice and in-transit calls name).
    await pull(f);
    expect((await staffView(f, order.id)).packages.map((p: Json) => p.packageId)).toContain(`package:${packageNumber}`);

    const invoiced = await step(f, order.id, "invoice", INVOICE);
    expect(commandsOf(invoiced)).toEqual([
      ["PICK", "CONFIRMED"],
      ["INVOICE", "PENDING"],
    ]);
    await runWorker(f);
    expect(commandsOf(await staffView(f, order.id))).toEqual([
      ["PICK", "CONFIRMED"],
      ["INVOICE", "CONFIRMED"],
    ]);
    expect((await orderState(f, orderNumber)).packages).toMatchObject([{ packageNumber, status: "Packaged", ...INVOICE }]);

    const shipped = await step(f, order.id, "ship", { trackingNumber: "TRK-42" });
    expect(shipped.status).toBe("SHIPPED");
    expect(commandsOf(shipped).at(-1)).toEqual(["SHIP", "PENDING"]);
    expect(await level(f, productId)).toEqual({ onHand: 8, reserved: 0 });
    await runWorker(f);
    expect(commandsOf(await staffView(f, order.id))).toEqual([
      ["PICK", "CONFIRMED"],
      ["INVOICE", "CONFIRMED"],
      ["SHIP", "CONFIRMED"],
    ]);
    const state = await orderState(f, orderNumber);
    expect(state.packages).toMatchObject([{ packageNumber, status: "InTransit", invoiceNumber: INVOICE.invoiceNumber, trackingNumber: "TRK-42" }]);
    expect(state.calls).toEqual({ pack: 1, invoice: 1, intransit: 1 });
  });

  test("a store shipping with Hepsiburada's carrier: ship is NOT_SUPPORTED with its source and no in-transit call is made", async () => {
    const f = await fulfilmentShop("HEPSIBURADA");
    const { productId, barcode } = await listed(f, 5);
    const order = await takenIn(f, [{ barcode, quantity: 1, unitPrice: 2_000 }]);
    await step(f, order.id, "pick");
    await runWorker(f);
    await pull(f);
    await step(f, order.id, "invoice", INVOICE);
    await runWorker(f);

    const shipped = await step(f, order.id, "ship", { trackingNumber: "TRK-7" });
    const ship = shipped.commands.find((c: Json) => c.kind === "SHIP");
    expect(ship.state).toBe("NOT_SUPPORTED");
    expect(ship.reason).toContain("intransit");
    expect(await level(f, productId)).toEqual({ onHand: 4, reserved: 0 });
    expect(await runWorker(f)).toBe(0);
    const state = await orderState(f, String(order.externalOrderId));
    expect(state.calls).toEqual({ pack: 1, invoice: 1 });
    expect(state.packages).toMatchObject([{ status: "Packaged", trackingNumber: null }]);
    expect(commandsOf(await staffView(f, order.id))).toEqual([
      ["PICK", "CONFIRMED"],
      ["INVOICE", "CONFIRMED"],
      ["SHIP", "NOT_SUPPORTED"],
    ]);
  });

  test("an invoice recorded before the order pull has brought the new package waits (PENDING, no call) and goes once the pull has", async () => {
    const f = await fulfilmentShop("HEPSIBURADA", STORE_ACCOUNT);
    const { barcode } = await listed(f, 10);
    const order = await takenIn(f, [{ barcode, quantity: 1, unitPrice: 4_000 }]);
    const orderNumber = String(order.externalOrderId);
    await step(f, order.id, "pick");
    await step(f, order.id, "invoice", INVOICE);
    await runWorker(f);
    await runWorker(f);
    const waiting = await staffView(f, order.id);
    expect(commandsOf(waiting)).toEqual([
      ["PICK", "CONFIRMED"],
      ["INVOICE", "PENDING"],
    ]);
    expect(waiting.commands[1].reason).toContain("not in a Hepsiburada package yet");
    expect((await orderState(f, orderNumber)).calls).toEqual({ pack: 1 });

    await pull(f);
    // The retry's backoff has passed.
    await f.t.infra.database.db.update(orderCommands).set({ nextAttemptAt: new Date() }).where(eq(orderCommands.orderId, order.id));
    await runWorker(f);
    expect(commandsOf(await staffView(f, order.id))).toEqual([
      ["PICK", "CONFIRMED"],
      ["INVOICE", "CONFIRMED"],
    ]);
    expect((await orderState(f, orderNumber)).calls).toEqual({ pack: 1, invoice: 1 });
  });
});

/**
 * Staff's steps through the routes: pick, invoice, ship (all lines or some), cancel. The same for
 * web and marketplace orders; a marketplace order records the command the outbox sends later, a
 * web order none. The answer comes at once with the command PENDING (or NOT_SUPPORTED).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { TestApp } from "../support/app";
import type { FakeMarketplace } from "../support/command-port";
import { bodyOf, type Json } from "../support/http";
import { commandApp, commandShop, type CommandShop, commandStates, marketOrder, orderAsStaff, simpleMarketOrder } from "./commands-support";
import { act, acted, level, newCustomer, placed, stockedProduct } from "./support";

let t: TestApp;
let fake: FakeMarketplace;
let shop: CommandShop;
let buyer: string;
beforeAll(async () => {
  ({ t, fake } = await commandApp("order-steps"));
  shop = await commandShop(t, fake);
  buyer = await newCustomer(t);
});
afterAll(() => t.close());

const codeOf = async (res: Response) => ({ status: res.status, code: (await bodyOf(res)).error?.code });

describe("who may take a step", () => {
  test("no token is 401, a customer 403 (even on their own order), and nothing moves", async () => {
    const productId = await stockedProduct(t, shop, 5);
    const order = await placed(t, buyer, shop.storeId, [{ productId, quantity: 1 }]);
    await acted(t, shop.staffToken, order.id, "confirm");
    for (const [action, body] of [["pick", {}], ["invoice", { invoiceNumber: "X-1" }], ["ship", {}], ["unsupply", { lines: [{ productId, quantity: 1 }], reason: "OUT_OF_STOCK" }]] as const) {
      expect((await act(t, "", order.id, action, body)).status).toBe(401);
      expect(await codeOf(await act(t, buyer, order.id, action, body))).toEqual({ status: 403, code: "FORBIDDEN" });
    }
    expect((await orderAsStaff(shop, order.id)).status).toBe("CONFIRMED");
    expect(await level(t, shop, productId)).toEqual({ onHand: 5, reserved: 1 });
  });
});

describe("a web order", () => {
  test("is picked, invoiced and shipped like a marketplace order, and gets no command", async () => {
    const productId = await stockedProduct(t, shop, 5);
    const order = await placed(t, buyer, shop.storeId, [{ productId, quantity: 2 }]);
    await acted(t, shop.staffToken, order.id, "confirm");
    expect((await acted(t, shop.staffToken, order.id, "pick")).status).toBe("PICKING");
    expect((await acted(t, shop.staffToken, order.id, "invoice", { invoiceNumber: "W-1" })).status).toBe("INVOICED");
    const shipped = await acted(t, shop.staffToken, order.id, "ship", { carrier: "Aras", trackingNumber: "T1" });
    expect(shipped.status).toBe("SHIPPED");
    expect(shipped.commands).toEqual([]);
    expect(await level(t, shop, productId)).toEqual({ onHand: 3, reserved: 0 });
    expect(fake.sends).toHaveLength(0);
  });
});

describe("a marketplace order", () => {
  test("pick records a PENDING PICK command naming the lines and their units; the answer shows it at once", async () => {
    const { order } = await simpleMarketOrder(shop, 2);
    const picked = await acted(t, shop.staffToken, order.id, "pick");
    expect(picked.status).toBe("PICKING");
    expect(picked.commands).toMatchObject([{ kind: "PICK", state: "PENDING", seq: 0, lines: [{ lineNo: 1, quantity: 2 }], attempts: 0, sentAt: null, confirmedAt: null }]);
    expect(picked.items.map((item: Json) => item.status)).toEqual(["PICKING"]);
  });

  for (const path of [["confirm"], ["pick"], ["pick", "invoice"], ["invoice"]] as const) {
    test(`ships from ${path.length === 1 && path[0] === "confirm" ? "CONFIRMED" : path.at(-1) === "pick" ? "PICKING" : "INVOICED"} (${path.join(", ")}): reserved becomes shipped, a SHIP command is recorded`, async () => {
      const { order, productId } = await simpleMarketOrder(shop, 2);
      for (const action of path) await acted(t, shop.staffToken, order.id, action, action === "invoice" ? { invoiceNumber: "INV-9" } : undefined);
      const shipped = await acted(t, shop.staffToken, order.id, "ship", { carrier: "Yurtiçi", trackingNumber: "YK1" });
      expect(shipped.status).toBe("SHIPPED");
      expect(shipped.commands.at(-1)).toMatchObject({ kind: "SHIP", state: "PENDING" });
      expect(shipped.allocations.map((a: Json) => a.state)).toEqual(["SHIPPED"]);
      expect(await level(t, shop, productId)).toEqual({ onHand: 8, reserved: 0 });
    });
  }

  test("a CREATED order is not shipped straight: 409 INVALID_TRANSITION and no command", async () => {
    const { order } = await simpleMarketOrder(shop);
    expect(await codeOf(await act(t, shop.staffToken, order.id, "ship"))).toEqual({ status: 409, code: "INVALID_TRANSITION" });
    expect(await commandStates(shop, order.id)).toEqual([]);
  });

  test("a port that needs PICK before SHIP gets a PICK recorded first when none was", async () => {
    fake.support.SHIP = { supported: true, repeatSafe: false, partial: true, requires: ["PICK", "INVOICE"] };
    try {
      const { order } = await simpleMarketOrder(shop);
      await acted(t, shop.staffToken, order.id, "confirm");
      const shipped = await acted(t, shop.staffToken, order.id, "ship");
      // INVOICE carries data (its number) and is never made up: only PICK is recorded on the way.
      expect(shipped.commands.map((c: Json) => [c.kind, c.seq])).toEqual([["PICK", 0], ["SHIP", 1]]);
    } finally {
      delete fake.support.SHIP;
    }
  });

  test("some lines: those lines move on their own; the order's status is the least advanced of its lines", async () => {
    const a = await stockedProduct(t, shop, 5);
    const b = await stockedProduct(t, shop, 5);
    const order = await marketOrder(shop, [{ productId: a, quantity: 1 }, { productId: b, quantity: 2 }]);
    const picked = await acted(t, shop.staffToken, order.id, "pick", { lines: [2] });
    expect(picked.items.map((item: Json) => [item.lineNo, item.status])).toEqual([[1, "CREATED"], [2, "PICKING"]]);
    expect(picked.status).toBe("CREATED");
    const shipped = await acted(t, shop.staffToken, order.id, "ship", { lines: [2] });
    expect(shipped.items.map((item: Json) => item.status)).toEqual(["CREATED", "SHIPPED"]);
    expect(shipped.commands.map((c: Json) => [c.kind, c.lines])).toEqual([["PICK", [{ lineNo: 2, quantity: 2 }]], ["SHIP", [{ lineNo: 2, quantity: 2 }]]]);
    // Only line 2's units left the shelves.
    expect([await level(t, shop, a), await level(t, shop, b)]).toEqual([{ onHand: 5, reserved: 1 }, { onHand: 3, reserved: 0 }]);
    const rest = await acted(t, shop.staffToken, order.id, "pick");
    expect(rest.items.map((item: Json) => item.status)).toEqual(["PICKING", "SHIPPED"]);
    expect(rest.status).toBe("PICKING");
    const done = await acted(t, shop.staffToken, order.id, "ship");
    expect(done.status).toBe("SHIPPED");
    expect(done.items.map((item: Json) => item.status)).toEqual(["SHIPPED", "SHIPPED"]);
    expect(await level(t, shop, a)).toEqual({ onHand: 4, reserved: 0 });
  });

  test("lines the order does not have are 422 ORDER_LINES_INVALID; a malformed list is 422 VALIDATION_FAILED", async () => {
    const { order } = await simpleMarketOrder(shop);
    expect(await codeOf(await act(t, shop.staffToken, order.id, "pick", { lines: [7] }))).toEqual({ status: 422, code: "ORDER_LINES_INVALID" });
    expect(await codeOf(await act(t, shop.staffToken, order.id, "pick", { lines: [] }))).toEqual({ status: 422, code: "VALIDATION_FAILED" });
    expect(await codeOf(await act(t, shop.staffToken, order.id, "pick", { lines: [1, 1] }))).toEqual({ status: 422, code: "VALIDATION_FAILED" });
    expect(await codeOf(await act(t, shop.staffToken, order.id, "invoice", {}))).toEqual({ status: 422, code: "VALIDATION_FAILED" });
    expect(await codeOf(await act(t, shop.staffToken, order.id, "invoice", { invoiceNumber: "A", invoiceLink: "http://plain.example" }))).toEqual({ status: 422, code: "VALIDATION_FAILED" });
    expect(await commandStates(shop, order.id)).toEqual([]);
  });

  test("some lines where the marketplace takes only whole packages: 409 COMMAND_LINES_NOT_PARTIAL, nothing recorded; all lines pass", async () => {
    fake.support.PICK = { supported: true, repeatSafe: true, partial: false, requires: [] };
    try {
      const a = await stockedProduct(t, shop, 5);
      const order = await marketOrder(shop, [{ productId: a, quantity: 1 }, { productId: a, quantity: 1 }]);
      expect(await codeOf(await act(t, shop.staffToken, order.id, "pick", { lines: [1] }))).toEqual({ status: 409, code: "COMMAND_LINES_NOT_PARTIAL" });
      expect((await orderAsStaff(shop, order.id)).status).toBe("CREATED");
      expect((await acted(t, shop.staffToken, order.id, "pick", { lines: [1, 2] })).commands).toMatchObject([{ kind: "PICK", state: "PENDING" }]);
    } finally {
      delete fake.support.PICK;
    }
  });

  test("a step the marketplace does not document is recorded NOT_SUPPORTED with the source, and the worker makes no call", async () => {
    fake.support.INVOICE = { supported: false, source: "Trendyol docs (read 2026-12-06): no invoice number call" };
    try {
      const { order } = await simpleMarketOrder(shop);
      const invoiced = await acted(t, shop.staffToken, order.id, "invoice", { invoiceNumber: "N-1" });
      expect(invoiced.status).toBe("INVOICED");
      expect(invoiced.commands).toMatchObject([{ kind: "INVOICE", state: "NOT_SUPPORTED", reason: "Trendyol docs (read 2026-12-06): no invoice number call" }]);
      await t.services.commandWorker.runOnce();
      expect(fake.sends.filter((s) => "target" in s.command && s.command.target.orderNumber === order.externalOrderId)).toEqual([]);
      expect(await commandStates(shop, order.id)).toEqual([["INVOICE", "NOT_SUPPORTED"]]);
    } finally {
      delete fake.support.INVOICE;
    }
  });

  test("a store whose adapter has no order commands records every step NOT_SUPPORTED, naming the marketplace", async () => {
    const bare = await commandShop(t, fake, "none");
    const { order } = await simpleMarketOrder(bare);
    const picked = await acted(t, shop.staffToken, order.id, "pick");
    expect(picked.commands).toMatchObject([{ kind: "PICK", state: "NOT_SUPPORTED", reason: "no order commands written for TRENDYOL" }]);
  });

  test("staff cancelling records a CANCEL command (reason OUT_OF_STOCK by default, or as given) and releases the stock", async () => {
    const first = await simpleMarketOrder(shop, 2);
    const cancelled = await acted(t, shop.staffToken, first.order.id, "cancel");
    expect(cancelled.status).toBe("CANCELLED");
    expect(cancelled.commands).toMatchObject([{ kind: "CANCEL", state: "PENDING", lines: [{ lineNo: 1, quantity: 2 }] }]);
    expect(await level(t, shop, first.productId)).toEqual({ onHand: 10, reserved: 0 });
    const second = await simpleMarketOrder(shop);
    await acted(t, shop.staffToken, second.order.id, "pick");
    await acted(t, shop.staffToken, second.order.id, "cancel", { reason: "DEFECTIVE" });
    await t.services.commandWorker.runOnce();
    expect(fake.sendsOf("CANCEL").at(-1)).toMatchObject({ kind: "CANCEL", reason: "DEFECTIVE", target: { orderNumber: second.order.externalOrderId, packageId: expect.any(String) } });
    expect(await commandStates(shop, second.order.id)).toEqual([["PICK", "CONFIRMED"], ["CANCEL", "CONFIRMED"]]);
  });

  test("a marketplace cancelling the order (the system) records no command", async () => {
    const { order } = await simpleMarketOrder(shop);
    await t.services.orders.cancelMarketplaceOrder({ storeId: shop.marketStoreId, externalOrderId: order.externalOrderId });
    const seen = await orderAsStaff(shop, order.id);
    expect(seen.status).toBe("CANCELLED");
    expect(seen.commands).toEqual([]);
  });
});

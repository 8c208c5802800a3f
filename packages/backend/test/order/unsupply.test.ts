/**
 * Staff give up units they cannot supply (POST /api/v1/orders/:id/unsupply): exactly those units
 * are released and counted as cancelled on their lines, the rest stays; an OVERSOLD order is
 * filled once its short units are given up; every unit given up cancels the order. The units
 * counted are what keeps the later Trendyol pull (the old package Cancelled naming them, the rest
 * in a new package; trendyol-unsupplied.contract.test.ts) from releasing them a second time.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Registry } from "prom-client";
import { type Fixture, fixture, serveFixtures } from "@pazarsync/marketplace-fixtures";
import type { NormalisedOrder } from "../../src/domains/marketplace/service";
import { createTrendyolAdapter } from "../../src/domains/marketplace/trendyol/adapter";
import { feedOrder } from "../../src/domains/order/marketplace-feed";
import { createIntakeMetrics } from "../../src/domains/order/metrics";
import type { TestApp } from "../support/app";
import type { FakeMarketplace } from "../support/command-port";
import { bodyOf, type Json } from "../support/http";
import { get } from "../support/identity";
import { commandApp, commandShop, type CommandShop, commandStates, marketOrder, orderAsStaff, silent } from "./commands-support";
import { act, acted, invariantsOk, ledgerOf, level, stockedProduct } from "./support";
import { productBarcode } from "./transitions-support";

let t: TestApp;
let fake: FakeMarketplace;
let shop: CommandShop;
beforeAll(async () => {
  ({ t, fake } = await commandApp("order-unsupply"));
  shop = await commandShop(t, fake);
});
afterAll(() => t.close());

const unsupply = (orderId: string, body: unknown) => act(t, shop.staffToken, orderId, "unsupply", body);
const levels = (...ids: string[]) => Promise.all(ids.map((id) => level(t, shop, id)));
const cancelledUnits = (order: Json) => order.items.map((item: Json) => item.cancelledQuantity ?? 0);

describe("giving up units", () => {
  test("releases exactly the units named (by product id or barcode), counts them cancelled, records an UNSUPPLY command", async () => {
    const a = await stockedProduct(t, shop, 10);
    const b = await stockedProduct(t, shop, 10);
    const order = await marketOrder(shop, [{ productId: a, quantity: 3 }, { productId: b, quantity: 2 }]);
    const res = await unsupply(order.id, { lines: [{ productId: a, quantity: 1 }, { barcode: await productBarcode(t, shop, b), quantity: 2 }], reason: "OUT_OF_STOCK" });
    expect(res.status).toBe(200);
    const after = await bodyOf(res);
    expect(after.status).toBe("CREATED");
    expect(cancelledUnits(after)).toEqual([1, 2]);
    expect(await levels(a, b)).toEqual([{ onHand: 10, reserved: 2 }, { onHand: 10, reserved: 0 }]);
    expect(after.commands).toMatchObject([{ kind: "UNSUPPLY", state: "PENDING", lines: [{ lineNo: 1, quantity: 1 }, { lineNo: 2, quantity: 2 }] }]);
    expect((await ledgerOf(t, shop, a, order.id)).map((r) => [r.kind, r.reservedAfter])).toEqual([["RESERVE", 3], ["RELEASE", 2]]);
    await t.services.commandWorker.runOnce();
    expect(fake.sendsOf("UNSUPPLY").at(-1)).toMatchObject({ reason: "OUT_OF_STOCK", target: { orderNumber: order.externalOrderId, lines: [{ quantity: 1 }, { quantity: 2 }] } });
    expect(await invariantsOk(t, shop)).toMatchObject({ ok: true });
  });

  test("every unit given up: the order is CANCELLED and holds nothing", async () => {
    const a = await stockedProduct(t, shop, 10);
    const order = await marketOrder(shop, [{ productId: a, quantity: 2 }]);
    const after = await acted(t, shop.staffToken, order.id, "unsupply", { lines: [{ productId: a, quantity: 2 }], reason: "DEFECTIVE" });
    expect(after.status).toBe("CANCELLED");
    expect(after.allocations.map((x: Json) => x.state)).toEqual(["RELEASED"]);
    expect(await level(t, shop, a)).toEqual({ onHand: 10, reserved: 0 });
    expect(await commandStates(shop, order.id)).toEqual([["UNSUPPLY", "PENDING"]]);
  });

  test("units that do not match the order are 422 UNSUPPLY_LINES_INVALID, a shipped order 409, and nothing moves", async () => {
    const a = await stockedProduct(t, shop, 10);
    const stranger = await stockedProduct(t, shop, 10);
    const order = await marketOrder(shop, [{ productId: a, quantity: 2 }]);
    const code = async (body: unknown) => {
      const res = await unsupply(order.id, body);
      return [res.status, (await bodyOf(res)).error?.code];
    };
    expect(await code({ lines: [{ productId: a, quantity: 3 }], reason: "OUT_OF_STOCK" })).toEqual([422, "UNSUPPLY_LINES_INVALID"]);
    expect(await code({ lines: [{ productId: stranger, quantity: 1 }], reason: "OUT_OF_STOCK" })).toEqual([422, "UNSUPPLY_LINES_INVALID"]);
    expect(await code({ lines: [{ barcode: "no-such-barcode", quantity: 1 }], reason: "OUT_OF_STOCK" })).toEqual([422, "UNSUPPLY_LINES_INVALID"]);
    expect(await code({ lines: [{ productId: a, barcode: "x", quantity: 1 }], reason: "OUT_OF_STOCK" })).toEqual([422, "UNSUPPLY_LINES_INVALID"]);
    expect(await code({ lines: [{ productId: a, quantity: 1 }], reason: "BORED" })).toEqual([422, "VALIDATION_FAILED"]);
    expect(await code({ lines: [], reason: "OUT_OF_STOCK" })).toEqual([422, "VALIDATION_FAILED"]);
    await acted(t, shop.staffToken, order.id, "confirm");
    await acted(t, shop.staffToken, order.id, "ship");
    expect(await code({ lines: [{ productId: a, quantity: 1 }], reason: "OUT_OF_STOCK" })).toEqual([409, "INVALID_TRANSITION"]);
    expect(cancelledUnits(await orderAsStaff(shop, order.id))).toEqual([0]);
  });

  test("some units where the marketplace takes only a whole package: 409 COMMAND_LINES_NOT_PARTIAL; giving up all of them passes", async () => {
    fake.support.UNSUPPLY = { supported: true, repeatSafe: false, partial: false, requires: [] };
    try {
      const a = await stockedProduct(t, shop, 10);
      const order = await marketOrder(shop, [{ productId: a, quantity: 2 }]);
      const res = await unsupply(order.id, { lines: [{ productId: a, quantity: 1 }], reason: "OUT_OF_STOCK" });
      expect([res.status, (await bodyOf(res)).error.code]).toEqual([409, "COMMAND_LINES_NOT_PARTIAL"]);
      expect(await level(t, shop, a)).toEqual({ onHand: 10, reserved: 2 });
      expect((await acted(t, shop.staffToken, order.id, "unsupply", { lines: [{ productId: a, quantity: 2 }], reason: "OUT_OF_STOCK" })).status).toBe("CANCELLED");
    } finally {
      delete fake.support.UNSUPPLY;
    }
  });
});

describe("an OVERSOLD order filled in part", () => {
  test("giving up the short units reserves the rest and the order leaves OVERSOLD; stock and ledger balance", async () => {
    const short = await stockedProduct(t, shop, 2);
    const plenty = await stockedProduct(t, shop, 5);
    const order = await marketOrder(shop, [{ productId: short, quantity: 3 }, { productId: plenty, quantity: 1 }]);
    expect(order.status).toBe("OVERSOLD");
    expect(await levels(short, plenty)).toEqual([{ onHand: 2, reserved: 0 }, { onHand: 5, reserved: 0 }]);

    // Giving up the line that was not short leaves it short: still OVERSOLD, nothing reserved.
    const still = await acted(t, shop.staffToken, order.id, "unsupply", { lines: [{ productId: plenty, quantity: 1 }], reason: "OUT_OF_STOCK" });
    expect(still.status).toBe("OVERSOLD");
    expect(still.shortages).toMatchObject([{ productId: short, requested: 3, available: 2 }]);

    const filled = await acted(t, shop.staffToken, order.id, "unsupply", { lines: [{ productId: short, quantity: 1 }], reason: "OUT_OF_STOCK" });
    expect(filled.status).toBe("CREATED");
    expect(filled.shortages).toBeNull();
    expect(cancelledUnits(filled)).toEqual([1, 1]);
    expect(await levels(short, plenty)).toEqual([{ onHand: 2, reserved: 2 }, { onHand: 5, reserved: 0 }]);
    expect((await ledgerOf(t, shop, short, order.id)).map((r) => [r.kind, r.reservedAfter])).toEqual([["RESERVE", 2]]);
    expect(filled.commands.map((c: Json) => c.kind)).toEqual(["UNSUPPLY", "UNSUPPLY"]);
    // The filled order goes on like any other.
    await acted(t, shop.staffToken, order.id, "pick");
    expect((await acted(t, shop.staffToken, order.id, "ship")).status).toBe("SHIPPED");
    expect(await level(t, shop, short)).toEqual({ onHand: 0, reserved: 0 });
    expect(await invariantsOk(t, shop)).toMatchObject({ ok: true });
  });
});

const SOURCE = fixture("trendyol", "order-pull.unsupplied");
const DAY = 24 * 3600_000;
let run = 0;

/** The fixture's two stream reads with our barcodes and a fresh order number (as in trendyol-unsupplied.contract.test.ts). */
async function trendyolReads(barcodes: { a: string; b: string }): Promise<{ before: NormalisedOrder[]; after: NormalisedOrder[] }> {
  run += 1;
  const base = 3_500_000_000 + (Date.now() % 1_000_000) * 10 + run * 2;
  const text = JSON.stringify(SOURCE)
    .replaceAll('"TEST-BARCODE-A"', JSON.stringify(barcodes.a))
    .replaceAll('"TEST-BARCODE-B"', JSON.stringify(barcodes.b))
    .replaceAll('"TEST-20"', JSON.stringify(`UNSUP-${Date.now()}-${run}`))
    .replaceAll("3330111121", String(base))
    .replaceAll("3330111122", String(base + 1));
  const server = serveFixtures(JSON.parse(text) as Fixture);
  const adapter = createTrendyolAdapter({ baseUrl: "https://apigw.trendyol.com", sellerId: "123", apiKey: "k", apiSecret: "s", fetch: server.fetch });
  const now = Date.now();
  const before = await adapter.pullOrders?.({ since: new Date(now - 2 * DAY), until: new Date(now - DAY) });
  const after = await adapter.pullOrders?.({ since: new Date(now - DAY), until: new Date(now) });
  expect(server.mismatches).toEqual([]);
  return { before: before?.orders ?? [], after: after?.orders ?? [] };
}

async function fed(orders: NormalisedOrder[]): Promise<void> {
  const deps = { orders: t.services.orders, metrics: createIntakeMetrics(new Registry()), log: silent };
  for (const order of orders) await feedOrder(deps, { storeId: shop.marketStoreId, marketplace: "TRENDYOL", source: "pull" }, order);
}

describe("staff's unsupply, then Trendyol's pull showing it", () => {
  test.each(["new package", "cancelled package"] as const)("the %s read first: nothing is released twice, at no moment; the order holds the new package's units", async (first) => {
    const a = await stockedProduct(t, shop, 10);
    const b = await stockedProduct(t, shop, 10);
    const { before, after } = await trendyolReads({ a: await productBarcode(t, shop, a), b: await productBarcode(t, shop, b) });
    await fed(before);
    const page = await bodyOf(await get(t, `/api/v1/orders?storeId=${shop.marketStoreId}&limit=100`, shop.staffToken));
    const orderId: string | undefined = page.items.find((o: Json) => o.externalOrderId === before[0]?.externalId)?.id;
    if (!orderId) throw new Error("the fixture's order was not taken in");
    expect(await levels(a, b)).toEqual([{ onHand: 10, reserved: 2 }, { onHand: 10, reserved: 3 }]);

    // What the seller reports as not supplied, as the fixture's Cancelled package names it: A 2, B 1.
    await acted(t, shop.staffToken, orderId, "unsupply", { lines: [{ productId: a, quantity: 2 }, { productId: b, quantity: 1 }], reason: "OUT_OF_STOCK" });
    const settled = [{ onHand: 10, reserved: 0 }, { onHand: 10, reserved: 2 }];
    expect(await levels(a, b)).toEqual(settled);

    // Package by package: not even for a moment is a unit released twice (and taken back later).
    for (const delivery of first === "new package" ? after : [...after].reverse()) {
      await fed([delivery]);
      expect(await levels(a, b)).toEqual(settled);
    }
    await fed(after);
    expect(await levels(a, b)).toEqual(settled);
    const seen = await orderAsStaff(shop, orderId);
    expect(seen.status).toBe("CREATED");
    expect(cancelledUnits(seen)).toEqual([2, 1]);
    expect(seen.packages.map((p: Json) => p.status).sort()).toEqual(["Cancelled", "Created"]);
    expect(await invariantsOk(t, shop)).toMatchObject({ ok: true });
  });
});

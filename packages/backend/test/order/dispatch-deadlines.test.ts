import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createIntakeMetrics } from "../../src/domains/order/metrics";
import { registerDispatchMetrics } from "../../src/domains/order/dispatch-deadlines";
import { feedOrder } from "../../src/domains/order/marketplace-feed";
import type { NormalisedOrder } from "../../src/domains/marketplace/service";
import { Registry } from "prom-client";
import { createLogger } from "../../src/infra/logger";
import type { TestApp } from "../support/app";
import { createTestApp } from "../support/app";
import { createStore } from "../support/catalog";
import { bodyOf, type Json } from "../support/http";
import { get } from "../support/identity";
import { acted, newCustomer, openShop, placed, type Shop, stockedProduct } from "./support";
import { productBarcode } from "./transitions-support";

let t: TestApp;
let shop: Shop;
let barcode: string;
beforeAll(async () => {
  t = await createTestApp({ label: "order-dispatch" });
  shop = await openShop(t);
  barcode = await productBarcode(t, shop, await stockedProduct(t, shop, 500));
});
afterAll(() => t.close());

const HOUR = 3_600_000;
const inHours = (hours: number) => new Date(Date.now() + hours * HOUR).toISOString();
let external = 0;

async function marketplaceStore(): Promise<string> {
  return createStore(t, shop.adminToken, { type: "TRENDYOL", sellerId: `D${++external}`, warehouseIds: [shop.warehouseId] });
}

async function intake(storeId: string, dispatchBy: string | undefined, externalOrderId = `TY-DUE-${++external}`): Promise<Json> {
  const { order } = await t.services.orders.intakeMarketplaceOrder({
    storeId,
    externalOrderId,
    lines: [{ barcode, quantity: 1, unitPrice: 9_900 }],
    currency: "TRY",
    ...(dispatchBy !== undefined && { dispatchBy }),
  });
  return order;
}

const orderOf = async (id: string) => bodyOf(await get(t, `/api/v1/orders/${id}`, shop.staffToken));
const dueBefore = (instant: string, token = shop.staffToken, extra = "") => get(t, `/api/v1/orders?dueBefore=${encodeURIComponent(instant)}&limit=100${extra}`, token);

describe("dispatch deadline on the order", () => {
  test("intake stores the marketplace's deadline and the order shows it; a web order shows null", async () => {
    const deadline = new Date(Date.now() + 5 * HOUR);
    deadline.setMilliseconds(0);
    const order = await intake(await marketplaceStore(), deadline.toISOString());
    expect(order.dispatchBy).toBe(deadline.toISOString());
    expect((await orderOf(order.id)).dispatchBy).toBe(deadline.toISOString());
    const web = await placed(t, await newCustomer(t), shop.storeId, [{ barcode, quantity: 1 }]);
    expect(web.dispatchBy).toBeNull();
    expect((await orderOf(web.id)).dispatchBy).toBeNull();
  });

  test("the marketplace moving the deadline moves it; a delivery without one leaves it as it was", async () => {
    const storeId = await marketplaceStore();
    const key = `TY-MOVED-${++external}`;
    const first = await intake(storeId, "2030-01-02T10:00:00.000Z", key);
    const moved = await intake(storeId, "2030-01-03T12:30:00.000Z", key);
    expect(moved.id).toBe(first.id);
    expect(moved.dispatchBy).toBe("2030-01-03T12:30:00.000Z");
    await intake(storeId, undefined, key);
    expect((await orderOf(first.id)).dispatchBy).toBe("2030-01-03T12:30:00.000Z");
  });

  test("a known order first given a deadline later takes it", async () => {
    const storeId = await marketplaceStore();
    const key = `TY-LATE-${++external}`;
    const first = await intake(storeId, undefined, key);
    expect(first.dispatchBy).toBeNull();
    await intake(storeId, "2030-02-01T08:00:00.000Z", key);
    expect((await orderOf(first.id)).dispatchBy).toBe("2030-02-01T08:00:00.000Z");
  });

  test("an unreadable deadline is not stored and does not stop the order being taken in", async () => {
    const order = await intake(await marketplaceStore(), "next tuesday");
    expect(order.status).toBe("CREATED");
    expect(order.dispatchBy).toBeNull();
  });

  test("the marketplace feed passes the normalised order's dispatchBy to intake", async () => {
    const storeId = await marketplaceStore();
    const normalised: NormalisedOrder = {
      externalId: `TY-FEED-${++external}`,
      status: "CREATED",
      marketplaceStatus: "Created",
      lines: [{ barcode, quantity: 1, unitPrice: 9_900 }],
      currency: "TRY",
      lastModifiedAt: new Date().toISOString(),
      dispatchBy: "2030-03-04T05:06:07.000Z",
      raw: {},
    };
    const feed = { orders: t.services.orders, metrics: createIntakeMetrics(new Registry()), log: createLogger({ level: "silent", pretty: false }) };
    const result = await feedOrder(feed, { storeId, marketplace: "TRENDYOL", source: "pull" }, normalised);
    expect(result.outcome).toBe("created");
    const listed = await bodyOf(await get(t, `/api/v1/orders?storeId=${storeId}`, shop.staffToken));
    expect(listed.items.map((o: Json) => o.dispatchBy)).toEqual(["2030-03-04T05:06:07.000Z"]);
  });
});

describe("GET /api/v1/orders?dueBefore=", () => {
  test("lists open orders due before the instant, soonest first, leaving out later, undated and closed ones", async () => {
    const storeId = await marketplaceStore();
    const overdue = await intake(storeId, inHours(-1));
    const soon = await intake(storeId, inHours(1));
    const later = await intake(storeId, inHours(3));
    await intake(storeId, inHours(10));
    await intake(storeId, undefined);
    const cancelled = await intake(storeId, inHours(0.5));
    await acted(t, shop.staffToken, cancelled.id, "cancel");
    const shipped = await intake(storeId, inHours(0.25));
    await acted(t, shop.staffToken, shipped.id, "confirm");
    await acted(t, shop.staffToken, shipped.id, "ship");
    await acted(t, shop.staffToken, later.id, "confirm");

    const res = await dueBefore(inHours(5), shop.staffToken, `&storeId=${storeId}`);
    expect(res.status).toBe(200);
    const page = await bodyOf(res);
    expect(page.items.map((o: Json) => o.id)).toEqual([overdue.id, soon.id, later.id]);
    expect(page.total).toBe(3);
  });

  test("an OVERSOLD order is still owed to its buyer and is listed", async () => {
    const storeId = await marketplaceStore();
    const none = await stockedProduct(t, shop, 0);
    const { order } = await t.services.orders.intakeMarketplaceOrder({
      storeId,
      externalOrderId: `TY-SHORT-${++external}`,
      lines: [{ barcode: await productBarcode(t, shop, none), quantity: 1, unitPrice: 9_900 }],
      currency: "TRY",
      dispatchBy: inHours(2),
    });
    expect(order.status).toBe("OVERSOLD");
    const page = await bodyOf(await dueBefore(inHours(3), shop.staffToken, `&storeId=${storeId}`));
    expect(page.items.map((o: Json) => o.id)).toEqual([order.id]);
  });

  test("a customer asking by dispatch deadline is refused with 403; a malformed instant is 422", async () => {
    const customer = await newCustomer(t);
    expect((await dueBefore(inHours(1), customer)).status).toBe(403);
    expect((await get(t, "/api/v1/orders", customer)).status).toBe(200);
    expect((await dueBefore("tomorrow")).status).toBe(422);
  });
});

describe("dispatch gauges", () => {
  /** The gauge's series as /metrics shows it: store_id -> value. */
  async function series(name: string): Promise<Record<string, number>> {
    const text = await (await t.request("/metrics")).text();
    const lines = text.split("\n").filter((line) => line.startsWith(`${name}{`));
    return Object.fromEntries(lines.map((line) => [/store_id="([^"]+)"/.exec(line)?.[1] ?? "", Number(line.split(" ").pop())]));
  }

  test("count a store's open orders due within the warning (4 h by default) and those past their deadline", async () => {
    const storeId = await marketplaceStore();
    const quiet = await marketplaceStore();
    await intake(storeId, inHours(-2));
    await intake(storeId, inHours(1));
    await intake(storeId, inHours(3.5));
    await intake(storeId, inHours(6));
    const cancelled = await intake(storeId, inHours(-1));
    await acted(t, shop.staffToken, cancelled.id, "cancel");
    await intake(quiet, inHours(8));

    const [soon, overdue] = [await series("orders_dispatch_due_soon"), await series("orders_dispatch_overdue")];
    expect(soon[storeId]).toBe(2);
    expect(overdue[storeId]).toBe(1);
    expect(soon[quiet]).toBeUndefined();
    expect(overdue[quiet]).toBeUndefined();
  });

  test("the warning is ORDER_DISPATCH_WARNING_MS: a 2 h warning leaves an order 3 h away out of due soon", async () => {
    const storeId = await marketplaceStore();
    await intake(storeId, inHours(1));
    await intake(storeId, inHours(3));
    const registry = new Registry();
    registerDispatchMetrics(registry, { db: t.infra.database.db, warningMs: 2 * HOUR });
    const values = async (name: string) => (await registry.getSingleMetric(name)?.get())?.values.find((v) => v.labels.store_id === storeId)?.value;
    expect(await values("orders_dispatch_due_soon")).toBe(1);
    expect(await values("orders_dispatch_overdue")).toBeUndefined();
  });
});

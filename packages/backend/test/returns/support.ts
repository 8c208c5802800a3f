import { expect } from "bun:test";
import { createLogger } from "../../src/infra/logger";
import type { OrderCommandPort } from "../../src/domains/marketplace/order-commands";
import { createReturnsService } from "../../src/domains/returns/service";
import type { TestApp } from "../support/app";
import { createStore } from "../support/catalog";
import { bodyOf, type Json } from "../support/http";
import { get, sendJson } from "../support/identity";
import { acted, placed, type Shop } from "../order/support";
import { productBarcode } from "../order/transitions-support";

export { productBarcode };

/** A web order of these lines, confirmed and shipped by staff. */
export async function shippedWebOrder(t: TestApp, shop: Shop, customerToken: string, items: { productId: string; quantity: number }[]): Promise<Json> {
  const order = await placed(t, customerToken, shop.storeId, items);
  await acted(t, shop.staffToken, order.id, "confirm");
  return acted(t, shop.staffToken, order.id, "ship");
}

let external = 0;

/** A Trendyol store selling from the shop's warehouse. */
export function marketplaceStore(t: TestApp, shop: Shop): Promise<string> {
  return createStore(t, shop.adminToken, { type: "TRENDYOL", sellerId: String(9000 + ++external), warehouseIds: [shop.warehouseId] });
}

/** A marketplace order of one product (line id "<number>-1"), confirmed and shipped by staff; answers its order number too. */
export async function shippedMarketplaceOrder(t: TestApp, shop: Shop, storeId: string, productId: string, quantity: number): Promise<{ order: Json; number: string; barcode: string }> {
  const number = `TY-RET-${++external}-${Math.random().toString(36).slice(2, 6)}`;
  const barcode = await productBarcode(t, shop, productId);
  const { order } = await t.services.orders.intakeMarketplaceOrder({
    storeId,
    externalOrderId: number,
    lines: [{ barcode, quantity, unitPrice: 9_900, lineId: `${number}-1` }],
    currency: "TRY",
  });
  await acted(t, shop.staffToken, order.id, "confirm");
  return { order: await acted(t, shop.staffToken, order.id, "ship"), number, barcode };
}

/** The returns service over the app's database, with the given store port (or none). */
export function returnsWithPort(t: TestApp, port: OrderCommandPort | undefined) {
  return createReturnsService({
    db: t.infra.database.db,
    locks: t.infra.locks,
    log: createLogger({ level: "silent", pretty: false }),
    products: t.services.products,
    inventory: t.services.inventory,
    orders: t.services.orders,
    portFor: async () => port,
  });
}

export async function createReturn(t: TestApp, shop: Shop, body: unknown): Promise<Json> {
  const res = await sendJson(t, "POST", "/api/v1/returns", body, shop.staffToken);
  if (res.status !== 201) throw new Error(`return failed: ${res.status} ${await res.text()}`);
  return bodyOf(res);
}

export function receive(t: TestApp, shop: Shop, returnId: string, lines: unknown[]) {
  return sendJson(t, "POST", `/api/v1/returns/${returnId}/receive`, { lines }, shop.staffToken);
}

export async function received(t: TestApp, shop: Shop, returnId: string, lines: unknown[]): Promise<Json> {
  const res = await receive(t, shop, returnId, lines);
  if (res.status !== 200) throw new Error(`receive failed: ${res.status} ${await res.text()}`);
  return bodyOf(res);
}

export async function returnOf(t: TestApp, shop: Shop, returnId: string): Promise<Json> {
  const res = await get(t, `/api/v1/returns/${returnId}`, shop.staffToken);
  expect(res.status).toBe(200);
  return bodyOf(res);
}

/** The product's stock in the shop's warehouse: on hand, reserved, free and quarantined. */
export async function stockIn(t: TestApp, shop: Shop, productId: string): Promise<{ onHand: number; reserved: number; free: number; quarantined: number }> {
  const res = await get(t, `/api/v1/inventory/products/${productId}/stock`, shop.staffToken);
  expect(res.status).toBe(200);
  const found = (await bodyOf(res)).warehouses.find((w: Json) => w.warehouseId === shop.warehouseId);
  return { onHand: found?.onHand ?? 0, reserved: found?.reserved ?? 0, free: found?.free ?? 0, quarantined: found?.quarantined ?? 0 };
}

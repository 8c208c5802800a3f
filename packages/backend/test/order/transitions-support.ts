import type { TestApp } from "../support/app";
import { createStore } from "../support/catalog";
import { bodyOf, type Json } from "../support/http";
import { get } from "../support/identity";
import { acted, placed, type Shop, stockedProduct } from "./support";

export type Status = "CREATED" | "CONFIRMED" | "PICKING" | "INVOICED" | "SHIPPED" | "DELIVERED" | "CANCELLED" | "RETURNED" | "OVERSOLD" | "NEEDS_ATTENTION";

/** The route that asks for each target status. */
export const ACTION_FOR: Record<Exclude<Status, "CREATED" | "OVERSOLD" | "NEEDS_ATTENTION">, string> = {
  CONFIRMED: "confirm",
  PICKING: "pick",
  INVOICED: "invoice",
  CANCELLED: "cancel",
  SHIPPED: "ship",
  DELIVERED: "deliver",
  RETURNED: "return",
};

/** The path from CREATED to each status through the routes. */
const PATH_TO: Record<Exclude<Status, "OVERSOLD" | "NEEDS_ATTENTION">, string[]> = {
  CREATED: [],
  CONFIRMED: ["confirm"],
  PICKING: ["confirm", "pick"],
  INVOICED: ["confirm", "pick", "invoice"],
  SHIPPED: ["confirm", "ship"],
  DELIVERED: ["confirm", "ship", "deliver"],
  CANCELLED: ["cancel"],
  RETURNED: ["confirm", "ship", "return"],
};

/** The body each action's route needs. */
export function bodyFor(action: string, shop: Shop): unknown {
  if (action === "return") return { shelfId: shop.shelfId };
  if (action === "invoice") return { invoiceNumber: "INV-TEST-1" };
  return undefined;
}

export async function productBarcode(t: TestApp, shop: Shop, productId: string): Promise<string> {
  return (await bodyOf(await get(t, `/api/v1/catalog/products/${productId}`, shop.staffToken))).barcode;
}

let external = 0;

/** A marketplace order for a product with no stock: recorded OVERSOLD. */
export async function oversoldOrder(t: TestApp, shop: Shop): Promise<Json> {
  const productId = await stockedProduct(t, shop, 0);
  const storeId = await createStore(t, shop.adminToken, { type: "TRENDYOL", sellerId: "42", warehouseIds: [shop.warehouseId] });
  const { order } = await t.services.orders.intakeMarketplaceOrder({
    storeId,
    externalOrderId: `TY-OVERSOLD-${++external}`,
    lines: [{ barcode: await productBarcode(t, shop, productId), quantity: 1, unitPrice: 9_900 }],
    currency: "TRY",
  });
  return order;
}

/** A marketplace order with one line we sell (stock 10) and one we do not: recorded NEEDS_ATTENTION. */
export async function needsAttentionOrder(t: TestApp, shop: Shop): Promise<Json> {
  const productId = await stockedProduct(t, shop, 10);
  const storeId = await createStore(t, shop.adminToken, { type: "TRENDYOL", sellerId: "43", warehouseIds: [shop.warehouseId] });
  const { order } = await t.services.orders.intakeMarketplaceOrder({
    storeId,
    externalOrderId: `TY-ATTENTION-${++external}`,
    lines: [
      { barcode: await productBarcode(t, shop, productId), quantity: 1, unitPrice: 9_900 },
      { barcode: `not-sold-here-${external}`, quantity: 1, unitPrice: 9_900 },
    ],
    currency: "TRY",
  });
  return order;
}

/** A customer's order of 2 units of a fresh product (stock 10), driven by staff to the status asked for. */
export async function orderIn(t: TestApp, shop: Shop, customerToken: string, status: Status): Promise<Json> {
  if (status === "OVERSOLD") return oversoldOrder(t, shop);
  if (status === "NEEDS_ATTENTION") return needsAttentionOrder(t, shop);
  const productId = await stockedProduct(t, shop, 10);
  let order = await placed(t, customerToken, shop.storeId, [{ productId, quantity: 2 }]);
  for (const action of PATH_TO[status]) {
    order = await acted(t, shop.staffToken, order.id, action, bodyFor(action, shop));
  }
  return order;
}

/** Order rows as the API shows them. */
import { Orders } from "@pazarsync/shared";
import { Type } from "@sinclair/typebox";
import { Value } from "@sinclair/typebox/value";
import type { AllocationRow, ItemRow, OrderRow } from "./repository";

const ShortageList = Type.Array(Orders.Shortage);

/** The jsonb column is written only by intake; anything else in it is shown as no shortages. */
function shortagesOf(value: unknown): Orders.Shortage[] | null {
  return Value.Check(ShortageList, value) ? value : null;
}

export function toItem(row: ItemRow): Orders.OrderItem {
  return {
    productId: row.productId,
    sku: row.sku,
    name: row.name,
    quantity: row.quantity,
    unitPrice: row.unitPrice,
    lineTotal: row.lineTotal,
    vatRate: row.vatRate,
  };
}

export function toAllocation(row: AllocationRow): Orders.Allocation {
  return { id: row.id, productId: row.productId, warehouseId: row.warehouseId, quantity: row.quantity, state: row.state };
}

/** Allocations only when given (staff views); customers never see warehouses. */
export function toOrder(row: OrderRow, items: readonly ItemRow[], allocations?: readonly AllocationRow[]): Orders.Order {
  const order: Orders.Order = {
    id: row.id,
    number: row.number,
    storeId: row.storeId,
    customerId: row.customerId,
    placedBy: row.placedBy,
    externalOrderId: row.externalOrderId,
    status: row.status,
    currency: row.currency,
    total: row.total,
    vatTotal: row.vatTotal,
    items: items.filter((item) => item.orderId === row.id).map(toItem),
    shortages: shortagesOf(row.shortages),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
  if (allocations) order.allocations = allocations.map(toAllocation);
  return order;
}

/** After commit: tells inventory's listeners (the stock sync) which products and warehouses an order's stock change touched. */
import type { InventoryService } from "../inventory/service";

export async function announceAllocations(
  inventory: Pick<InventoryService, "announce">,
  allocations: readonly { productId: string; warehouseId: string }[],
  correlationId: string,
): Promise<void> {
  if (allocations.length === 0) return;
  await inventory.announce({
    productIds: [...new Set(allocations.map((a) => a.productId))],
    warehouseIds: [...new Set(allocations.map((a) => a.warehouseId))],
    correlationId,
  });
}

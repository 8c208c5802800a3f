import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../support/app";
import { staff } from "../support/identity";
import { createProduct, createShelf } from "./support";
import { checkerFor, inTransaction, ledgerOf, levelsOf, OpenAllocations, orderContext, reserve, warehouseWith } from "./reservations-support";

let t: TestApp;
let token: string;
const open = new OpenAllocations();
beforeAll(async () => {
  t = await createTestApp({ label: "inv-restock" });
  token = (await staff(t)).tokens.accessToken;
});
afterAll(() => t.close());

type Line = { productId: string; shelfId: string; quantity: number };
const restock = (lines: Line[], context = orderContext("returned")) =>
  inTransaction(t, (tx) => t.services.inventory.restockInTransaction(tx, lines, context));

async function shelfQuantity(productId: string, shelfId: string): Promise<number | undefined> {
  const stock = await t.services.inventory.productStock(productId);
  return stock.warehouses.flatMap((w) => w.shelves).find((s) => s.shelfId === shelfId)?.quantity;
}

describe("restocking returned goods", () => {
  test("returned units go back onto the named shelf and into its warehouse's on hand", async () => {
    const productId = await createProduct(t, token);
    const { warehouseId, shelfIds } = await warehouseWith(t, token, productId, 4);
    const shelfId = shelfIds[0] as string;
    await restock([{ productId, shelfId, quantity: 2 }]);
    expect(await shelfQuantity(productId, shelfId)).toBe(6);
    expect(await levelsOf(t, productId, [warehouseId])).toEqual([{ onHand: 6, reserved: 0 }]);
  });

  test("a shelf that never held the product starts holding it", async () => {
    const productId = await createProduct(t, token);
    const { warehouseId } = await warehouseWith(t, token, productId, 4);
    const empty = (await createShelf(t, token, warehouseId)).id as string;
    await restock([{ productId, shelfId: empty, quantity: 3 }]);
    expect(await shelfQuantity(productId, empty)).toBe(3);
    expect(await levelsOf(t, productId, [warehouseId])).toEqual([{ onHand: 7, reserved: 0 }]);
  });

  test("reserved stock is left as it is", async () => {
    const productId = await createProduct(t, token);
    const { warehouseId, shelfIds } = await warehouseWith(t, token, productId, 4);
    const held = await reserve(t, [{ productId, quantity: 3 }], [warehouseId]);
    open.add(held.allocations);
    await restock([{ productId, shelfId: shelfIds[0] as string, quantity: 1 }]);
    expect(await levelsOf(t, productId, [warehouseId])).toEqual([{ onHand: 5, reserved: 3 }]);
  });

  test("each line writes a RETURN ledger row with its shelf and on hand before and after", async () => {
    const productId = await createProduct(t, token);
    const { warehouseId, shelfIds } = await warehouseWith(t, token, productId, 4, 0);
    // Lines are applied in (product, shelf id) order, which fixes the order of the rows.
    const [lower, higher] = [...shelfIds].sort() as [string, string];
    const context = orderContext("returned by customer");
    await restock(
      [
        { productId, shelfId: higher, quantity: 2 },
        { productId, shelfId: lower, quantity: 1 },
      ],
      context,
    );
    const common = { kind: "RETURN", warehouseId, reservedBefore: 0, reservedAfter: 0, reason: context.reason, correlationId: context.correlationId };
    expect(await ledgerOf(t, token, productId, "RETURN")).toEqual([
      expect.objectContaining({ ...common, shelfId: lower, delta: 1, onHandBefore: 4, onHandAfter: 5 }),
      expect.objectContaining({ ...common, shelfId: higher, delta: 2, onHandBefore: 5, onHandAfter: 7 }),
    ]);
  });

  test("invariants hold after a shipment and the restock of its goods", async () => {
    const productId = await createProduct(t, token);
    const { warehouseId, shelfIds } = await warehouseWith(t, token, productId, 5);
    const { allocations } = await reserve(t, [{ productId, quantity: 3 }], [warehouseId]);
    const picks = await inTransaction(t, (tx) => t.services.inventory.shipInTransaction(tx, allocations, orderContext("shipped")));
    await restock(picks.map((pick) => ({ productId, shelfId: pick.shelfId, quantity: pick.quantity })));
    expect(await levelsOf(t, productId, [warehouseId])).toEqual([{ onHand: 5, reserved: 0 }]);
    expect(await shelfQuantity(productId, shelfIds[0] as string)).toBe(5);
    expect(await checkerFor(t, open).checkInvariants()).toMatchObject({ ok: true, violations: [] });
  });
});

describe("refused restocks", () => {
  test("an unknown shelf is 404 SHELF_NOT_FOUND and the other lines are rolled back", async () => {
    const productId = await createProduct(t, token);
    const { warehouseId, shelfIds } = await warehouseWith(t, token, productId, 4);
    const lines = [
      { productId, shelfId: shelfIds[0] as string, quantity: 1 },
      { productId, shelfId: crypto.randomUUID(), quantity: 1 },
    ];
    await expect(restock(lines)).rejects.toMatchObject({ status: 404, code: "SHELF_NOT_FOUND" });
    expect(await levelsOf(t, productId, [warehouseId])).toEqual([{ onHand: 4, reserved: 0 }]);
    expect(await ledgerOf(t, token, productId, "RETURN")).toEqual([]);
  });

  test("a shelf id that is not a UUID is 404 SHELF_NOT_FOUND", async () => {
    const productId = await createProduct(t, token);
    await expect(restock([{ productId, shelfId: "shelf-1", quantity: 1 }])).rejects.toMatchObject({ status: 404, code: "SHELF_NOT_FOUND" });
  });

  test("an unknown product is 404 PRODUCT_NOT_FOUND", async () => {
    const productId = await createProduct(t, token);
    const { shelfIds } = await warehouseWith(t, token, productId, 1);
    const lines = [{ productId: crypto.randomUUID(), shelfId: shelfIds[0] as string, quantity: 1 }];
    await expect(restock(lines)).rejects.toMatchObject({ status: 404, code: "PRODUCT_NOT_FOUND" });
  });

  test("a quantity that is not a positive integer is refused with 422 INVALID_QUANTITY", async () => {
    const productId = await createProduct(t, token);
    const { shelfIds } = await warehouseWith(t, token, productId, 1);
    await expect(restock([{ productId, shelfId: shelfIds[0] as string, quantity: -1 }])).rejects.toMatchObject({
      status: 422,
      code: "INVALID_QUANTITY",
    });
  });
});

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import type { Allocation } from "../../src/domains/inventory/service";
import { StockBookkeepingError } from "../../src/domains/inventory/service";
import { createTestApp, type TestApp } from "../support/app";
import { staff } from "../support/identity";
import { createProduct } from "./support";
import {
  checkerFor,
  inTransaction,
  ledgerOf,
  levelsOf,
  OpenAllocations,
  orderContext,
  productIn,
  reserve,
  warehouseWith,
} from "./reservations-support";

let t: TestApp;
let token: string;
const open = new OpenAllocations();
beforeAll(async () => {
  t = await createTestApp({ label: "inv-shipments" });
  token = (await staff(t)).tokens.accessToken;
});
afterAll(() => t.close());

async function reserveOpen(productId: string, quantity: number, warehouseIds: string[]): Promise<Allocation[]> {
  const result = await reserve(t, [{ productId, quantity }], warehouseIds);
  expect(result.shortages).toEqual([]);
  open.add(result.allocations);
  return result.allocations;
}

async function ship(allocations: Allocation[], context = orderContext("shipped")) {
  const picks = await inTransaction(t, (tx) => t.services.inventory.shipInTransaction(tx, allocations, context));
  open.remove(allocations);
  return picks;
}

/** Quantity per shelf id of one product. */
async function shelvesOf(productId: string): Promise<Record<string, number>> {
  const stock = await t.services.inventory.productStock(productId);
  return Object.fromEntries(stock.warehouses.flatMap((w) => w.shelves.map((s) => [s.shelfId, s.quantity])));
}

describe("shipping", () => {
  test("a shipment lowers reserved and on hand together by its allocations", async () => {
    const { productId, warehouseIds } = await productIn(t, token, 3, 5);
    const allocations = await reserveOpen(productId, 4, warehouseIds);
    await ship(allocations);
    expect(await levelsOf(t, productId, warehouseIds)).toEqual([
      { onHand: 0, reserved: 0 },
      { onHand: 4, reserved: 0 },
    ]);
  });

  test("the largest shelf is picked first and the rest spills onto the next largest", async () => {
    const productId = await createProduct(t, token);
    const { warehouseId, shelfIds } = await warehouseWith(t, token, productId, 2, 6, 4);
    const [small, large, middle] = shelfIds as [string, string, string];
    const picks = await ship(await reserveOpen(productId, 8, [warehouseId]));
    expect(picks).toEqual([
      { productId, warehouseId, shelfId: large, quantity: 6 },
      { productId, warehouseId, shelfId: middle, quantity: 2 },
    ]);
    expect(await shelvesOf(productId)).toEqual({ [small]: 2, [large]: 0, [middle]: 2 });
  });

  test("shelves holding the same quantity are picked in shelf id order", async () => {
    const productId = await createProduct(t, token);
    const { warehouseId, shelfIds } = await warehouseWith(t, token, productId, 3, 3);
    const [first, second] = [...shelfIds].sort() as [string, string];
    const picks = await ship(await reserveOpen(productId, 4, [warehouseId]));
    expect(picks.map((p) => [p.shelfId, p.quantity])).toEqual([
      [first, 3],
      [second, 1],
    ]);
  });

  test("only the shelves of the allocation's warehouse are picked", async () => {
    const productId = await createProduct(t, token);
    const near = await warehouseWith(t, token, productId, 2);
    const far = await warehouseWith(t, token, productId, 9);
    const picks = await ship(await reserveOpen(productId, 2, [near.warehouseId]));
    expect(picks).toEqual([{ productId, warehouseId: near.warehouseId, shelfId: near.shelfIds[0] as string, quantity: 2 }]);
    expect((await shelvesOf(productId))[far.shelfIds[0] as string]).toBe(9);
  });

  test("each shelf pick writes a SHIP ledger row with its shelf and the level before and after it", async () => {
    const productId = await createProduct(t, token);
    const { warehouseId, shelfIds } = await warehouseWith(t, token, productId, 2, 6);
    await reserveOpen(productId, 1, [warehouseId]);
    const context = orderContext("shipped");
    await ship(await reserveOpen(productId, 7, [warehouseId]), context);
    const rows = await ledgerOf(t, token, productId, "SHIP");
    expect(rows).toEqual([
      expect.objectContaining({ shelfId: shelfIds[1], delta: -6, onHandBefore: 8, onHandAfter: 2, reservedBefore: 8, reservedAfter: 2 }),
      expect.objectContaining({ shelfId: shelfIds[0], delta: -1, onHandBefore: 2, onHandAfter: 1, reservedBefore: 2, reservedAfter: 1 }),
    ]);
    expect(rows.every((row: { correlationId: string; reason: string }) => row.correlationId === context.correlationId && row.reason === "shipped")).toBe(true);
  });

  test("invariants hold after a shipment", async () => {
    const productId = await createProduct(t, token);
    const { warehouseId } = await warehouseWith(t, token, productId, 2, 3);
    await reserveOpen(productId, 1, [warehouseId]);
    await ship(await reserveOpen(productId, 4, [warehouseId]));
    expect(await checkerFor(t, open).checkInvariants()).toMatchObject({ ok: true, violations: [] });
  });
});

describe("refused shipments", () => {
  test("shipping more than is reserved throws and the rolled back transaction changes nothing", async () => {
    const { productId, warehouseIds } = await productIn(t, token, 5);
    const allocations = await reserveOpen(productId, 2, warehouseIds);
    const tooMuch = allocations.map((a) => ({ ...a, quantity: 3 }));
    const attempt = inTransaction(t, (tx) => t.services.inventory.shipInTransaction(tx, tooMuch, orderContext()));
    await expect(attempt).rejects.toBeInstanceOf(StockBookkeepingError);
    expect(await levelsOf(t, productId, warehouseIds)).toEqual([{ onHand: 5, reserved: 2 }]);
    expect(await ledgerOf(t, token, productId, "SHIP")).toEqual([]);
  });

  test("shelves that do not cover on hand make the shipment throw and change nothing", async () => {
    const productId = await createProduct(t, token);
    const { warehouseId, shelfIds } = await warehouseWith(t, token, productId, 5);
    const db = t.infra.database.db;
    // Damage a restored backup could carry: on hand says 8 while the shelf holds 5.
    await db.execute(sql`update inventory_levels set on_hand = 8 where product_id = ${productId}`);
    try {
      const allocations = (await reserve(t, [{ productId, quantity: 7 }], [warehouseId])).allocations;
      const attempt = inTransaction(t, (tx) => t.services.inventory.shipInTransaction(tx, allocations, orderContext()));
      await expect(attempt).rejects.toBeInstanceOf(StockBookkeepingError);
      expect(await levelsOf(t, productId, [warehouseId])).toEqual([{ onHand: 8, reserved: 7 }]);
      expect(await shelvesOf(productId)).toEqual({ [shelfIds[0] as string]: 5 });
    } finally {
      await db.execute(sql`update inventory_levels set on_hand = 5, reserved = 0 where product_id = ${productId}`);
    }
  });
});

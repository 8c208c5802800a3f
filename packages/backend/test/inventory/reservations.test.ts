import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { StockChange } from "../../src/domains/inventory/events";
import { StockBookkeepingError } from "../../src/domains/inventory/service";
import { createTestApp, type TestApp } from "../support/app";
import { staff } from "../support/identity";
import {
  checkerFor,
  inTransaction,
  ledgerOf,
  levelsOf,
  OpenAllocations,
  orderContext,
  productIn,
  reserve,
} from "./reservations-support";

let t: TestApp;
let token: string;
const open = new OpenAllocations();
beforeAll(async () => {
  t = await createTestApp({ label: "inv-reservations" });
  token = (await staff(t)).tokens.accessToken;
});
afterAll(() => t.close());

/** Reserves and, when nothing is short, records the allocations as open (as the order rows would). */
async function reserveOpen(demands: { productId: string; quantity: number }[], warehouseIds: string[], context = orderContext()) {
  const result = await reserve(t, demands, warehouseIds, context);
  if (result.shortages.length === 0) open.add(result.allocations);
  return result;
}

const checkInvariants = () => checkerFor(t, open).checkInvariants();

describe("reserving", () => {
  test("the first warehouse is drained before the second is drawn on", async () => {
    const { productId, warehouseIds } = await productIn(t, token, 3, 5);
    const [first, second] = warehouseIds as [string, string];
    const result = await reserveOpen([{ productId, quantity: 4 }], warehouseIds);
    expect(result).toEqual({
      allocations: [
        { productId, warehouseId: first, quantity: 3 },
        { productId, warehouseId: second, quantity: 1 },
      ],
      shortages: [],
    });
    expect(await levelsOf(t, productId, warehouseIds)).toEqual([
      { onHand: 3, reserved: 3 },
      { onHand: 5, reserved: 1 },
    ]);
  });

  test("the given warehouse order wins over any other order", async () => {
    const { productId, warehouseIds } = await productIn(t, token, 3, 5);
    const [first, second] = warehouseIds as [string, string];
    const result = await reserveOpen([{ productId, quantity: 4 }], [second, first]);
    expect(result.allocations).toEqual([{ productId, warehouseId: second, quantity: 4 }]);
  });

  test("several products are each reserved, in sorted product id order", async () => {
    const first = await productIn(t, token, 5);
    const second = await productIn(t, token, 5);
    const warehouseIds = [...first.warehouseIds, ...second.warehouseIds];
    const result = await reserveOpen(
      [
        { productId: first.productId, quantity: 2 },
        { productId: second.productId, quantity: 5 },
      ],
      warehouseIds,
    );
    expect(result.shortages).toEqual([]);
    const expected = [
      { productId: first.productId, warehouseId: first.warehouseIds[0] as string, quantity: 2 },
      { productId: second.productId, warehouseId: second.warehouseIds[0] as string, quantity: 5 },
    ].sort((a, b) => (a.productId < b.productId ? -1 : 1));
    expect(result.allocations).toEqual(expected);
  });

  test("demands for one product given twice are reserved as their sum", async () => {
    const { productId, warehouseIds } = await productIn(t, token, 5);
    const result = await reserveOpen(
      [
        { productId, quantity: 1 },
        { productId, quantity: 2 },
      ],
      warehouseIds,
    );
    expect(result.allocations).toEqual([{ productId, warehouseId: warehouseIds[0] as string, quantity: 3 }]);
  });

  test("each warehouse drawn on gets a RESERVE ledger row with reserved before and after", async () => {
    const { productId, warehouseIds } = await productIn(t, token, 3, 5);
    await reserveOpen([{ productId, quantity: 1 }], warehouseIds);
    const context = orderContext("order 42");
    await reserveOpen([{ productId, quantity: 4 }], warehouseIds, context);
    const rows = await ledgerOf(t, token, productId, "RESERVE");
    expect(rows.slice(1)).toEqual([
      expect.objectContaining({ warehouseId: warehouseIds[0], shelfId: null, delta: 0, onHandBefore: 3, onHandAfter: 3, reservedBefore: 1, reservedAfter: 3 }),
      expect.objectContaining({ warehouseId: warehouseIds[1], shelfId: null, delta: 0, onHandBefore: 5, onHandAfter: 5, reservedBefore: 0, reservedAfter: 2 }),
    ]);
    expect(rows[1]).toMatchObject({ reason: "order 42", correlationId: context.correlationId, actorId: null });
  });

  test("invariants hold after a reservation with the allocations as the open reservations", async () => {
    const { productId, warehouseIds } = await productIn(t, token, 2, 2);
    await reserveOpen([{ productId, quantity: 3 }], warehouseIds);
    expect(await checkInvariants()).toMatchObject({ ok: true, violations: [] });
  });

  test("a quantity that is not a positive integer is refused with 422 INVALID_QUANTITY", async () => {
    const { productId, warehouseIds } = await productIn(t, token, 2);
    const attempt = reserve(t, [{ productId, quantity: 0 }], warehouseIds);
    await expect(attempt).rejects.toMatchObject({ status: 422, code: "INVALID_QUANTITY" });
  });
});

describe("shortages", () => {
  test("every short product is listed with what the given warehouses held free", async () => {
    const enough = await productIn(t, token, 5);
    const short = await productIn(t, token, 2, 1);
    const none = await productIn(t, token);
    const warehouseIds = [...enough.warehouseIds, ...short.warehouseIds];
    await reserveOpen([{ productId: short.productId, quantity: 1 }], warehouseIds);
    const result = await reserve(
      t,
      [
        { productId: enough.productId, quantity: 5 },
        { productId: short.productId, quantity: 3 },
        { productId: none.productId, quantity: 1 },
      ],
      warehouseIds,
    );
    const expected = [
      { productId: short.productId, requested: 3, available: 2 },
      { productId: none.productId, requested: 1, available: 0 },
    ].sort((a, b) => (a.productId < b.productId ? -1 : 1));
    expect(result.shortages).toEqual(expected);
  });

  test("stock in a warehouse outside the given list is neither drawn on nor counted as available", async () => {
    const { productId, warehouseIds } = await productIn(t, token, 1, 10);
    const result = await reserve(t, [{ productId, quantity: 2 }], [warehouseIds[0] as string]);
    expect(result.shortages).toEqual([{ productId, requested: 2, available: 1 }]);
  });

  test("a shortfall rolled back by the caller leaves every level and the ledger as they were", async () => {
    const enough = await productIn(t, token, 5);
    const short = await productIn(t, token, 1);
    const warehouseIds = [...enough.warehouseIds, ...short.warehouseIds];
    const result = await reserve(
      t,
      [
        { productId: enough.productId, quantity: 4 },
        { productId: short.productId, quantity: 2 },
      ],
      warehouseIds,
    );
    expect(result.shortages).toHaveLength(1);
    expect(await levelsOf(t, enough.productId, enough.warehouseIds)).toEqual([{ onHand: 5, reserved: 0 }]);
    expect(await levelsOf(t, short.productId, short.warehouseIds)).toEqual([{ onHand: 1, reserved: 0 }]);
    expect(await ledgerOf(t, token, enough.productId, "RESERVE")).toEqual([]);
    expect(await ledgerOf(t, token, short.productId, "RESERVE")).toEqual([]);
  });
});

describe("releasing", () => {
  test("a release gives back exactly the allocations", async () => {
    const { productId, warehouseIds } = await productIn(t, token, 3, 5);
    await reserveOpen([{ productId, quantity: 1 }], warehouseIds);
    const { allocations } = await reserveOpen([{ productId, quantity: 4 }], warehouseIds);
    await inTransaction(t, (tx) => t.services.inventory.releaseInTransaction(tx, allocations, orderContext("cancelled")));
    open.remove(allocations);
    expect(await levelsOf(t, productId, warehouseIds)).toEqual([
      { onHand: 3, reserved: 1 },
      { onHand: 5, reserved: 0 },
    ]);
  });

  test("each released allocation gets a RELEASE ledger row with reserved before and after", async () => {
    const { productId, warehouseIds } = await productIn(t, token, 3, 5);
    const { allocations } = await reserveOpen([{ productId, quantity: 4 }], warehouseIds);
    const context = orderContext("cancelled");
    await inTransaction(t, (tx) => t.services.inventory.releaseInTransaction(tx, allocations, context));
    open.remove(allocations);
    // Released in sorted (product, warehouse) order, whatever order the reservation drew in.
    const rows = await ledgerOf(t, token, productId, "RELEASE");
    expect(rows).toHaveLength(2);
    expect(rows).toContainEqual(
      expect.objectContaining({ warehouseId: warehouseIds[0], delta: 0, onHandBefore: 3, onHandAfter: 3, reservedBefore: 3, reservedAfter: 0 }),
    );
    expect(rows).toContainEqual(
      expect.objectContaining({ warehouseId: warehouseIds[1], delta: 0, onHandBefore: 5, onHandAfter: 5, reservedBefore: 1, reservedAfter: 0 }),
    );
    expect(rows.every((row: { reason: string; correlationId: string }) => row.reason === "cancelled" && row.correlationId === context.correlationId)).toBe(true);
  });

  test("invariants hold after a release", async () => {
    const { productId, warehouseIds } = await productIn(t, token, 4);
    const { allocations } = await reserveOpen([{ productId, quantity: 3 }], warehouseIds);
    await inTransaction(t, (tx) => t.services.inventory.releaseInTransaction(tx, allocations, orderContext()));
    open.remove(allocations);
    expect(await checkInvariants()).toMatchObject({ ok: true, violations: [] });
  });

  test("releasing more than is reserved throws and the rolled back transaction changes nothing", async () => {
    const first = await productIn(t, token, 4);
    const second = await productIn(t, token, 4);
    const held = await reserveOpen(
      [
        { productId: first.productId, quantity: 2 },
        { productId: second.productId, quantity: 2 },
      ],
      [...first.warehouseIds, ...second.warehouseIds],
    );
    const tooMuch = held.allocations.map((a) => (a.productId === second.productId ? { ...a, quantity: 3 } : a));
    const attempt = inTransaction(t, (tx) => t.services.inventory.releaseInTransaction(tx, tooMuch, orderContext()));
    await expect(attempt).rejects.toBeInstanceOf(StockBookkeepingError);
    expect(await levelsOf(t, first.productId, first.warehouseIds)).toEqual([{ onHand: 4, reserved: 2 }]);
    expect(await levelsOf(t, second.productId, second.warehouseIds)).toEqual([{ onHand: 4, reserved: 2 }]);
  });
});

describe("announcing", () => {
  test("announce tells stock listeners the products and warehouses, each once, as urgent (an order's change is flushed soon)", async () => {
    const heard: StockChange[] = [];
    t.services.events.stock.on((change) => void heard.push(change));
    await t.services.inventory.announce({ productIds: ["p2", "p1", "p2"], warehouseIds: ["w1", "w1"], correlationId: "order-1" });
    expect(heard).toEqual([{ productIds: ["p1", "p2"], warehouseIds: ["w1"], correlationId: "order-1", urgent: true }]);
  });
});

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { randomUUID } from "node:crypto";
import { RESERVATION_READS, type ReservationInput, type ReservationMode } from "../../src/domains/inventory/service";
import { ReservationInput as ReservationInputSchema, ReservationLine } from "../../src/domains/inventory/reservation-types";
import { createTestApp, type TestApp } from "../support/app";
import { addStock, createSet, createSimple, createStore, createWarehouse } from "../support/catalog";
import { bodyOf } from "../support/http";
import { admin, get, staff } from "../support/identity";
import { ledgerOf, levelsOf } from "./reservations-support";

// The one reservation statement, web and marketplace orders alike. Each case orders a set of two
// of a part together with the part loose, so the set and the loose line compete for one stock.
let t: TestApp;
let adminToken: string;
let staffToken: string;
let warehouse: { id: string; shelfId: string };
let webStore: string;
let marketStore: string;
beforeAll(async () => {
  t = await createTestApp({ label: "inv-reservation-statement" });
  adminToken = (await admin(t)).tokens.accessToken;
  staffToken = (await staff(t)).tokens.accessToken;
  warehouse = await createWarehouse(t, staffToken);
  // The web store keeps 2 of every product back; the marketplace store's policy never bounds intake.
  webStore = await createStore(t, adminToken, { type: "WEB", warehouseIds: [warehouse.id], policy: { safetyStock: 2 } });
  marketStore = await createStore(t, adminToken, { type: "TRENDYOL", sellerId: "13579", warehouseIds: [warehouse.id], policy: { safetyStock: 2 } });
});
afterAll(() => t.close());

/** A part with `stock` on the shelf and a set of two of it. */
async function partAndSet(stock: number): Promise<{ part: string; set: string }> {
  const part = await createSimple(t, staffToken, "Part");
  expect((await addStock(t, staffToken, warehouse.shelfId, part, stock)).status).toBe(200);
  const set = await createSet(t, staffToken, [{ productId: part, quantity: 2 }]);
  return { part, set };
}

function input(mode: ReservationMode, storeId: string, lines: { productId: string; quantity: number }[]): ReservationInput {
  return {
    mode,
    store_id: storeId,
    warehouse_ids: [warehouse.id],
    lines: lines.map((line) => ({ product_id: line.productId, quantity: line.quantity })),
    actor_id: null,
    correlation_id: randomUUID(),
    reason: `${mode} order`,
    changed_at: new Date().toISOString(),
  };
}

const reserveStock = (reservation: ReservationInput) => t.infra.database.db.transaction((tx) => t.services.inventory.reserveStock(tx, reservation));

describe("the reservation statement", () => {
  test("a web order is bounded by what the store sells, its set and loose lines judged together", async () => {
    const { part, set } = await partAndSet(10);
    // 2 sets (4 parts) and 4 loose parts fit the 10 on the shelf, but the set line may take only
    // (10 - 4 loose) / 2 = 3 sets less the safety stock of 2.
    const refused = await reserveStock(input("WEB", webStore, [{ productId: set, quantity: 2 }, { productId: part, quantity: 4 }]));
    expect(refused).toEqual({ allocations: [], shortages: [], notSold: [{ productId: set, requested: 2, available: 1, sellable: 3 }] });
    expect(await levelsOf(t, part, [warehouse.id])).toEqual([{ onHand: 10, reserved: 0 }]);

    const placed = await reserveStock(input("WEB", webStore, [{ productId: set, quantity: 1 }, { productId: part, quantity: 4 }]));
    expect(placed).toEqual({ allocations: [{ productId: part, warehouseId: warehouse.id, quantity: 6 }], shortages: [], notSold: [] });
    expect(await levelsOf(t, part, [warehouse.id])).toEqual([{ onHand: 10, reserved: 6 }]);
  });

  test("a marketplace order reserves what is free, whatever the store's policy", async () => {
    const { part, set } = await partAndSet(10);
    const reservation = input("MARKETPLACE", marketStore, [{ productId: set, quantity: 2 }, { productId: part, quantity: 4 }]);
    const outcome = await reserveStock(reservation);
    expect(outcome).toEqual({ allocations: [{ productId: part, warehouseId: warehouse.id, quantity: 8 }], shortages: [], notSold: [] });
    expect(await levelsOf(t, part, [warehouse.id])).toEqual([{ onHand: 10, reserved: 8 }]);
    const rows = await ledgerOf(t, staffToken, part, "RESERVE");
    expect(rows).toEqual([expect.objectContaining({ reservedBefore: 0, reservedAfter: 8, reason: "MARKETPLACE order", correlationId: reservation.correlation_id })]);
  });

  test("a marketplace order beyond the free stock is answered short and reserves nothing", async () => {
    const { part, set } = await partAndSet(10);
    const outcome = await reserveStock(input("MARKETPLACE", marketStore, [{ productId: set, quantity: 3 }, { productId: part, quantity: 5 }]));
    expect(outcome).toEqual({ allocations: [], shortages: [{ productId: part, requested: 11, available: 10 }], notSold: [] });
    expect(await levelsOf(t, part, [warehouse.id])).toEqual([{ onHand: 10, reserved: 0 }]);
    expect(await ledgerOf(t, staffToken, part, "RESERVE")).toEqual([]);
  });

  test("taken in, that short marketplace order is recorded OVERSOLD with its shortages and holds nothing", async () => {
    const { part, set } = await partAndSet(10);
    const barcode = async (id: string) => (await bodyOf(await get(t, `/api/v1/catalog/products/${id}`, staffToken))).barcode as string;
    const { order } = await t.services.orders.intakeMarketplaceOrder({
      storeId: marketStore,
      externalOrderId: `TY-${randomUUID()}`,
      lines: [
        { barcode: await barcode(set), quantity: 3, unitPrice: 40_000 },
        { barcode: await barcode(part), quantity: 5, unitPrice: 10_000 },
      ],
      currency: "TRY",
    });
    expect(order).toMatchObject({ status: "OVERSOLD", shortages: [{ productId: part, requested: 11, available: 10 }], allocations: [] });
    expect(await levelsOf(t, part, [warehouse.id])).toEqual([{ onHand: 10, reserved: 0 }]);
  });
});

describe("the statement's input contract", () => {
  /** The column names a `jsonb_to_record(...) as alias(...)` in the statement reads. */
  function columnsRead(fn: string, alias: string): string[] {
    const match = RESERVATION_READS.match(new RegExp(`${fn}\\([^)]*\\) as ${alias}\\(([^)]*)\\)`));
    if (!match?.[1]) throw new Error(`the statement reads no ${fn} as ${alias}`);
    return match[1].split(",").map((column) => column.trim().split(" ")[0] as string);
  }

  test("the statement reads exactly the fields of ReservationInput and of its lines", () => {
    expect(columnsRead("jsonb_to_record", "r").sort()).toEqual(Object.keys(ReservationInputSchema.properties).sort());
    expect(columnsRead("jsonb_to_recordset", "l").sort()).toEqual(Object.keys(ReservationLine.properties).sort());
  });

  test("a malformed line is refused naming the field, and nothing is written", async () => {
    const { part } = await partAndSet(5);
    const good = input("MARKETPLACE", marketStore, [{ productId: part, quantity: 1 }]);
    const malformed = { ...good, lines: [{ product_id: "not-a-uuid", quantity: 1 }] };
    await expect(reserveStock(malformed)).rejects.toThrow("malformed reservation input at /lines/0/product_id");
    // A field the statement does not read (a renamed one) is refused rather than silently ignored.
    const renamed = { ...good, lines: [{ productId: part, quantity: 1 }] } as unknown as ReservationInput;
    await expect(reserveStock(renamed)).rejects.toThrow("malformed reservation input at /lines/0");
    await expect(reserveStock({ ...good, mode: "WEB", store_id: null })).rejects.toThrow("malformed reservation input at /store_id");
    expect(await levelsOf(t, part, [warehouse.id])).toEqual([{ onHand: 5, reserved: 0 }]);
  });
});

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../support/app";
import { bodyOf, type Json } from "../support/http";
import { customer, sendJson, staff } from "../support/identity";
import { createShelf, createWarehouse, invariants, movements, stockedShelf } from "./support";

let t: TestApp;
let token: string;
beforeAll(async () => {
  t = await createTestApp({ label: "inv-quarantine" });
  token = (await staff(t)).tokens.accessToken;
});
afterAll(() => t.close());

/** A product with 5 on a shelf and `aside` units in quarantine in the same warehouse (as a return puts them). */
async function withQuarantine(aside: number) {
  const stocked = await stockedShelf(t, token, 5);
  const context = { actorId: null, correlationId: `test-${crypto.randomUUID()}`, reason: "returned damaged" };
  await t.infra.database.db.transaction((tx) =>
    t.services.inventory.quarantineInTransaction(tx, [{ productId: stocked.productId, warehouseId: stocked.warehouseId, quantity: aside }], context),
  );
  return stocked;
}

function release(productId: string, body: unknown, as = token) {
  return sendJson(t, "POST", `/api/v1/inventory/products/${productId}/quarantine`, body, as);
}

const levelIn = (stock: Json, warehouseId: string) => stock.warehouses.find((w: Json) => w.warehouseId === warehouseId);

describe("taking units out of quarantine", () => {
  test("onto a shelf of the warehouse: sellable again, with one QUARANTINE ledger row", async () => {
    const { productId, warehouseId, shelfId } = await withQuarantine(2);
    const res = await release(productId, { warehouseId, quantity: 1, to: shelfId, reason: "inspected: fine" });
    expect(res.status).toBe(200);
    expect(levelIn(await bodyOf(res), warehouseId)).toMatchObject({ onHand: 6, free: 6, quarantined: 1 });
    const [last] = (await movements(t, token, productId)).items;
    expect(last).toMatchObject({ kind: "QUARANTINE", shelfId, delta: 1, quarantineDelta: -1, onHandBefore: 5, onHandAfter: 6, reason: "inspected: fine" });
    expect(await invariants(t, token)).toMatchObject({ ok: true });
  });

  test("written off: gone from quarantine, on hand untouched", async () => {
    const { productId, warehouseId } = await withQuarantine(2);
    const res = await release(productId, { warehouseId, quantity: 2, to: "WRITE_OFF", reason: "broken" });
    expect(res.status).toBe(200);
    expect(levelIn(await bodyOf(res), warehouseId)).toMatchObject({ onHand: 5, quarantined: 0 });
    expect(await invariants(t, token)).toMatchObject({ ok: true });
  });

  test("more than is in quarantine is 409 INSUFFICIENT_QUARANTINE and nothing moves", async () => {
    const { productId, warehouseId, shelfId } = await withQuarantine(1);
    const res = await release(productId, { warehouseId, quantity: 2, to: shelfId, reason: "inspected" });
    expect(res.status).toBe(409);
    expect((await bodyOf(res)).error).toMatchObject({ code: "INSUFFICIENT_QUARANTINE", details: { productId, warehouseId, requested: 2 } });
    const stock = await t.services.inventory.productStock(productId);
    expect(levelIn(stock, warehouseId)).toMatchObject({ onHand: 5, quarantined: 1 });
    expect(levelIn(stock, warehouseId).shelves).toEqual([expect.objectContaining({ shelfId, quantity: 5 })]);
  });

  test("a shelf of another warehouse is 422 naming /to; a customer gets 403", async () => {
    const { productId, warehouseId } = await withQuarantine(1);
    const other = await createWarehouse(t, token);
    const elsewhere = await createShelf(t, token, other.id);
    const res = await release(productId, { warehouseId, quantity: 1, to: elsewhere.id, reason: "inspected" });
    expect(res.status).toBe(422);
    expect((await bodyOf(res)).error.details.fields[0].path).toBe("/to");
    const buyer = (await customer(t)).tokens.accessToken;
    expect((await release(productId, { warehouseId, quantity: 1, to: "WRITE_OFF", reason: "x" }, buyer)).status).toBe(403);
  });
});

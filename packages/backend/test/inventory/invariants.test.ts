import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import type { ReservationSource } from "../../src/domains/inventory/service";
import { createInventoryService } from "../../src/domains/inventory/service";
import { createLogger } from "../../src/infra/logger";
import { createTestApp, type TestApp } from "../support/app";
import { bodyOf } from "../support/http";
import { admin, customer, get, sendJson, staff } from "../support/identity";
import { invariants, stockedShelf } from "./support";

// Every test here writes an inconsistent row directly with SQL: that is the damage the check exists to catch.
let t: TestApp;
let token: string;
beforeAll(async () => {
  t = await createTestApp({ label: "inv-invariants" });
  token = (await staff(t)).tokens.accessToken;
});
afterAll(() => t.close());

const exec = (app: TestApp, query: ReturnType<typeof sql>) => app.infra.database.db.execute(query);

/** The inventory service over the app's database, with open allocations from the given source. */
function inventoryWith(app: TestApp, reservationSource: ReservationSource) {
  return createInventoryService({
    db: app.infra.database.db,
    locks: app.infra.locks,
    log: createLogger({ level: "silent", pretty: false }),
    events: app.services.events.stock,
    products: app.services.products,
    reservationSource,
  });
}

describe("the check", () => {
  test("stock written only through the API passes", async () => {
    const fresh = await createTestApp({ label: "inv-invariants-clean" });
    try {
      const own = (await staff(fresh)).tokens.accessToken;
      const { shelfId, productId } = await stockedShelf(fresh, own, 5);
      await sendJson(fresh, "POST", `/api/v1/inventory/shelves/${shelfId}/stock`, { productId, delta: -2, reason: "count" }, own);
      const report = await invariants(fresh, own);
      expect(report).toEqual({ ok: true, checkedAt: expect.any(String), violations: [], quarantine: { units: 0, levels: 0 } });
    } finally {
      await fresh.close();
    }
  });

  test("on hand that differs from the sum of its shelves is an ON_HAND_MISMATCH", async () => {
    const { warehouseId, productId } = await stockedShelf(t, token, 5);
    await exec(t, sql`update inventory_levels set on_hand = 9 where product_id = ${productId}`);
    const report = await invariants(t, token);
    expect(report.ok).toBe(false);
    expect(report.violations).toContainEqual({ kind: "ON_HAND_MISMATCH", productId, warehouseId, expected: 5, actual: 9 });
  });

  test("shelf stock without a warehouse level row is an ON_HAND_MISMATCH against 0", async () => {
    const { warehouseId, productId } = await stockedShelf(t, token, 5);
    await exec(t, sql`delete from inventory_levels where product_id = ${productId}`);
    const report = await invariants(t, token);
    expect(report.violations).toContainEqual({ kind: "ON_HAND_MISMATCH", productId, warehouseId, expected: 5, actual: 0 });
  });

  test("reserved stock with no open allocations is a RESERVED_MISMATCH", async () => {
    const { warehouseId, productId } = await stockedShelf(t, token, 5);
    await exec(t, sql`update inventory_levels set reserved = 2 where product_id = ${productId}`);
    const report = await invariants(t, token);
    expect(report.violations).toContainEqual({ kind: "RESERVED_MISMATCH", productId, warehouseId, expected: 0, actual: 2 });
  });

  test("reserved equal to the open allocations of the injected source passes", async () => {
    const { warehouseId, productId } = await stockedShelf(t, token, 5);
    await exec(t, sql`update inventory_levels set reserved = 2 where product_id = ${productId}`);
    const inventory = inventoryWith(t, async () => [{ productId, warehouseId, reserved: 2 }]);
    const report = await inventory.checkInvariants();
    expect(report.violations.filter((v) => v.productId === productId)).toEqual([]);
  });

  test("an allocation the level does not show is a RESERVED_MISMATCH", async () => {
    const { warehouseId, productId } = await stockedShelf(t, token, 5);
    const inventory = inventoryWith(t, async () => [{ productId, warehouseId, reserved: 3 }]);
    const report = await inventory.checkInvariants();
    expect(report.violations).toContainEqual({ kind: "RESERVED_MISMATCH", productId, warehouseId, expected: 3, actual: 0 });
  });

  test("a negative shelf quantity is reported where its CHECK was lost", async () => {
    const { warehouseId, shelfId, productId } = await stockedShelf(t, token, 1);
    // Simulates a database restored without its constraints; restored at the end.
    await exec(t, sql`alter table shelf_stock drop constraint shelf_stock_quantity_nonnegative`);
    try {
      await exec(t, sql`update shelf_stock set quantity = -2 where product_id = ${productId}`);
      const report = await invariants(t, token);
      expect(report.violations).toContainEqual({ kind: "NEGATIVE_QUANTITY", productId, warehouseId, shelfId, expected: 0, actual: -2 });
    } finally {
      await exec(t, sql`update shelf_stock set quantity = 1 where product_id = ${productId}`);
      await exec(t, sql`alter table shelf_stock add constraint shelf_stock_quantity_nonnegative check (quantity >= 0)`);
    }
  });

  test("quarantined units the ledger does not show are a QUARANTINE_MISMATCH; quarantine is counted apart", async () => {
    const { warehouseId, productId } = await stockedShelf(t, token, 5);
    await exec(t, sql`update inventory_levels set quarantined = 2 where product_id = ${productId}`);
    const report = await invariants(t, token);
    expect(report.violations).toContainEqual({ kind: "QUARANTINE_MISMATCH", productId, warehouseId, expected: 0, actual: 2 });
    expect(report.quarantine.units).toBeGreaterThanOrEqual(2);
    // Not an on-hand problem: the shelves still match on hand.
    expect(report.violations.filter((v: { productId: string; kind: string }) => v.productId === productId && v.kind !== "QUARANTINE_MISMATCH")).toEqual([]);
    await exec(t, sql`update inventory_levels set quarantined = 0 where product_id = ${productId}`);
  });

  test("staff may run the check; a customer may not (403)", async () => {
    expect((await get(t, "/api/v1/inventory/invariants", token)).status).toBe(200);
    expect((await get(t, "/api/v1/inventory/invariants", (await customer(t)).tokens.accessToken)).status).toBe(403);
  });
});

describe("the repair", () => {
  let app: TestApp;
  let staffToken: string;
  let adminToken: string;
  let adminId: string;
  beforeAll(async () => {
    app = await createTestApp({ label: "inv-repair" });
    staffToken = (await staff(app)).tokens.accessToken;
    adminToken = (await admin(app)).tokens.accessToken;
    adminId = (await bodyOf(await get(app, "/api/v1/auth/me", adminToken))).id;
  });
  afterAll(() => app.close());

  const repair = async (tokenToUse = adminToken) => {
    const res = await sendJson(app, "POST", "/api/v1/inventory/invariants/repair", {}, tokenToUse);
    expect(res.status).toBe(200);
    return bodyOf(res);
  };
  const latestMovement = async (productId: string) =>
    (await bodyOf(await get(app, `/api/v1/inventory/products/${productId}/movements?limit=1`, staffToken))).items[0];

  test("brings on hand back to its shelves with an ADJUSTMENT ledger row", async () => {
    const { warehouseId, productId } = await stockedShelf(app, staffToken, 5);
    await exec(app, sql`update inventory_levels set on_hand = 9 where product_id = ${productId}`);
    const report = await repair();
    expect(report).toMatchObject({ ok: true, remaining: [], correlationId: expect.stringMatching(/^repair:\d{4}-/) });
    expect(report.repaired).toContainEqual({ kind: "ON_HAND_MISMATCH", productId, warehouseId, expected: 5, actual: 9 });
    expect(await latestMovement(productId)).toMatchObject({
      id: report.movementIds[0],
      kind: "ADJUSTMENT",
      delta: -4,
      onHandBefore: 9,
      onHandAfter: 5,
      reason: expect.stringMatching(/^invariant repair: on_hand 9 -> 5/),
      actorId: adminId,
      correlationId: report.correlationId,
    });
    expect((await invariants(app, staffToken)).ok).toBe(true);
  });

  test("recreates a missing warehouse level from its shelves", async () => {
    const { warehouseId, productId } = await stockedShelf(app, staffToken, 5);
    await exec(app, sql`delete from inventory_levels where product_id = ${productId}`);
    await repair();
    expect(await app.services.inventory.stockLevels([productId])).toEqual([{ productId, warehouseId, onHand: 5, reserved: 0 }]);
    expect(await latestMovement(productId)).toMatchObject({ kind: "ADJUSTMENT", delta: 5, onHandBefore: 0, onHandAfter: 5 });
  });

  test("sets reserved back to the open allocations and records it", async () => {
    const { productId } = await stockedShelf(app, staffToken, 5);
    await exec(app, sql`update inventory_levels set reserved = 2 where product_id = ${productId}`);
    await repair();
    expect((await app.services.inventory.stockLevels([productId]))[0]).toMatchObject({ onHand: 5, reserved: 0 });
    expect(await latestMovement(productId)).toMatchObject({
      kind: "ADJUSTMENT",
      delta: 0,
      reservedBefore: 2,
      reservedAfter: 0,
      reason: expect.stringContaining("reserved 2 -> 0"),
    });
  });

  test("announces the corrected products with the repair's correlation id", async () => {
    const heard: { productIds: string[]; correlationId: string }[] = [];
    app.services.events.stock.on((change) => void heard.push(change));
    const { productId } = await stockedShelf(app, staffToken, 5);
    await exec(app, sql`update inventory_levels set on_hand = 6 where product_id = ${productId}`);
    const report = await repair();
    expect(heard).toContainEqual(expect.objectContaining({ productIds: [productId], correlationId: report.correlationId }));
  });

  test("a clean stock is left alone: no ledger rows", async () => {
    await repair();
    const report = await repair();
    expect(report).toMatchObject({ ok: true, repaired: [], remaining: [], movementIds: [] });
  });

  test("a correction the CHECKs refuse is left for a person and stays in remaining", async () => {
    const { warehouseId, productId } = await stockedShelf(app, staffToken, 5);
    const before = await latestMovement(productId);
    // Open allocations of 10 against 5 on the shelves: reserved may never exceed on hand.
    const inventory = inventoryWith(app, async () => [{ productId, warehouseId, reserved: 10 }]);
    const report = await inventory.repairInvariants(null);
    expect(report.ok).toBe(false);
    expect(report.remaining).toContainEqual({ kind: "RESERVED_MISMATCH", productId, warehouseId, expected: 10, actual: 0 });
    expect(await latestMovement(productId)).toEqual(before);
  });

  test("only an admin may repair: staff get 403", async () => {
    const res = await sendJson(app, "POST", "/api/v1/inventory/invariants/repair", {}, staffToken);
    expect(res.status).toBe(403);
  });
});

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { sqlState } from "../../src/infra/pg-errors";
import { applyShelfStockChange } from "../../src/domains/inventory/stock-mutations";
import { createTestApp, type TestApp } from "../support/app";
import { skipReason } from "../support/env";
import { staff } from "../support/identity";
import { changeStock, movements, stockedShelf } from "./support";

let t: TestApp;
let token: string;
beforeAll(async () => {
  t = await createTestApp({ label: "inv-concurrency" });
  token = (await staff(t)).tokens.accessToken;
});
afterAll(() => t.close());

async function levelOf(productId: string, warehouseId: string) {
  const levels = await t.services.inventory.stockLevels([productId]);
  return levels.find((level) => level.warehouseId === warehouseId);
}

describe("concurrent removals", () => {
  test("two removals that together exceed the stock: one succeeds, the other gets 409", async () => {
    const { warehouseId, shelfId, productId } = await stockedShelf(t, token, 5);
    const answers = await Promise.all([changeStock(t, token, shelfId, productId, -3), changeStock(t, token, shelfId, productId, -3)]);
    expect(answers.map((res) => res.status).sort()).toEqual([200, 409]);
    expect(await levelOf(productId, warehouseId)).toMatchObject({ onHand: 2, reserved: 0 });
    const ledger = await movements(t, token, productId);
    expect(ledger.items.map((m: { kind: string; delta: number }) => [m.kind, m.delta])).toEqual([
      ["ADJUSTMENT", -3],
      ["RECEIPT", 5],
    ]);
  });

  test("ten removals of one from five: exactly five succeed and the level ends at zero", async () => {
    const { warehouseId, shelfId, productId } = await stockedShelf(t, token, 5);
    const answers = await Promise.all(Array.from({ length: 10 }, () => changeStock(t, token, shelfId, productId, -1)));
    expect(answers.filter((res) => res.status === 200).length).toBe(5);
    expect(answers.filter((res) => res.status === 409).length).toBe(5);
    expect(await levelOf(productId, warehouseId)).toMatchObject({ onHand: 0 });
  });

  test("without the lock, the conditional updates alone still refuse the second removal", async () => {
    const { warehouseId, shelfId, productId } = await stockedShelf(t, token, 5);
    const removal = (reason: string) =>
      applyShelfStockChange(t.infra.database.db, { shelfId, warehouseId, productId, delta: -4, reason, actorId: null, correlationId: reason });
    const outcomes = await Promise.allSettled([removal("unlocked-1"), removal("unlocked-2")]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(["fulfilled", "rejected"]);
    const refused = outcomes.find((o) => o.status === "rejected");
    expect(refused?.status === "rejected" && refused.reason.code).toBe("INSUFFICIENT_STOCK");
    expect(await levelOf(productId, warehouseId)).toMatchObject({ onHand: 1 });
  });
});

describe("the last line of defence", () => {
  const refusal = async (query: ReturnType<typeof sql>) => {
    try {
      await t.infra.database.db.execute(query);
      return "accepted";
    } catch (error) {
      return sqlState(error);
    }
  };

  test("the CHECK constraint refuses a negative on hand written directly", async () => {
    const { warehouseId, productId } = await stockedShelf(t, token, 2);
    const outcome = await refusal(sql`update inventory_levels set on_hand = -1 where product_id = ${productId} and warehouse_id = ${warehouseId}`);
    expect(outcome).toBe("23514");
    expect(await levelOf(productId, warehouseId)).toMatchObject({ onHand: 2 });
  });

  test("the CHECK constraint refuses more reserved than on hand written directly", async () => {
    const { warehouseId, productId } = await stockedShelf(t, token, 2);
    const outcome = await refusal(sql`update inventory_levels set reserved = 3 where product_id = ${productId} and warehouse_id = ${warehouseId}`);
    expect(outcome).toBe("23514");
  });

  test("the CHECK constraint refuses a negative shelf quantity written directly", async () => {
    const { shelfId, productId } = await stockedShelf(t, token, 2);
    const outcome = await refusal(sql`update shelf_stock set quantity = -1 where shelf_id = ${shelfId} and product_id = ${productId}`);
    expect(outcome).toBe("23514");
  });
});

// Two app instances with their own pools and Redlock clients over one Postgres and one Redis.
const needsServers = skipReason("redis") ?? skipReason("postgres");

describe.skipIf(!!needsServers)("two replicas", () => {
  let replica: TestApp;
  beforeAll(async () => {
    replica = await createTestApp({ label: "inv-concurrency", replicaOf: t });
  });
  afterAll(() => replica.close());

  test("removals through two replicas that together exceed the stock: one succeeds, one gets 409", async () => {
    const { warehouseId, shelfId, productId } = await stockedShelf(t, token, 4);
    const answers = await Promise.all([changeStock(t, token, shelfId, productId, -3), changeStock(replica, token, shelfId, productId, -3)]);
    expect(answers.map((res) => res.status).sort()).toEqual([200, 409]);
    expect(await levelOf(productId, warehouseId)).toMatchObject({ onHand: 1 });
  });
});

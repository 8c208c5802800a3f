/**
 * The command worker's crashes (command-crash.test.ts) against the sandbox, through the real
 * Trendyol port: 20 orders taken in from the sandbox, a mix of pick + invoice, a partial unsupply
 * (the dangerous one: a second unsupplied call would split the package again) and a staff cancel;
 * a worker dies at its failpoint 20 times in a row (after-commit: claimed, nothing sent;
 * after-accept: Trendyol took it, nothing recorded), and a restarted worker past the lease brings
 * every command to the sandbox exactly once in effect: its packages show the right statuses and its
 * call counts show no second status update, split or cancellation.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { commandsOf } from "../../src/domains/order/command-records";
import { FailpointReached } from "../../src/domains/order/command-worker";
import { createTestApp, type TestApp } from "../support/app";
import { manualClock, TEST_SETTINGS } from "./commands-support";
import { type IntakeShop, intakeShop, level, listedProduct, type MarketStore, ordersFor } from "./intake-support";
import { drain, packageSummary, pullUntilTaken, sandboxOrder, sandboxWorker, type TakenOrder, takenOrders } from "./sandbox-commands-support";
import { acted, invariantsOk } from "./support";

let t: TestApp;
beforeAll(async () => {
  // Pulls here read at once; the order quota's pacing is pull-schedule.test.ts's.
  t = await createTestApp({ label: "order-command-crash-sandbox", env: { ORDER_PULL_QUOTA: "off" } });
});
afterAll(() => t.close());

type Step = "pick+invoice" | "unsupply" | "cancel";
const stepOf = (i: number): Step => (["pick+invoice", "unsupply", "cancel"] as const)[i % 3] as Step;

interface Scene {
  shop: IntakeShop;
  store: MarketStore;
  productId: string;
  barcode: string;
  orders: (TakenOrder & { step: Step })[];
}

/** A fresh sandbox seller, 20 orders of 2 units each taken in, and the staff steps that record their commands. */
async function scene(): Promise<Scene> {
  const shop = await intakeShop(t, 1);
  const store = shop.stores[0] as MarketStore;
  const { productId, barcode } = await listedProduct(t, shop, 100);
  const taken = await takenOrders(t, shop, store, 20, [{ barcode, quantity: 2 }]);
  const orders = taken.map((order, i) => ({ ...order, step: stepOf(i) }));
  for (const order of orders) {
    if (order.step === "pick+invoice") {
      await acted(t, shop.staffToken, order.id, "pick");
      await acted(t, shop.staffToken, order.id, "invoice", { invoiceNumber: `CRS${order.orderNumber}`.slice(0, 16) });
    } else if (order.step === "unsupply") {
      await acted(t, shop.staffToken, order.id, "unsupply", { lines: [{ barcode, quantity: 1 }], reason: "OUT_OF_STOCK" });
    } else {
      await acted(t, shop.staffToken, order.id, "cancel", { reason: "OUT_OF_STOCK" });
    }
  }
  return { shop, store, productId, barcode, orders };
}

const states = async (orderId: string) => (await commandsOf(t.infra.database.db, orderId)).map((c) => [c.kind, c.state]);

/** What each order must show once every command reached the sandbox once. */
async function expectEachOnce(s: Scene): Promise<void> {
  for (const order of s.orders) {
    const shown = await sandboxOrder(s.shop, s.store, order.orderNumber);
    const ours = await states(order.id);
    if (order.step === "pick+invoice") {
      expect(packageSummary(shown)).toEqual([["Invoiced", null, [[s.barcode, 2]]]]);
      expect(shown.packages[0]?.invoiceNumber).toBe(`CRS${order.orderNumber}`.slice(0, 16));
      expect(shown.commandCalls).toEqual({ PICKING: 1, INVOICED: 1 });
      expect(ours).toEqual([["PICK", "CONFIRMED"], ["INVOICE", "CONFIRMED"]]);
    } else if (order.step === "unsupply") {
      // One split: the old package Cancelled with the unit given up (Stok tükendi), the other unit in one new package.
      expect(packageSummary(shown)).toEqual([
        ["Cancelled", 500, [[s.barcode, 1]]],
        ["Created", null, [[s.barcode, 1]]],
      ]);
      expect(shown.commandCalls).toEqual({ UNSUPPLIED: 1 });
      expect(ours).toEqual([["UNSUPPLY", "CONFIRMED"]]);
    } else {
      expect(packageSummary(shown)).toEqual([["Cancelled", 500, [[s.barcode, 2]]]]);
      expect(shown.commandCalls).toEqual({ UNSUPPLIED: 1 });
      expect(ours).toEqual([["CANCEL", "CONFIRMED"]]);
    }
  }
}

/** The next pull reads the cancelled packages and the new ones: one order each, stock reserved once. */
async function expectPulledBack(s: Scene): Promise<void> {
  await pullUntilTaken(
    t,
    s.store,
    s.orders.map((o) => o.orderNumber),
  );
  for (const order of s.orders.filter((o) => o.step === "unsupply")) {
    const found = await ordersFor(t, s.shop, s.store, order.packageId);
    expect(found).toHaveLength(1);
    expect(found[0]?.packages?.map((p: { status: string }) => p.status).sort()).toEqual(["Cancelled", "Created"]);
  }
  // 7 orders invoiced (2 units), 7 keeping 1 unit, 6 cancelled.
  expect(await level(t, s.shop, s.productId)).toEqual({ onHand: 100, reserved: 7 * 2 + 7 * 1 });
  expect(await invariantsOk(t, { staffToken: s.shop.staffToken } as Parameters<typeof invariantsOk>[1])).toMatchObject({ ok: true });
}

describe("the Trendyol port on the sandbox: a worker that dies at its failpoint, 20 commands in a row", () => {
  test("after-commit (claimed, nothing sent): nothing reaches the sandbox before the lease ends, then each command exactly once", async () => {
    const s = await scene();
    const clock = manualClock();
    for (let i = 0; i < 20; i++) {
      const dying = sandboxWorker(t, clock, { failpoint: "after-commit", batchSize: 1 });
      await expect(dying.runOnce()).rejects.toBeInstanceOf(FailpointReached);
      await dying.stop();
      // A second between crashes: the store's unsupplied bucket (100 a minute) refills for the next send.
      clock.advance(1_000);
    }
    for (const order of s.orders) {
      expect((await sandboxOrder(s.shop, s.store, order.orderNumber)).commandCalls).toEqual({});
      expect((await states(order.id))[0]?.[1]).toBe("SENDING");
    }
    // Before the lease ends no one touches them: the dead worker might still be sending.
    await sandboxWorker(t, clock).runOnce();
    for (const order of s.orders) expect((await sandboxOrder(s.shop, s.store, order.orderNumber)).commandCalls).toEqual({});

    clock.advance(TEST_SETTINGS.leaseMs + 1);
    await drain(
      t,
      sandboxWorker(t, clock),
      clock,
      s.orders.map((o) => o.id),
    );
    await expectEachOnce(s);
    await expectPulledBack(s);
  }, 180_000);

  test("after-accept (Trendyol took it, nothing recorded): observed APPLIED after the restart, never sent again; one split per unsupply", async () => {
    const s = await scene();
    const clock = manualClock();
    for (let i = 0; i < 20; i++) {
      const dying = sandboxWorker(t, clock, { failpoint: "after-accept", batchSize: 1 });
      await expect(dying.runOnce()).rejects.toBeInstanceOf(FailpointReached);
      await dying.stop();
      // A second between crashes: the store's unsupplied bucket (100 a minute) refills for the next send.
      clock.advance(1_000);
    }
    // Each order's first command reached the sandbox once; we recorded nothing of it.
    for (const order of s.orders) {
      const calls = (await sandboxOrder(s.shop, s.store, order.orderNumber)).commandCalls;
      expect(calls).toEqual(order.step === "pick+invoice" ? { PICKING: 1 } : { UNSUPPLIED: 1 });
      expect((await states(order.id))[0]?.[1]).toBe("SENDING");
    }
    clock.advance(TEST_SETTINGS.leaseMs + 1);
    const restarted = sandboxWorker(t, clock);
    await drain(
      t,
      restarted,
      clock,
      s.orders.map((o) => o.id),
    );
    await expectEachOnce(s);
    const applied = (await restarted.metrics.sent.get()).values.filter((v) => v.labels.outcome === "observed_applied");
    expect(Object.fromEntries(applied.map((v) => [v.labels.kind, v.value]))).toEqual({ PICK: 7, UNSUPPLY: 7, CANCEL: 6 });
    await expectPulledBack(s);
  }, 180_000);
});

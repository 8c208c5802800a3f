/**
 * Crashes of the order command worker, at its failpoints, and replicas racing for one outbox:
 * after-commit (claimed, nothing sent) and after-accept (the marketplace took it, nothing recorded)
 * 20 times in a row; a restarted worker (a new one, past the lease) brings every command to the
 * marketplace exactly once in effect: observe says APPLIED -> CONFIRMED without a resend, NOT_APPLIED
 * -> sent once. Wave 2 repeats these against the sandbox.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { FailpointReached } from "../../src/domains/order/command-worker";
import { createTestApp, type TestApp } from "../support/app";
import { effectKey, type FakeMarketplace } from "../support/command-port";
import { skipReason } from "../support/env";
import type { Json } from "../support/http";
import { commandApp, commandShop, type CommandShop, commandStates, manualClock, simpleMarketOrder, TEST_SETTINGS, worker } from "./commands-support";
import { acted } from "./support";

let t: TestApp;
let fake: FakeMarketplace;
let shop: CommandShop;
beforeAll(async () => {
  ({ t, fake } = await commandApp("order-command-crash"));
  shop = await commandShop(t, fake);
});
afterAll(() => t.close());

const sendsFor = (order: Json) => fake.sends.filter((s) => "target" in s.command && s.command.target.orderNumber === order.externalOrderId).map((s) => s.command);

/** `count` orders, each picked and invoiced by staff: a PICK and an INVOICE waiting behind it. */
async function pickedAndInvoiced(count: number): Promise<Json[]> {
  const orders: Json[] = [];
  for (let i = 0; i < count; i++) {
    const { order } = await simpleMarketOrder(shop);
    await acted(t, shop.staffToken, order.id, "pick");
    await acted(t, shop.staffToken, order.id, "invoice", { invoiceNumber: `CRASH-${order.number}` });
    orders.push(order);
  }
  return orders;
}

async function expectEachAppliedOnce(orders: Json[]): Promise<void> {
  for (const order of orders) {
    const sent = sendsFor(order);
    // Every effect the marketplace holds for this order took effect once; PICK before INVOICE.
    expect([...new Set(sent.map(effectKey))].map((key) => fake.applied.get(key))).toEqual([1, 1]);
    expect([...new Set(sent.map((c) => c.kind))]).toEqual(["PICK", "INVOICE"]);
    expect(await commandStates(shop, order.id)).toEqual([["PICK", "CONFIRMED"], ["INVOICE", "CONFIRMED"]]);
  }
}

describe("a worker that dies at its failpoint, 20 commands in a row", () => {
  test("after-commit (claimed, nothing sent): after the restart each command is observed NOT_APPLIED and sent exactly once", async () => {
    const clock = manualClock();
    const orders = await pickedAndInvoiced(20);
    for (let i = 0; i < 20; i++) {
      const dying = worker(t, fake, clock, { failpoint: "after-commit", batchSize: 1 });
      await expect(dying.runOnce()).rejects.toBeInstanceOf(FailpointReached);
      await dying.stop();
    }
    for (const order of orders) {
      expect(sendsFor(order)).toEqual([]);
      expect(await commandStates(shop, order.id)).toEqual([["PICK", "SENDING"], ["INVOICE", "PENDING"]]);
    }
    // Before the lease ends no one touches them: the dead worker might still be sending.
    await worker(t, fake, clock).runOnce();
    expect(orders.flatMap(sendsFor)).toEqual([]);
    clock.advance(TEST_SETTINGS.leaseMs + 1);
    await worker(t, fake, clock).runOnce();
    await expectEachAppliedOnce(orders);
    expect(orders.map((order) => sendsFor(order).length)).toEqual(orders.map(() => 2));
  });

  test("after-accept (the marketplace took it, nothing recorded): after the restart each is observed APPLIED, CONFIRMED and never sent again", async () => {
    const clock = manualClock();
    const orders = await pickedAndInvoiced(20);
    for (let i = 0; i < 20; i++) {
      const dying = worker(t, fake, clock, { failpoint: "after-accept", batchSize: 1 });
      await expect(dying.runOnce()).rejects.toBeInstanceOf(FailpointReached);
      await dying.stop();
    }
    expect(orders.map((order) => sendsFor(order).map((c) => c.kind))).toEqual(orders.map(() => ["PICK"]));
    clock.advance(TEST_SETTINGS.leaseMs + 1);
    const restarted = worker(t, fake, clock);
    await restarted.runOnce();
    await expectEachAppliedOnce(orders);
    // One send per command: the PICKs before the crash, the INVOICEs after the restart.
    expect(orders.map((order) => sendsFor(order).map((c) => c.kind))).toEqual(orders.map(() => ["PICK", "INVOICE"]));
    expect((await restarted.metrics.sent.get()).values.find((v) => v.labels.outcome === "observed_applied")?.value).toBe(20);
  });

  test("ORDER_COMMAND_FAILPOINT sets the app's worker's failpoint", async () => {
    const crashing = await createTestApp({ label: "order-command-failpoint", env: { ORDER_COMMAND_FAILPOINT: "after-commit" }, commandPorts: fake.ports });
    try {
      expect(crashing.config.orderCommands.failpoint).toBe("after-commit");
      const own = await commandShop(crashing, fake);
      const { order } = await simpleMarketOrder(own);
      await acted(crashing, own.staffToken, order.id, "pick");
      await expect(crashing.services.commandWorker.runOnce()).rejects.toBeInstanceOf(FailpointReached);
      expect(sendsFor(order)).toEqual([]);
    } finally {
      await crashing.close();
    }
  });
});

describe("workers side by side", () => {
  test("two workers running at once never send one command twice", async () => {
    const clock = manualClock();
    const orders = await pickedAndInvoiced(15);
    const [a, b] = [worker(t, fake, clock, { batchSize: 4 }), worker(t, fake, clock, { batchSize: 4 })];
    await Promise.all([a.runOnce(), b.runOnce(), a.runOnce(), b.runOnce()]);
    await a.runOnce();
    await expectEachAppliedOnce(orders);
    expect(orders.map((order) => sendsFor(order).length)).toEqual(orders.map(() => 2));
  });

  // Replicas need real Postgres and Redis (an embedded database belongs to one process), as in test/identity/replicas.test.ts.
  test.skipIf(!!(skipReason("redis") ?? skipReason("postgres")))("two app instances on one database (replicas) never send one command twice", async () => {
    const replica = await createTestApp({ label: "order-command-replica", replicaOf: t, commandPorts: fake.ports });
    try {
      const clock = manualClock();
      const orders = await pickedAndInvoiced(15);
      const [a, b] = [worker(t, fake, clock, { batchSize: 3 }), worker(replica, fake, clock, { batchSize: 3 })];
      await Promise.all([a.runOnce(), b.runOnce(), b.runOnce(), a.runOnce()]);
      await b.runOnce();
      await expectEachAppliedOnce(orders);
      expect(orders.map((order) => sendsFor(order).length)).toEqual(orders.map(() => 2));
    } finally {
      await replica.close();
    }
  });
});

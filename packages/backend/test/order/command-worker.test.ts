/**
 * The order command worker against a test port: one order's commands strictly in seq order, a
 * refusal as a dead letter staff can list and retry, 429 retried within a budget, no answer
 * observed before any resend, ACCEPTED confirmed by observe, tokens taken first, api logs and metrics.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { FailpointReached } from "../../src/domains/order/command-worker";
import { latestCalls } from "../../src/domains/stock-sync/api-logs";
import type { TestApp } from "../support/app";
import type { FakeMarketplace } from "../support/command-port";
import { bodyOf, type Json } from "../support/http";
import { get, sendJson } from "../support/identity";
import { waitUntil } from "../support/wait";
import { commandApp, commandShop, type CommandShop, commandStates, manualClock, orderAsStaff, simpleMarketOrder, TEST_SETTINGS, worker } from "./commands-support";
import { acted, newCustomer } from "./support";

let t: TestApp;
let fake: FakeMarketplace;
let shop: CommandShop;
beforeAll(async () => {
  ({ t, fake } = await commandApp("order-command-worker"));
  shop = await commandShop(t, fake);
});
afterAll(() => t.close());

const sentFor = (order: Json) => fake.sends.filter((s) => "target" in s.command && s.command.target.orderNumber === order.externalOrderId).map((s) => s.command.kind);

/** A fresh order picked by staff: one PENDING PICK. */
async function pickedOrder(): Promise<Json> {
  const { order } = await simpleMarketOrder(shop);
  await acted(t, shop.staffToken, order.id, "pick");
  return order;
}

describe("sending", () => {
  test("one order's commands go strictly in seq order: the next waits until the one before is confirmed", async () => {
    const clock = manualClock();
    const w = worker(t, fake, clock);
    const { order } = await simpleMarketOrder(shop);
    await acted(t, shop.staffToken, order.id, "pick");
    await acted(t, shop.staffToken, order.id, "invoice", { invoiceNumber: "INV-ORDERED" });
    await acted(t, shop.staffToken, order.id, "ship", { trackingNumber: "TRK-1" });
    fake.sendScript.push("accept");
    await w.runOnce();
    expect(sentFor(order)).toEqual(["PICK"]);
    expect(await commandStates(shop, order.id)).toEqual([["PICK", "SENT"], ["INVOICE", "PENDING"], ["SHIP", "PENDING"]]);
    clock.advance(TEST_SETTINGS.retryBaseMs);
    await w.runOnce();
    expect(sentFor(order)).toEqual(["PICK", "INVOICE", "SHIP"]);
    expect(await commandStates(shop, order.id)).toEqual([["PICK", "CONFIRMED"], ["INVOICE", "CONFIRMED"], ["SHIP", "CONFIRMED"]]);
    const invoice = fake.sendsOf("INVOICE").at(-1);
    expect(invoice).toMatchObject({ invoiceNumber: "INV-ORDERED", target: { orderNumber: order.externalOrderId, packageId: expect.any(String), lines: [{ lineId: expect.any(String), quantity: 1 }] } });
    const seen = await orderAsStaff(shop, order.id);
    expect(seen.commands[0]).toMatchObject({ attempts: 1, sentAt: expect.any(String), confirmedAt: expect.any(String) });
  });

  test("kicked after commit: the app's worker sends a step without waiting for its poll", async () => {
    t.services.commandWorker.start();
    try {
      const order = await pickedOrder();
      await waitUntil(async () => (await commandStates(shop, order.id))[0]?.[1] === "CONFIRMED", { what: "the kicked send" });
      expect(sentFor(order)).toEqual(["PICK"]);
    } finally {
      await t.services.commandWorker.stop();
    }
  });
});

describe("refusals", () => {
  test("a permanent refusal is FAILED with the marketplace's reason: a dead letter staff list and retry", async () => {
    const w = worker(t, fake, manualClock());
    const order = await pickedOrder();
    fake.sendScript.push("refuse");
    await w.runOnce();
    const [failed] = (await orderAsStaff(shop, order.id)).commands;
    expect(failed).toMatchObject({ kind: "PICK", state: "FAILED", httpStatus: 400, reason: "Paket statüsü bu işlem için uygun değil", attempts: 1 });

    const listed = await get(t, `/api/v1/order-commands?state=FAILED&storeId=${shop.marketStoreId}`, shop.staffToken);
    expect(listed.status).toBe(200);
    expect((await bodyOf(listed)).items.map((c: Json) => c.id)).toContain(failed.id);
    expect((await get(t, "/api/v1/order-commands?state=FAILED", await newCustomer(t))).status).toBe(403);
    expect((await get(t, "/api/v1/order-commands?state=BROKEN", shop.staffToken)).status).toBe(422);
    await w.refreshGauges();
    expect((await w.metrics.failedOpen.get()).values.find((v) => v.labels.store_id === shop.marketStoreId)?.value).toBeGreaterThanOrEqual(1);

    const retried = await sendJson(t, "POST", `/api/v1/order-commands/${failed.id}/retry`, undefined, shop.staffToken);
    expect(retried.status).toBe(200);
    expect(await bodyOf(retried)).toMatchObject({ id: failed.id, state: "PENDING", attempts: 0 });
    await w.runOnce();
    expect(await commandStates(shop, order.id)).toEqual([["PICK", "CONFIRMED"]]);
    const again = await sendJson(t, "POST", `/api/v1/order-commands/${failed.id}/retry`, undefined, shop.staffToken);
    expect({ status: again.status, code: (await bodyOf(again)).error.code }).toEqual({ status: 409, code: "ORDER_COMMAND_NOT_FAILED" });
    const missing = await sendJson(t, "POST", "/api/v1/order-commands/00000000-0000-4000-8000-000000000000/retry", undefined, shop.staffToken);
    expect({ status: missing.status, code: (await bodyOf(missing)).error.code }).toEqual({ status: 404, code: "ORDER_COMMAND_NOT_FOUND" });
  });

  test("429 goes back to PENDING with backoff and is sent again: nothing is sent before it is due", async () => {
    const clock = manualClock();
    const w = worker(t, fake, clock);
    const order = await pickedOrder();
    fake.sendScript.push("rate-limit", "rate-limit");
    await w.runOnce();
    expect((await orderAsStaff(shop, order.id)).commands[0]).toMatchObject({ state: "PENDING", httpStatus: 429, attempts: 1 });
    await w.runOnce();
    expect(sentFor(order)).toEqual(["PICK"]);
    clock.advance(TEST_SETTINGS.maxBackoffMs);
    await w.runOnce();
    clock.advance(TEST_SETTINGS.maxBackoffMs);
    await w.runOnce();
    expect(sentFor(order)).toEqual(["PICK", "PICK", "PICK"]);
    expect((await orderAsStaff(shop, order.id)).commands[0]).toMatchObject({ state: "CONFIRMED", attempts: 3 });
  });

  test("429 past the attempt budget is FAILED, saying how many attempts were made", async () => {
    const clock = manualClock();
    const w = worker(t, fake, clock);
    const order = await pickedOrder();
    fake.sendScript.push("rate-limit", "rate-limit", "rate-limit");
    for (let i = 0; i < 3; i++) {
      await w.runOnce();
      clock.advance(TEST_SETTINGS.maxBackoffMs);
    }
    expect((await orderAsStaff(shop, order.id)).commands[0]).toMatchObject({ state: "FAILED", httpStatus: 429, attempts: 3, reason: expect.stringContaining("after 3 attempts") });
    await w.runOnce();
    expect(sentFor(order)).toHaveLength(3);
  });
});

describe("no answer", () => {
  test("applied though unanswered: observed APPLIED and CONFIRMED, never sent again", async () => {
    const clock = manualClock();
    const w = worker(t, fake, clock);
    const order = await pickedOrder();
    fake.sendScript.push("unknown-applied");
    await w.runOnce();
    expect((await orderAsStaff(shop, order.id)).commands[0]).toMatchObject({ state: "SENDING", httpStatus: 503 });
    await w.runOnce();
    clock.advance(TEST_SETTINGS.maxBackoffMs);
    await w.runOnce();
    expect(await commandStates(shop, order.id)).toEqual([["PICK", "CONFIRMED"]]);
    expect(sentFor(order)).toEqual(["PICK"]);
  });

  test("not applied: observed NOT_APPLIED, then sent again", async () => {
    const clock = manualClock();
    const w = worker(t, fake, clock);
    const order = await pickedOrder();
    fake.sendScript.push("unknown-not-applied");
    await w.runOnce();
    clock.advance(TEST_SETTINGS.maxBackoffMs);
    await w.runOnce();
    expect(sentFor(order)).toEqual(["PICK", "PICK"]);
    expect(await commandStates(shop, order.id)).toEqual([["PICK", "CONFIRMED"]]);
  });

  test("the marketplace cannot tell: a step that is not repeat-safe is observed again, never sent blind", async () => {
    const clock = manualClock();
    const w = worker(t, fake, clock);
    const order = await pickedOrder();
    fake.sendScript.push("unknown-not-applied");
    await w.runOnce();
    fake.observeScript.push("UNKNOWN");
    clock.advance(TEST_SETTINGS.maxBackoffMs);
    await w.runOnce();
    expect(sentFor(order)).toEqual(["PICK"]);
    expect(await commandStates(shop, order.id)).toEqual([["PICK", "SENDING"]]);
    clock.advance(TEST_SETTINGS.maxBackoffMs);
    await w.runOnce();
    expect(await commandStates(shop, order.id)).toEqual([["PICK", "CONFIRMED"]]);
  });

  test("accepted, then the marketplace's state passed the step: OVERTAKEN, and the next command goes", async () => {
    const clock = manualClock();
    const w = worker(t, fake, clock);
    const order = await pickedOrder();
    await acted(t, shop.staffToken, order.id, "invoice", { invoiceNumber: "OVT-1" });
    fake.sendScript.push("accept");
    await w.runOnce();
    fake.observeScript.push("PASSED");
    clock.advance(TEST_SETTINGS.retryBaseMs);
    await w.runOnce();
    expect(await commandStates(shop, order.id)).toEqual([["PICK", "OVERTAKEN"], ["INVOICE", "CONFIRMED"]]);
  });
});

describe("around each call", () => {
  test("each send takes a token from the store's bucket first: past it, commands wait for the refill", async () => {
    const clock = manualClock();
    const w = worker(t, fake, clock);
    fake.rateLimit = { requests: 10, perMs: 60_000 };
    try {
      const bucketShop = await commandShop(t, fake);
      const orders = [];
      for (let i = 0; i < 3; i++) {
        const { order } = await simpleMarketOrder(bucketShop);
        await acted(t, shop.staffToken, order.id, "pick");
        orders.push(order);
      }
      await w.runOnce();
      expect(orders.map((o) => sentFor(o).length).reduce((a, b) => a + b, 0)).toBe(1);
      for (let i = 0; i < 6; i++) {
        clock.advance(10_000);
        await w.runOnce();
      }
      expect(orders.map((o) => sentFor(o))).toEqual([["PICK"], ["PICK"], ["PICK"]]);
    } finally {
      fake.rateLimit = undefined;
    }
  });

  test("more commands in doubt after a crash than the bucket holds: each is looked at, then sent once (a look never keeps the token its send needs)", async () => {
    const clock = manualClock();
    // A bucket of one token refilling every 7.5 s: a look and a send never fit in one run.
    fake.rateLimit = { requests: 10, perMs: 60_000 };
    try {
      const bucketShop = await commandShop(t, fake);
      const orders = [];
      for (let i = 0; i < 3; i++) {
        const { order } = await simpleMarketOrder(bucketShop);
        await acted(t, shop.staffToken, order.id, "pick");
        orders.push(order);
      }
      for (let i = 0; i < 3; i++) await expect(worker(t, fake, clock, { failpoint: "after-commit", batchSize: 1 }).runOnce()).rejects.toBeInstanceOf(FailpointReached);
      clock.advance(TEST_SETTINGS.leaseMs + 1);
      const w = worker(t, fake, clock);
      for (let i = 0; i < 12; i++) {
        await w.runOnce();
        clock.advance(10_000);
      }
      expect(orders.map((o) => sentFor(o))).toEqual([["PICK"], ["PICK"], ["PICK"]]);
      for (const o of orders) expect(await commandStates(bucketShop, o.id)).toEqual([["PICK", "CONFIRMED"]]);
    } finally {
      fake.rateLimit = undefined;
    }
  });

  test("every call is written to marketplace_api_logs as ORDER_COMMAND, and counted by outcome", async () => {
    const w = worker(t, fake, manualClock());
    const logShop = await commandShop(t, fake);
    const { order } = await simpleMarketOrder(logShop);
    await acted(t, shop.staffToken, order.id, "pick");
    fake.sendScript.push("refuse");
    await w.runOnce();
    await t.services.sync.apiLogs.flush();
    const calls = await latestCalls(t.infra.database.db, logShop.marketStoreId, 10);
    expect(calls.map((c) => [c.callType, c.httpStatus, c.error])).toEqual([["ORDER_COMMAND", 400, "MARKETPLACE_REFUSED"]]);
    const counted = (await w.metrics.sent.get()).values.map((v) => v.labels);
    expect(counted).toEqual([{ marketplace: "TRENDYOL", kind: "PICK", outcome: "refused" }]);
  });

  test("the app exports the outbox gauges under the names the alert rules use", async () => {
    await t.services.commandWorker.refreshGauges();
    const text = await (await t.request("/metrics")).text();
    const lines = text.split("\n").filter((line) => line.startsWith("order_commands_") || line.startsWith("# TYPE order_commands_"));
    expect(lines.some((line) => /^order_commands_failed_open\{store_id="[0-9a-f-]{36}"/.test(line))).toBe(true);
    expect(lines.some((line) => /^order_commands_oldest_open_seconds(\{[^}]*\})? \d/.test(line))).toBe(true);
    expect(lines).toContain("# TYPE order_commands_sent_total counter");
  });
});

/**
 * Marketplace trouble: sandbox 429s and 5xx lose no marks, the store backs off, and the
 * marketplace ends at parity; plus pushes whose fate is unknown. The engine under test runs on a clock the test moves
 * (engineOnClock): backoff and circuit times are real engine decisions, and time passes by
 * advancing the clock rather than sleeping through minutes of backoff.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { StockSync } from "../../src/domains/stock-sync/service";
import { createTestApp, type TestApp } from "../support/app";
import { manualClock } from "../support/clock";
import { addStock } from "../support/catalog";
import { bodyOf } from "../support/http";
import { admin, get, sendJson, staff } from "../support/identity";
import { engineOnClock, eventually, expectedShown, marketShop, pick, testClock, type TestClock } from "./behaviour-support";
import { listedProduct, shown, stockWrites, type SyncShop } from "./engine-support";

let t: TestApp;
const tokens = { staff: "", admin: "" };
beforeAll(async () => {
  t = await createTestApp({ label: "sync-faults", env: { SYNC_POLL_DELAY_MS: "0" } });
  tokens.staff = (await staff(t)).tokens.accessToken;
  tokens.admin = (await admin(t)).tokens.accessToken;
});
afterAll(() => t.close());

async function setFaults(shop: SyncShop, faults: Record<string, number>): Promise<void> {
  const res = await fetch(`${shop.sandbox.url}/__sandbox/faults`, { method: "PUT", body: JSON.stringify(faults) });
  expect(res.status).toBe(200);
}

async function listed(shop: SyncShop, stocks: number[]): Promise<string[]> {
  const ids: string[] = [];
  for (const stock of stocks) ids.push(await listedProduct(t, shop, tokens, stock));
  return ids;
}

async function allMarked(engine: StockSync, shop: SyncShop, ids: string[]): Promise<boolean> {
  const marked = await Promise.all(ids.map((id) => engine.buffer.isMarked(shop.storeId, id)));
  return marked.every(Boolean);
}

/** Moves the clock just past the store's backoff (or open circuit). */
async function pastBackoff(engine: StockSync, shop: SyncShop, clock: TestClock): Promise<void> {
  const { retryAt } = await engine.health.snapshot(shop.storeId);
  if (retryAt !== null) clock.advance(Math.max(0, retryAt - clock.now()) + 1);
}

/** A flush after faults are gone, receipts polled: the marketplace shows what the store may sell. */
async function expectParity(engine: StockSync, shop: SyncShop): Promise<void> {
  const result = await engine.flushOne(shop.storeId);
  expect(result?.outcome).toBe("sent");
  await engine.pollReceipts();
  expect(pick(await shown(shop), shop)).toEqual(await expectedShown(t, shop));
  expect((await engine.buffer.backlog(shop.storeId)).count).toBe(0);
  expect((await engine.health.snapshot(shop.storeId)).state).toBe("closed");
}

describe("429 and 5xx from the marketplace", () => {
  test("a 429 keeps every mark, counts marketplace_429_total, backs the store off, and parity follows", async () => {
    // timeScale 50: the sandbox's 10 s rate window lasts 200 ms of its clock, which moves only when stepped.
    const sandboxClock = manualClock();
    const shop = await marketShop(t, tokens, { sandbox: { timeScale: 50, now: sandboxClock.now } });
    const ids = await listed(shop, [4, 9]);
    const clock = testClock();
    const engine = engineOnClock(t, clock);
    // Another tool on the same credentials used up the window.
    for (let i = 0; i < 50; i++) shop.sandbox.state.takeRateSlot(`${shop.sellerId}:price-and-inventory`, sandboxClock.now());

    const refused = await engine.flushOne(shop.storeId);
    expect(refused).toMatchObject({ outcome: "failed", error: "MARKETPLACE_RATE_LIMITED", sent: 0 });
    expect(stockWrites(shop).map((w) => w.status)).toEqual([429]);
    expect(await allMarked(engine, shop, ids)).toBe(true);
    expect((await engine.metrics.received429.get()).values.reduce((n, v) => n + v.value, 0)).toBe(1);
    const health = await engine.health.snapshot(shop.storeId);
    expect(health).toMatchObject({ state: "closed", failures: 1 });
    expect(health.lastError).toContain("MARKETPLACE_RATE_LIMITED");
    // Full jitter may draw a zero wait; when there is one, the store waits without asking the marketplace.
    if (health.retryAt !== null && health.retryAt > clock.now()) {
      expect((await engine.flushOne(shop.storeId))?.outcome).toBe("backoff");
      expect(stockWrites(shop)).toHaveLength(1);
    }

    sandboxClock.advance(200);
    await pastBackoff(engine, shop, clock);
    await expectParity(engine, shop);
    expect(stockWrites(shop).map((w) => w.status)).toEqual([429, 200]);
  });

  test("repeated 5xx: marks kept, backoff between tries, the circuit opens after 5 failures and a half-open trial restores parity", async () => {
    const shop = await marketShop(t, tokens, { sandbox: { faults: { status5xxRate: 1 } } });
    const ids = await listed(shop, [3, 5, 8]);
    const clock = testClock();
    const engine = engineOnClock(t, clock);
    let backoffsSeen = 0;
    for (let failure = 1; failure <= 5; failure++) {
      const result = await engine.flushOne(shop.storeId);
      expect(result).toMatchObject({ outcome: "failed", error: "MARKETPLACE_OUTCOME_UNKNOWN", sent: 0 });
      expect(stockWrites(shop)).toHaveLength(failure);
      expect(await allMarked(engine, shop, ids)).toBe(true);
      const health = await engine.health.snapshot(shop.storeId);
      expect(health.failures).toBe(failure);
      expect(health.state).toBe(failure < 5 ? "closed" : "open");
      // Exponential ceiling: at most 1 s x 2^(failures-1) before the circuit opens.
      if (failure < 5 && health.retryAt !== null) expect(health.retryAt - clock.now()).toBeLessThanOrEqual(1000 * 2 ** (failure - 1));
      if (health.retryAt !== null && health.retryAt > clock.now()) {
        expect((await engine.flushOne(shop.storeId))?.outcome).toBe("backoff");
        expect(stockWrites(shop)).toHaveLength(failure);
        backoffsSeen += 1;
      }
      // A sale during the outage: the eventual push carries the new number.
      if (failure === 2) await addStock(t, tokens.staff, shop.warehouse.shelfId, ids[0] ?? "", -1);
      if (failure < 5) await pastBackoff(engine, shop, clock);
    }
    expect(backoffsSeen).toBeGreaterThanOrEqual(1);

    // The status route (the app's own engine on real time) shows the open circuit.
    const status = await bodyOf(await get(t, "/api/v1/stock-sync/status", tokens.staff));
    const row = status.stores.find((s: { storeId: string }) => s.storeId === shop.storeId);
    expect(row).toMatchObject({ circuit: "open", failures: 5, backlog: 3 });
    expect(typeof row.retryAt).toBe("string");
    expect(row.lastError).toContain("MARKETPLACE_OUTCOME_UNKNOWN");
    // Flush-now respects the open circuit: no request reaches the marketplace.
    const now = await bodyOf(await sendJson(t, "POST", `/api/v1/stock-sync/stores/${shop.storeId}/flush`, {}, tokens.staff));
    expect(now.outcome).toBe("backoff");
    expect(stockWrites(shop)).toHaveLength(5);

    await setFaults(shop, { status5xxRate: 0 });
    await pastBackoff(engine, shop, clock);
    await expectParity(engine, shop);
  });
});

describe("unknown fates: the marketplace may or may not have applied a push", () => {
  test("a dropped connection puts the items back; they are recomputed and sent, never lost", async () => {
    const shop = await marketShop(t, tokens, { sandbox: { faults: { dropRate: 1 } } });
    const [changed, steady] = await listed(shop, [6, 2]);
    const clock = testClock();
    const engine = engineOnClock(t, clock);
    const result = await engine.flushOne(shop.storeId);
    expect(result).toMatchObject({ outcome: "failed", error: "MARKETPLACE_OUTCOME_UNKNOWN" });
    expect(stockWrites(shop).map((w) => w.status)).toEqual([null]);
    expect(await allMarked(engine, shop, [changed ?? "", steady ?? ""])).toBe(true);

    // Stock moves before the retry: the retry sends today's number, not a replay of the lost body.
    await addStock(t, tokens.staff, shop.warehouse.shelfId, changed ?? "", -4);
    await setFaults(shop, { dropRate: 0 });
    await pastBackoff(engine, shop, clock);
    await expectParity(engine, shop);
    expect((await shown(shop))[shop.barcodes.get(changed ?? "") ?? ""]).toBe(2);
  });

  test("a timeout puts the items back; after the late request lands, the recomputed push restores parity", async () => {
    const shop = await marketShop(t, tokens, { sandbox: { faults: { latencyMs: 600 } } });
    const [changed] = await listed(shop, [7]);
    const clock = testClock();
    const engine = engineOnClock(t, clock, { marketplaceTimeoutMs: 150 });
    const result = await engine.flushOne(shop.storeId);
    expect(result).toMatchObject({ outcome: "failed", error: "MARKETPLACE_OUTCOME_UNKNOWN" });
    expect(await engine.buffer.isMarked(shop.storeId, changed ?? "")).toBe(true);
    expect((await engine.health.snapshot(shop.storeId)).lastError).toContain("TIMEOUT");
    // The marketplace still handles the request it received: wait until it has.
    expect(await eventually(() => stockWrites(shop).length === 1, 5000)).toBe(true);

    await addStock(t, tokens.staff, shop.warehouse.shelfId, changed ?? "", 3);
    await setFaults(shop, { latencyMs: 0 });
    // The same store state (Redis keys) through an engine with the default timeout: 150 ms is too
    // short for an ordinary answer on a busy machine, and this push must not time out.
    const patient = engineOnClock(t, clock);
    await pastBackoff(patient, shop, clock);
    await expectParity(patient, shop);
    expect((await shown(shop))[shop.barcodes.get(changed ?? "") ?? ""]).toBe(10);
  });
});

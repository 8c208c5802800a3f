/** Per-item outcomes from batch results: dead letters, the retry route, the attempt budget. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../support/app";
import { manualClock } from "../support/clock";
import { addStock } from "../support/catalog";
import { bodyOf } from "../support/http";
import { admin, customer, get, sendJson, staff } from "../support/identity";
import { engineOnClock, expectedShown, marketShop, pick, testClock } from "./behaviour-support";
import { listedProduct, shown, stockWrites, type SyncShop } from "./engine-support";

const BUDGET = 3;
let t: TestApp;
const tokens = { staff: "", admin: "" };
beforeAll(async () => {
  t = await createTestApp({ label: "sync-outcomes", env: { SYNC_POLL_DELAY_MS: "0", SYNC_ATTEMPT_BUDGET: String(BUDGET) } });
  tokens.staff = (await staff(t)).tokens.accessToken;
  tokens.admin = (await admin(t)).tokens.accessToken;
});
afterAll(() => t.close());

const sync = () => t.services.sync;

interface LetterView {
  id: string;
  storeId: string;
  productId: string;
  barcode: string;
  quantity: number | null;
  reasons: string[];
  attempts: number;
}

async function status() {
  return bodyOf(await get(t, "/api/v1/stock-sync/status", tokens.staff));
}

async function lettersOf(shop: SyncShop): Promise<LetterView[]> {
  return ((await status()).deadLetters as LetterView[]).filter((l) => l.storeId === shop.storeId);
}

async function registerBarcodes(shop: SyncShop, barcodes: string[]): Promise<void> {
  const res = await fetch(`${shop.sandbox.url}/__sandbox/sellers/${shop.sellerId}/barcodes`, { method: "POST", body: JSON.stringify({ barcodes }) });
  expect(res.status).toBe(200);
}

const retry = (id: string, token = tokens.staff) => sendJson(t, "POST", `/api/v1/stock-sync/dead-letters/${id}/retry`, {}, token);

describe("a barcode the marketplace does not know", () => {
  test("fails in the batch result, becomes a dead letter with its reasons, and the retry route sends it again once", async () => {
    // A closed catalog: only barcodes registered with the seller exist on the marketplace.
    const shop = await marketShop(t, tokens, { knownBarcodes: [] });
    const known = await listedProduct(t, shop, tokens, 5);
    const unknown = await listedProduct(t, shop, tokens, 3);
    await registerBarcodes(shop, [shop.barcodes.get(known) ?? ""]);

    expect(await sync().flushOne(shop.storeId)).toMatchObject({ outcome: "sent", sent: 2, batches: 1 });
    expect(await sync().pollReceipts()).toBeGreaterThanOrEqual(1);

    const [letter, ...others] = await lettersOf(shop);
    expect(others).toEqual([]);
    expect(letter).toMatchObject({ productId: unknown, barcode: shop.barcodes.get(unknown), quantity: 3, attempts: 1 });
    expect(letter?.reasons.join(" ")).toMatch(/bulunamad/);
    const row = (await status()).stores.find((s: { storeId: string }) => s.storeId === shop.storeId);
    expect(row.deadLetters).toBe(1);
    // The known one was confirmed; the unknown one is not waiting in the buffer.
    expect((await shown(shop))[shop.barcodes.get(known) ?? ""]).toBe(5);
    expect(await sync().buffer.isMarked(shop.storeId, unknown)).toBe(false);

    const id = letter?.id ?? "";
    expect((await retry(id, (await customer(t)).tokens.accessToken)).status).toBe(403);
    const first = await retry(id);
    expect(first.status).toBe(200);
    expect(await bodyOf(first)).toEqual({ id, retried: true });
    expect(await sync().buffer.isMarked(shop.storeId, unknown)).toBe(true);
    expect(await lettersOf(shop)).toEqual([]);

    const second = await retry(id);
    expect(second.status).toBe(404);
    expect((await bodyOf(second)).error.code).toBe("DEAD_LETTER_NOT_FOUND");
    const invalid = await retry("not-a-uuid");
    expect(invalid.status).toBe(422);
    expect((await bodyOf(invalid)).error.code).toBeString();

    // The seller fixes the listing on the marketplace; the retried mark goes out and sticks.
    await registerBarcodes(shop, [shop.barcodes.get(unknown) ?? ""]);
    expect(await sync().flushOne(shop.storeId)).toMatchObject({ outcome: "sent", sent: 1 });
    await sync().pollReceipts();
    expect(pick(await shown(shop), shop)).toEqual(await expectedShown(t, shop));
    expect(await lettersOf(shop)).toEqual([]);
  });
});

describe("a send the marketplace failed", () => {
  test("is forgotten even when the engine stamps the send a few milliseconds after the adapter stamps its receipt, so its retry goes out", async () => {
    // The adapter stamps a receipt when the answer arrives; under load the engine's own stamp of the
    // send straddles a millisecond after it. A clock 5 ms ahead with a 20 ms call makes that certain
    // for a stamp taken after the call, and harmless for one taken before it.
    const clock = testClock();
    clock.advance(5);
    const engine = engineOnClock(t, clock);
    const shop = await marketShop(t, tokens, { knownBarcodes: [], sandbox: { faults: { latencyMs: 20 } } });
    // Two items, so the retry's body (one item) is not the first body repeated within Trendyol's window.
    const known = await listedProduct(t, shop, tokens, 5);
    const unknown = await listedProduct(t, shop, tokens, 3);
    await registerBarcodes(shop, [shop.barcodes.get(known) ?? ""]);
    expect(await engine.flushOne(shop.storeId)).toMatchObject({ outcome: "sent", sent: 2 });
    await engine.pollReceipts();
    const [letter] = await lettersOf(shop);
    expect(letter?.productId).toBe(unknown);

    await registerBarcodes(shop, [shop.barcodes.get(unknown) ?? ""]);
    expect((await retry(letter?.id ?? "")).status).toBe(200);
    expect(await engine.flushOne(shop.storeId)).toMatchObject({ outcome: "sent", sent: 1 });
  });
});

describe("a retryable item failure", () => {
  test(`is sent again after each failure until the attempt budget (${BUDGET}), then dead-lettered`, async () => {
    // errorRate 1: every item comes back FAILED with Trendyol's transient "Sistemsel bir hata" reason.
    const shop = await marketShop(t, tokens, { sandbox: { faults: { errorRate: 1 } } });
    const kettle = await listedProduct(t, shop, tokens, 10);
    for (let attempt = 1; attempt <= BUDGET; attempt++) {
      expect(await sync().flushOne(shop.storeId)).toMatchObject({ outcome: "sent", sent: 1 });
      await sync().pollReceipts();
      const remarked = await sync().buffer.isMarked(shop.storeId, kettle);
      expect(remarked).toBe(attempt < BUDGET);
      if (attempt < BUDGET) {
        expect(await lettersOf(shop)).toEqual([]);
        // A sale before the next tick: Trendyol refuses an identical body for 15 minutes, so the
        // resend carries a changed quantity (an unchanged one would be held until the window ends).
        await addStock(t, tokens.staff, shop.warehouse.shelfId, kettle, -1);
      }
    }
    expect(stockWrites(shop).map((w) => [w.status, w.itemCount])).toEqual(Array.from({ length: BUDGET }, () => [200, 1]));
    const [letter] = await lettersOf(shop);
    expect(letter).toMatchObject({ productId: kettle, attempts: BUDGET, quantity: 10 - (BUDGET - 1) });
    expect(letter?.reasons.join(" ")).toMatch(/Sistemsel/);
    // Nothing more is sent for it until someone retries it.
    expect(await sync().flushOne(shop.storeId)).toMatchObject({ sent: 0 });
    expect(stockWrites(shop)).toHaveLength(BUDGET);
  });
});

describe("an engine on its own clock", () => {
  test("polls a batch's result one poll delay after the push as its clock counts, not the wall clock", async () => {
    // An hour behind the wall: a first poll timed on the wall clock would not come for an hour here.
    const clock = manualClock(Date.now() - 60 * 60_000);
    const engine = engineOnClock(t, clock, { pollDelayMs: 5000 });
    const shop = await marketShop(t, tokens);
    await listedProduct(t, shop, tokens, 4);
    const pending = async () => (await engine.status()).stores.find((s) => s.storeId === shop.storeId)?.pendingReceipts;

    expect(await engine.flushOne(shop.storeId)).toMatchObject({ outcome: "sent", sent: 1 });
    clock.advance(4999);
    await engine.pollReceipts();
    expect(await pending()).toBe(1);
    clock.advance(1);
    await engine.pollReceipts();
    expect(await pending()).toBe(0);
  });
});

/** The stock-sync routes: status per store, flush-now within limits, access, and /metrics. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../support/app";
import { addStock } from "../support/catalog";
import { bodyOf } from "../support/http";
import { admin, customer, get, sendJson, staff } from "../support/identity";
import { marketShop } from "./behaviour-support";
import { listedProduct, stockWrites, type SyncShop } from "./engine-support";

let t: TestApp;
const tokens = { staff: "", admin: "" };
beforeAll(async () => {
  t = await createTestApp({ label: "sync-routes", env: { SYNC_POLL_DELAY_MS: "0" } });
  tokens.staff = (await staff(t)).tokens.accessToken;
  tokens.admin = (await admin(t)).tokens.accessToken;
});
afterAll(() => t.close());

const flushNow = (storeId: string, token = tokens.staff) => sendJson(t, "POST", `/api/v1/stock-sync/stores/${storeId}/flush`, {}, token);

async function storeStatus(shop: SyncShop) {
  const res = await get(t, "/api/v1/stock-sync/status", tokens.staff);
  expect(res.status).toBe(200);
  return (await bodyOf(res)).stores.find((s: { storeId: string }) => s.storeId === shop.storeId);
}

describe("GET /api/v1/stock-sync/status", () => {
  test("shows per store the backlog and its age before a push, and the last push after it", async () => {
    const shop = await marketShop(t, tokens);
    await listedProduct(t, shop, tokens, 4);
    await listedProduct(t, shop, tokens, 6);
    const before = await storeStatus(shop);
    expect(before).toMatchObject({ type: "TRENDYOL", pushing: true, backlog: 2, lastPushAt: null, circuit: "closed", failures: 0, deadLetters: 0, pendingReceipts: 0 });
    expect(before.oldestDirtyAgeMs).toBeGreaterThanOrEqual(0);

    const res = await flushNow(shop.storeId);
    expect(res.status).toBe(200);
    expect(await bodyOf(res)).toMatchObject({ storeId: shop.storeId, outcome: "sent", sent: 2, batches: 1 });
    // Api log rows are written in small batches; the status reads them.
    await t.services.sync.apiLogs.flush();
    const after = await storeStatus(shop);
    expect(after).toMatchObject({ backlog: 0, oldestDirtyAgeMs: null, pendingReceipts: 1, circuit: "closed", lastError: null, retryAt: null });
    expect(Date.parse(after.lastPushAt)).not.toBeNaN();
    await t.services.sync.pollReceipts();
    expect((await storeStatus(shop)).pendingReceipts).toBe(0);
  });

  test("is staff-only: a customer gets 403, an anonymous caller 401", async () => {
    const buyer = await customer(t);
    expect((await get(t, "/api/v1/stock-sync/status", buyer.tokens.accessToken)).status).toBe(403);
    expect((await get(t, "/api/v1/stock-sync/status")).status).toBe(401);
    expect((await flushNow(crypto.randomUUID(), buyer.tokens.accessToken)).status).toBe(403);
  });
});

describe("POST /api/v1/stock-sync/stores/:id/flush", () => {
  test("flushes within the rate limit: a store whose bucket is empty answers rate_limited and sends nothing", async () => {
    // A write tier of 1 request per minute leaves one token, spent by the first flush.
    const shop = await marketShop(t, tokens, { storeBody: { writeQuotaPerMinute: 1 } });
    const mug = await listedProduct(t, shop, tokens, 5);
    expect(await bodyOf(await flushNow(shop.storeId))).toMatchObject({ outcome: "sent", sent: 1 });
    await addStock(t, tokens.staff, shop.warehouse.shelfId, mug, -1);

    const res = await flushNow(shop.storeId);
    expect(res.status).toBe(200);
    const limited = await bodyOf(res);
    expect(limited).toMatchObject({ outcome: "rate_limited", sent: 0, batches: 0 });
    expect(limited.waitMs).toBeGreaterThan(0);
    expect(stockWrites(shop)).toHaveLength(1);
    expect(await t.services.sync.buffer.isMarked(shop.storeId, mug)).toBe(true);
  });

  test("an unknown store is 404 STORE_NOT_FOUND, a malformed id 422", async () => {
    const missing = await flushNow(crypto.randomUUID());
    expect(missing.status).toBe(404);
    expect((await bodyOf(missing)).error.code).toBe("STORE_NOT_FOUND");
    expect((await flushNow("store-1")).status).toBe(422);
  });
});

/** The value of the sample of `name` whose labels include `labels` (NaN when there is none). */
function sample(text: string, name: string, labels: Record<string, string>): number {
  for (const line of text.split("\n")) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)\{([^}]*)\} (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = new Map([...(match[2] ?? "").matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => have.get(k) === v)) return Number(match[3]);
  }
  return Number.NaN;
}

describe("/metrics after sync activity", () => {
  test("shows items sent, sync latency, dirty backlog and 429s received", async () => {
    const shop = await marketShop(t, tokens);
    await listedProduct(t, shop, tokens, 2);
    await flushNow(shop.storeId);
    await t.services.sync.pollReceipts();
    // A second store meets a marketplace whose window someone else used up: one 429.
    const crowded = await marketShop(t, tokens);
    await listedProduct(t, crowded, tokens, 1);
    for (let i = 0; i < 50; i++) crowded.sandbox.state.takeRateSlot(`${crowded.sellerId}:price-and-inventory`, Date.now());
    expect(await bodyOf(await flushNow(crowded.storeId))).toMatchObject({ outcome: "failed", error: "MARKETPLACE_RATE_LIMITED" });
    await t.services.sync.refreshGauges();

    const text = await (await t.request("/metrics")).text();
    expect(sample(text, "sync_items_sent_total", { marketplace: "TRENDYOL" })).toBeGreaterThanOrEqual(1);
    expect(sample(text, "sync_latency_seconds_count", { marketplace: "TRENDYOL" })).toBeGreaterThanOrEqual(1);
    expect(sample(text, "marketplace_429_total", { marketplace: "TRENDYOL" })).toBe(1);
    expect(sample(text, "sync_dirty_backlog", { store: crowded.storeId })).toBe(1);
    expect(sample(text, "sync_dirty_backlog", { store: shop.storeId })).toBe(0);
  });
});
